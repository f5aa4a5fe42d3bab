// Binary min-heap of (deadline, item) used by the layer to find the next timer across all
// connections in O(log n). Entries are never updated in place: a moved deadline pushes a new entry
// and the stale one is skipped when it surfaces (the caller decides staleness). Equal deadlines
// come out in push order.

export class DeadlineHeap<T> {
  #at: number[] = [];
  #ord: number[] = [];
  #items: T[] = [];
  #counter = 0;

  get size(): number {
    return this.#at.length;
  }

  push(at: number, item: T): void {
    this.#at.push(at);
    this.#ord.push(this.#counter++);
    this.#items.push(item);
    this.#up(this.#at.length - 1);
  }

  /** Earliest deadline, or undefined when empty. */
  peekAt(): number | undefined {
    return this.#at[0];
  }

  peekItem(): T | undefined {
    return this.#items[0];
  }

  pop(): { at: number; item: T } | undefined {
    const n = this.#at.length;
    if (n === 0) return undefined;
    const at = this.#at[0]!;
    const item = this.#items[0]!;
    const lastAt = this.#at.pop()!;
    const lastOrd = this.#ord.pop()!;
    const lastItem = this.#items.pop()!;
    if (n > 1) {
      this.#at[0] = lastAt;
      this.#ord[0] = lastOrd;
      this.#items[0] = lastItem;
      this.#down(0);
    }
    return { at, item };
  }

  /** Rebuilds the heap from the entries `keep` accepts (drops stale entries in bulk). */
  filter(keep: (at: number, item: T) => boolean): void {
    const at: number[] = [];
    const ord: number[] = [];
    const items: T[] = [];
    for (let i = 0; i < this.#at.length; i++) {
      if (keep(this.#at[i]!, this.#items[i]!)) {
        at.push(this.#at[i]!);
        ord.push(this.#ord[i]!);
        items.push(this.#items[i]!);
      }
    }
    this.#at = at;
    this.#ord = ord;
    this.#items = items;
    for (let i = (at.length >> 1) - 1; i >= 0; i--) this.#down(i);
  }

  /** Entry i sorts before entry j. */
  #less(i: number, j: number): boolean {
    const a = this.#at[i]!;
    const b = this.#at[j]!;
    return a < b || (a === b && this.#ord[i]! < this.#ord[j]!);
  }

  #swap(i: number, j: number): void {
    const a = this.#at[i]!;
    this.#at[i] = this.#at[j]!;
    this.#at[j] = a;
    const o = this.#ord[i]!;
    this.#ord[i] = this.#ord[j]!;
    this.#ord[j] = o;
    const t = this.#items[i]!;
    this.#items[i] = this.#items[j]!;
    this.#items[j] = t;
  }

  #up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.#less(i, p)) break;
      this.#swap(i, p);
      i = p;
    }
  }

  #down(i: number): void {
    const n = this.#at.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.#less(l, m)) m = l;
      if (r < n && this.#less(r, m)) m = r;
      if (m === i) return;
      this.#swap(i, m);
      i = m;
    }
  }
}
