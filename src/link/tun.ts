// A TUN device (Linux, IFF_TUN | IFF_NO_PI): raw IP packets in and out of the kernel. Readiness
// comes from a libuv poll handle on Node's loop (the addon's poll()), so there is no busy polling
// and no thread; every wake-up drains up to `batch` packets with one call into the addon, and
// outgoing packets are written in one call per batch.

import type { OutboundPacket } from '../stack/types.js';
import { splitTcpSegments } from '../wire/tcp-gso.js';
import { bytesEqual } from '../wire/address.js';
import { loadTunAddon, openError, TunUnavailableError, type TunAddon } from './tun-addon.js';
import { coalesceForTso, DATA_VALID_HEADER, superSegmentHeader } from './tun-gso.js';
import { markTransportChecksumVerified } from '../stack/link-verified.js';
import { completePacket, kernelVouchesTcpChecksum, parseVnetHeader, TUN_F_CSUM, TUN_F_TSO4, TUN_F_TSO6, txVnetHeader, VNET_HDR_LEN } from './tun-offload.js';

export { TunUnavailableError, tunAvailability } from './tun-addon.js';

export interface TunOptions {
  /** Interface name (kernel picks tunN when empty). */
  name?: string;
  /** Largest packet read (the interface MTU). Default 1500. */
  mtu?: number;
  /** Packets drained per wake-up. Default 64. */
  batch?: number;
  /**
   * IFF_VNET_HDR + TUNSETOFFLOAD (checksum, TSO4, TSO6): the kernel may send partial checksums
   * (finished here) and TCP super-segments up to 64 KB (taken as one segment). Default false.
   */
  offload?: boolean;
  /**
   * With `offload`: write consecutive wire segments of one TCP flow as one GSO super-segment
   * (virtio-net gso_type TCPV4/TCPV6, see tun-gso.ts). Default true when `offload` is on.
   */
  tso?: boolean;
}

export type PacketsHandler = (packets: Uint8Array[]) => void;

/**
 * Packets handed to the stack are its to keep (Stack.receive), so each read packet is copied out of
 * the reused read buffer; into consecutive places of an arena rather than a fresh allocation
 * each, since allocating tens of thousands of buffers a second costs more than the copies. A
 * retained view keeps at most one arena alive.
 */
export const RX_ARENA_BYTES = 256 * 1024;

/**
 * Whether buf[start, end) is a TCP segment without SYN that is no IP fragment (IPv4 with MF clear
 * and offset 0; IPv6 with TCP as the first next header): what a consumer that is done with its
 * packets when the handler returns may get as a view of the read buffer (TunDevice.transientTcp).
 */
export function lendableTcp(b: Uint8Array, start: number, end: number): boolean {
  const len = end - start;
  if (len < 20) return false;
  const v = b[start]! >>> 4;
  let l4: number;
  if (v === 4) {
    l4 = (b[start]! & 0x0f) << 2;
    if (l4 < 20 || b[start + 9] !== 6 || ((b[start + 6]! << 8) | b[start + 7]!) & 0x3fff) return false;
  } else if (v === 6) {
    l4 = 40;
    if (b[start + 6] !== 6) return false;
  } else return false;
  return len >= l4 + 20 && (b[start + l4 + 13]! & 0x02) === 0;
}

export class TunDevice {
  private stopPoll: (() => void) | undefined;
  private readonly buf: Uint8Array;
  private readonly lens: Int32Array;
  private readonly slot: number;
  private closed = false;
  /** Counters for the driver and the bench. */
  readonly stats = { rxPackets: 0, rxBytes: 0, txPackets: 0, txBytes: 0, txDropped: 0, wakeups: 0, rxGso: 0, rxCsumFinished: 0, rxCsumTrusted: 0, rxBad: 0, rxLent: 0, txGso: 0, txGsoSegments: 0 };
  /** Write runs of one flow's segments as GSO super-segments (offload and tso on). */
  tso = false;
  /**
   * Set by a consumer that is done with every packet when its handler returns (connectPort does):
   * TCP segments without SYN that are not fragments (lendableTcp) are then handed over as views of
   * the reused read buffer, valid only during the handler call — TCP copies whatever it keeps (the
   * receive and reassembly queues copy; GRO merges into a buffer of its own) — instead of being
   * copied into fresh memory, which costs more than the rest of their processing. Everything else
   * (UDP, ICMP, fragments, SYNs) is still copied out, as the stack may keep views of those.
   */
  transientTcp = false;
  /** Writes copy every packet into the kernel before they return (real-driver.ts PacketPort.syncWrites). */
  readonly syncWrites = true;
  /**
   * With offloads: TCP segments the kernel marks NEEDS_CSUM (built on this machine, never on a
   * wire) or DATA_VALID are handed over as checksum-verified (stack/link-verified.ts), a partial
   * sum left unfinished; every other packet is still verified by the stack. Default true.
   */
  trustKernelChecksums = true;
  private readonly txHeader: Uint8Array | undefined;
  private arena = new Uint8Array(0);
  private arenaAt = 0;

  private constructor(
    private readonly addon: TunAddon,
    readonly fd: number,
    readonly name: string,
    mtu: number,
    batch: number,
    readonly offload: boolean,
  ) {
    // With offloads a read can be a 64 KB super-segment plus its virtio header.
    this.slot = offload ? 65536 + VNET_HDR_LEN : Math.max(mtu, 576);
    this.txHeader = offload ? txVnetHeader() : undefined;
    this.buf = new Uint8Array(this.slot * batch);
    this.lens = new Int32Array(batch);
  }

  /** Opens (creates) the device. Throws TunUnavailableError when TUN cannot be used here. */
  static open(opts: TunOptions = {}): TunDevice {
    const addon = loadTunAddon();
    if (addon instanceof TunUnavailableError) throw addon;
    const name = opts.name ?? '';
    if (name.length > 15) throw new RangeError(`interface name longer than 15 characters: ${name}`);
    const offload = opts.offload ?? false;
    let h: { fd: number; name: string };
    try {
      h = addon.open(name, offload);
    } catch (err) {
      throw openError(err, name);
    }
    if (offload) {
      try {
        addon.setOffload(h.fd, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6);
      } catch (err) {
        addon.close(h.fd);
        throw err;
      }
    }
    const dev = new TunDevice(addon, h.fd, h.name, opts.mtu ?? 1500, opts.batch ?? 64, offload);
    dev.tso = offload && opts.tso !== false;
    return dev;
  }

  /** Start delivering packets the kernel routes into the device. */
  onPackets(handler: PacketsHandler): void {
    if (this.closed) throw new Error('TUN device is closed');
    this.stopPoll?.();
    this.stopPoll = this.addon.poll(this.fd, () => {
      if (this.closed) return;
      this.stats.wakeups++;
      const n = this.addon.readBatch(this.fd, this.buf, this.slot, this.lens);
      if (n <= 0) return;
      const out: Uint8Array[] = [];
      for (let i = 0; i < n; i++) {
        const len = this.lens[i]!;
        const base = i * this.slot;
        if (!this.offload) {
          out.push(this.take(base, base + len));
          this.stats.rxBytes += len;
          continue;
        }
        if (len < VNET_HDR_LEN) {
          this.stats.rxBad++;
          continue;
        }
        const h = parseVnetHeader(this.buf, base);
        const packet = this.take(base + VNET_HDR_LEN, base + len);
        const vouched = this.trustKernelChecksums && kernelVouchesTcpChecksum(h, packet);
        const r = completePacket(h, packet, vouched);
        if (!r.ok) {
          this.stats.rxBad++;
          continue;
        }
        if (vouched) {
          markTransportChecksumVerified(packet);
          this.stats.rxCsumTrusted++;
        } else if (h.flags & 1) this.stats.rxCsumFinished++;
        if (r.gso) this.stats.rxGso++;
        out.push(packet);
        this.stats.rxBytes += packet.length;
      }
      this.stats.rxPackets += out.length;
      if (out.length > 0) handler(out);
    });
  }

  /** buf[start, end) for the handler: a view when transientTcp allows it, else a copy. */
  private take(start: number, end: number): Uint8Array {
    if (this.transientTcp && lendableTcp(this.buf, start, end)) {
      this.stats.rxLent++;
      return this.buf.subarray(start, end);
    }
    return this.carve(start, end);
  }

  /** A copy of buf[start, end) in the current arena (a new arena when it is full). */
  private carve(start: number, end: number): Uint8Array {
    const n = end - start;
    if (this.arenaAt + n > this.arena.length) {
      this.arena = new Uint8Array(Math.max(RX_ARENA_BYTES, n));
      this.arenaAt = 0;
    }
    const at = this.arenaAt;
    // 8-byte aligned starts keep DataView/typed reads of headers on aligned addresses.
    this.arenaAt = (at + n + 7) & ~7;
    const view = this.arena.subarray(at, at + n);
    view.set(this.buf.subarray(start, end));
    return view;
  }

  /**
   * The stack's output as it is: with TSO, a TCP super-segment (gsoSize set) is written whole with
   * a GSO header (consecutive ones sharing a header in one call), other packets as send() writes
   * them; without TSO super-segments are cut here. Returns wire packets taken.
   */
  sendOutbound(out: readonly OutboundPacket[]): number {
    if (this.closed || out.length === 0) return 0;
    let plain: Uint8Array[] = [];
    let taken = 0;
    let i = 0;
    while (i < out.length) {
      const o = out[i]!;
      const hdr = this.tso && o.gsoSize !== undefined ? superSegmentHeader(o.packet, o.gsoSize) : undefined;
      if (hdr === undefined) {
        if (o.gsoSize === undefined) plain.push(o.packet);
        else splitTcpSegments(o.packet, o.gsoSize, plain);
        i++;
        continue;
      }
      if (plain.length > 0) {
        taken += this.send(plain);
        plain = [];
      }
      const size = o.gsoSize!;
      const group = [o.packet];
      let j = i + 1;
      for (; j < out.length; j++) {
        const n = out[j]!;
        if (n.gsoSize !== size) break;
        const h = superSegmentHeader(n.packet, size);
        if (h === undefined || h.length !== hdr.length || !bytesEqual(h, 0, hdr, 0, hdr.length)) break;
        group.push(n.packet);
      }
      const w = this.addon.writeBatch(this.fd, group, hdr);
      const hl = hdr[2]! | (hdr[3]! << 8);
      for (let k = 0; k < group.length; k++) {
        const segs = Math.ceil((group[k]!.length - hl) / size);
        if (k < w) {
          this.stats.txPackets++;
          this.stats.txGso++;
          this.stats.txGsoSegments += segs;
          this.stats.txBytes += group[k]!.length;
          taken += segs;
        } else this.stats.txDropped += segs;
      }
      i = j;
    }
    if (plain.length > 0) taken += this.send(plain);
    return taken;
  }

  /** Hand packets to the kernel; returns how many it took (a full queue drops the rest). */
  send(packets: readonly Uint8Array[]): number {
    if (this.closed || packets.length === 0) return 0;
    if (this.tso) return this.sendTso(packets);
    const n = this.txHeader ? this.addon.writeBatch(this.fd, packets, this.txHeader) : this.addon.writeBatch(this.fd, packets);
    this.stats.txPackets += n;
    this.stats.txDropped += packets.length - n;
    for (let i = 0; i < n; i++) this.stats.txBytes += packets[i]!.length;
    return n;
  }

  /** send() with TSO: runs of one flow go out as super-segments, the rest in batches. Returns wire packets taken. */
  private sendTso(packets: readonly Uint8Array[]): number {
    const writes = coalesceForTso(packets);
    let taken = 0;
    let plain: Uint8Array[] = [];
    const flush = (): boolean => {
      if (plain.length === 0) return true;
      const n = this.addon.writeBatch(this.fd, plain, DATA_VALID_HEADER);
      this.stats.txPackets += n;
      for (let i = 0; i < n; i++) this.stats.txBytes += plain[i]!.length;
      taken += n;
      const all = n === plain.length;
      plain = [];
      return all;
    };
    for (const w of writes) {
      if (w.vnet === DATA_VALID_HEADER) {
        plain.push(w.packet);
        continue;
      }
      if (!flush()) break;
      const n = this.addon.writeBatch(this.fd, [w.packet], w.vnet);
      if (n === 0) break;
      const mss = w.vnet[4]! | (w.vnet[5]! << 8);
      const hl = w.vnet[2]! | (w.vnet[3]! << 8);
      const segs = Math.ceil((w.packet.length - hl) / mss);
      this.stats.txPackets++;
      this.stats.txGso++;
      this.stats.txGsoSegments += segs;
      this.stats.txBytes += w.packet.length;
      taken += segs;
    }
    flush();
    this.stats.txDropped += Math.max(0, packets.length - taken);
    return taken;
  }

  /** Stop polling and close the fd (the kernel removes a non-persistent device). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopPoll?.();
    this.stopPoll = undefined;
    this.addon.close(this.fd);
  }
}
