// A minimal PacketEngine for exercising the simulator without the real Stack: it sends UDP
// packets on request, records what arrives, can echo, and can hold timers (pollAt).
import { buildIpPacket, formatIp } from '../src/wire/index.js';
import type { OutboundPacket, PacketEngine } from '../src/stack/types.js';
import type { Network } from '../src/sim/network.js';
import type { SimNode } from '../src/sim/node.js';

export interface Received {
  src: string;
  dst: string;
  payload: Uint8Array;
  now: number;
}

export class ToyEngine implements PacketEngine {
  readonly out: OutboundPacket[] = [];
  readonly got: Received[] = [];
  readonly timers: number[] = [];
  readonly fired: number[] = [];
  echo = false;
  onTimer: ((t: number) => void) | undefined;

  constructor(readonly address: string) {}

  send(dst: string, payload: Uint8Array | string, nextHop = dst): void {
    const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
    this.out.push({ ifIndex: 1, nextHop, packet: buildIpPacket({ src: this.address, dst, udp: { srcPort: 1000, dstPort: 2000, payload: bytes } }) });
  }

  receive(packet: Uint8Array, now: number): void {
    const v4 = packet[0]! >> 4 === 4;
    const src = v4 ? formatIp(packet, 12, 4) : formatIp(packet, 8, 16);
    const dst = v4 ? formatIp(packet, 16, 4) : formatIp(packet, 24, 16);
    const payload = packet.subarray(v4 ? 28 : 48);
    this.got.push({ src, dst, payload, now });
    if (this.echo) this.send(src, payload.slice());
  }

  poll(now: number): OutboundPacket[] {
    while (this.timers.length > 0 && this.timers[0]! <= now) {
      const t = this.timers.shift()!;
      this.fired.push(now);
      this.onTimer?.(t);
    }
    return this.out.splice(0);
  }

  pollAt(): number | undefined {
    return this.timers[0];
  }

  addTimer(t: number): void {
    this.timers.push(t);
    this.timers.sort((a, b) => a - b);
  }
}

export function toyHost(net: Network, address: string | string[], name?: string): { node: SimNode; toy: ToyEngine } {
  const first = typeof address === 'string' ? address : address[0]!;
  const toy = new ToyEngine(first.split('/')[0]!);
  const node = net.attach({ address, ...(name ? { name } : {}), engine: () => ({ engine: toy, ifIndex: 1 }) });
  return { node, toy };
}
