// The Node runtime's memory for the core's receive buffers (StackOptions.allocate): not zeroed, so a
// buffer costs no pass over its bytes before TCP writes them. The core takes only memory it writes
// in full before anyone reads it from here (stack/types.ts Allocate).
import { Buffer } from 'node:buffer';

/** `n` bytes of unzeroed memory from Buffer.allocUnsafeSlow (its own ArrayBuffer, never a shared pool), as a plain Uint8Array. */
export function unzeroedAllocate(n: number): Uint8Array {
  const b = Buffer.allocUnsafeSlow(n);
  return new Uint8Array(b.buffer, b.byteOffset, n);
}
