// Buffers whose creator gave them away: a queue may keep such a buffer as its own memory instead of
// copying it (the receive path hands over a payload it built and will not touch again).

/** Buffers whose creator gave them away (see giveBuffer). */
const GIVEN = new WeakSet<Uint8Array>();
/** Marks set and not yet taken (or never taken): while 0, takeGiven needs no lookup. */
let outstanding = 0;

/**
 * Marks a freshly allocated buffer that nobody else references (a payload the receive path built
 * for TCP and never touches again) so that the queue it is pushed into may keep it instead of
 * copying it. Only this exact view object is marked: a subarray of it is copied as usual.
 */
export function giveBuffer(b: Uint8Array): Uint8Array {
  if (!GIVEN.has(b)) {
    GIVEN.add(b);
    outstanding++;
  }
  return b;
}

/** Whether `b` was given away; the mark is removed (the memory now has its one owner). */
export function takeGiven(b: Uint8Array): boolean {
  if (outstanding === 0 || !GIVEN.delete(b)) return false;
  outstanding--;
  return true;
}
