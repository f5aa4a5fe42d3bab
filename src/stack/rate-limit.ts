// Token bucket for ICMP error generation (RFC 1812 §4.3.2.8: a router or host SHOULD limit the rate
// of ICMP error messages; RFC 4443 §2.4(f) for ICMPv6). Tokens refill continuously from `now`:
// `ratePerSec` per second up to `burst`. No timer is needed: refills are computed on demand.

export interface RateLimitConfig {
  /** Sustained messages per second. */
  ratePerSec: number;
  /** Bucket size: messages that may go out back to back. */
  burst: number;
}

export class TokenBucket {
  private tokens: number;
  private last: number | undefined;

  constructor(readonly config: RateLimitConfig) {
    this.tokens = config.burst;
  }

  /** Takes one token if there is one at `now`; false means the message must not be sent. */
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Tokens available at `now` (fractional). */
  available(now: number): number {
    this.refill(now);
    return this.tokens;
  }

  private refill(now: number): void {
    if (this.last !== undefined && now > this.last) {
      this.tokens = Math.min(this.config.burst, this.tokens + ((now - this.last) * this.config.ratePerSec) / 1000);
    }
    if (this.last === undefined || now > this.last) this.last = now;
  }
}
