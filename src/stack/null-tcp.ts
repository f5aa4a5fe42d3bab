// The TCP layer used when none is supplied: it accepts segments and never answers. The real one is
// plugged in through StackOptions.tcpFactory (or the default factory in stack.ts).

import type { TcpDatagram, TcpHandler, TcpIcmpError } from './types.js';

export class NullTcp implements TcpHandler {
  received = 0;
  icmpErrors: TcpIcmpError[] = [];

  receive(_dgram: TcpDatagram, _now: number): void {
    this.received++;
  }

  poll(_now: number): TcpDatagram[] {
    return [];
  }

  pollAt(): number | undefined {
    return undefined;
  }

  icmpError(err: TcpIcmpError, _now: number): void {
    if (this.icmpErrors.length < 64) this.icmpErrors.push(err);
  }
}
