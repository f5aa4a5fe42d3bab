// The user's handle on one a↔b path: change impairments, cut and restore, read counters.
// Directions are named from the user's point of view: `ab` is a→b for net.link(a, b).

import type { LinkOptions } from '../link/memory.js';
import type { ChannelStats } from '../link/types.js';
import type { Path } from './segment.js';

export class Link {
  constructor(
    private readonly path: Path,
    /** True when the user's (a, b) is the path's (b, a). */
    private readonly flipped: boolean,
  ) {}

  /** Change impairments from now on; `ab`/`ba` target one direction. Unset fields keep their value. */
  set(opts: LinkOptions): this {
    if (this.flipped) {
      const { ab, ba, ...common } = opts;
      this.path.link.set({ ...common, ...(ba ? { ab: ba } : {}), ...(ab ? { ba: ab } : {}) });
    } else {
      this.path.link.set(opts);
    }
    return this;
  }

  /** Cut the link: packets sent, and packets in flight that would arrive, while it is down are lost. */
  down(): this {
    this.path.link.down();
    return this;
  }

  /** Restore a cut link. */
  up(): this {
    this.path.link.up();
    return this;
  }

  get isUp(): boolean {
    return this.path.link.isUp;
  }

  /** Counters per direction (live objects). */
  stats(): { ab: ChannelStats; ba: ChannelStats } {
    const l = this.path.link;
    return this.flipped ? { ab: l.ba.stats, ba: l.ab.stats } : { ab: l.ab.stats, ba: l.ba.stats };
  }
}
