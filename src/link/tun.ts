// A TUN device (Linux, IFF_TUN | IFF_NO_PI): raw IP packets in and out of the kernel. Readiness
// comes from a libuv poll handle on Node's loop (the addon's poll()), so there is no busy polling
// and no thread; every wake-up drains up to `batch` packets with one call into the addon, and
// outgoing packets are written in one call per batch.

import { loadTunAddon, openError, TunUnavailableError, type TunAddon } from './tun-addon.js';

export { TunUnavailableError, tunAvailability } from './tun-addon.js';

export interface TunOptions {
  /** Interface name (kernel picks tunN when empty). */
  name?: string;
  /** Largest packet read (the interface MTU). Default 1500. */
  mtu?: number;
  /** Packets drained per wake-up. Default 64. */
  batch?: number;
}

export type PacketsHandler = (packets: Uint8Array[]) => void;

export class TunDevice {
  private stopPoll: (() => void) | undefined;
  private readonly buf: Uint8Array;
  private readonly lens: Int32Array;
  private readonly slot: number;
  private closed = false;
  /** Counters for the driver and the bench. */
  readonly stats = { rxPackets: 0, rxBytes: 0, txPackets: 0, txBytes: 0, txDropped: 0, wakeups: 0 };

  private constructor(
    private readonly addon: TunAddon,
    readonly fd: number,
    readonly name: string,
    mtu: number,
    batch: number,
  ) {
    this.slot = Math.max(mtu, 576);
    this.buf = new Uint8Array(this.slot * batch);
    this.lens = new Int32Array(batch);
  }

  /** Opens (creates) the device. Throws TunUnavailableError when TUN cannot be used here. */
  static open(opts: TunOptions = {}): TunDevice {
    const addon = loadTunAddon();
    if (addon instanceof TunUnavailableError) throw addon;
    const name = opts.name ?? '';
    if (name.length > 15) throw new RangeError(`interface name longer than 15 characters: ${name}`);
    let h: { fd: number; name: string };
    try {
      h = addon.open(name, false);
    } catch (err) {
      throw openError(err, name);
    }
    return new TunDevice(addon, h.fd, h.name, opts.mtu ?? 1500, opts.batch ?? 64);
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
      const out: Uint8Array[] = new Array<Uint8Array>(n);
      for (let i = 0; i < n; i++) {
        const len = this.lens[i]!;
        out[i] = this.buf.slice(i * this.slot, i * this.slot + len);
        this.stats.rxBytes += len;
      }
      this.stats.rxPackets += n;
      handler(out);
    });
  }

  /** Hand packets to the kernel; returns how many it took (a full queue drops the rest). */
  send(packets: readonly Uint8Array[]): number {
    if (this.closed || packets.length === 0) return 0;
    const n = this.addon.writeBatch(this.fd, packets);
    this.stats.txPackets += n;
    this.stats.txDropped += packets.length - n;
    for (let i = 0; i < n; i++) this.stats.txBytes += packets[i]!.length;
    return n;
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
