// Argument handling of node:dgram's Socket methods: message forms (Buffer, TypedArray, DataView,
// string, or an array of those; optional offset/length) and the overloads of send().

import { Buffer } from 'node:buffer';
import { errInvalidArgType, errIsConnected } from './dgram-errors.js';

export type MessageInput = string | NodeJS.ArrayBufferView | ReadonlyArray<string | NodeJS.ArrayBufferView>;
export type SendCallback = (error: Error | null, bytes?: number) => void;

const EXPECTED = 'of type string or an instance of Buffer, TypedArray, or DataView';

function toBuffer(x: unknown): Buffer | undefined {
  if (typeof x === 'string') return Buffer.from(x);
  if (Buffer.isBuffer(x)) return x;
  if (ArrayBuffer.isView(x)) return Buffer.from(x.buffer, x.byteOffset, x.byteLength);
  return undefined;
}

function checkInt(name: string, v: unknown): number {
  if (typeof v !== 'number') throw errInvalidArgType(name, 'of type number', v);
  return v;
}

/** One datagram's bytes from any accepted message form, with an optional offset/length slice. */
export function messageBytes(msg: unknown, offset?: unknown, length?: unknown): Buffer {
  if (Array.isArray(msg)) {
    const parts: Buffer[] = [];
    for (const part of msg) {
      const b = toBuffer(part);
      if (!b) throw errInvalidArgType('buffer list arguments', EXPECTED, msg);
      parts.push(b);
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }
  const buf = toBuffer(msg);
  if (!buf) throw errInvalidArgType('buffer', EXPECTED, msg);
  if (offset === undefined && length === undefined) return buf;
  const off = checkInt('offset', offset) >>> 0;
  const len = checkInt('length', length) >>> 0;
  return buf.subarray(off, off + len);
}

export interface SendArgs {
  data: Buffer;
  port: unknown;
  address: string | undefined;
  callback: SendCallback | undefined;
}

/**
 * The overloads, as node:dgram reads them:
 *   send(msg, [offset, length,] port [, address] [, cb])     unconnected
 *   send(msg, [offset, length,] [cb])                        connected (port/address → IS_CONNECTED)
 */
export function parseSendArgs(connected: boolean, args: readonly unknown[]): SendArgs {
  // Positional names as Node documents them: send(msg, offset, length, port, address, callback).
  const [msg, offset, length, p, addr, cb] = args;
  let data: Buffer;
  let port: unknown = p;
  let address: unknown = addr;
  let callback: unknown = cb;
  if (!connected) {
    if (address || (port && typeof port !== 'function')) {
      data = messageBytes(msg, offset, length);
    } else {
      // send(msg, port[, address][, callback])
      data = messageBytes(msg);
      callback = port;
      port = offset;
      address = length;
    }
  } else {
    if (typeof length === 'number') {
      data = messageBytes(msg, offset, length);
      if (typeof port === 'function') {
        callback = port;
        port = undefined;
      }
    } else {
      // send(msg[, callback]); like Node, only a port or address in the 4th/5th place is refused.
      data = messageBytes(msg);
      callback = offset;
    }
    if (port || address) throw errIsConnected();
    port = undefined;
  }
  if (typeof address === 'function') {
    callback = address;
    address = undefined;
  } else if (address !== undefined && address !== null && typeof address !== 'string') {
    throw errInvalidArgType('address', 'of type string', address);
  }
  return {
    data,
    port,
    address: typeof address === 'string' && address !== '' ? address : undefined,
    callback: typeof callback === 'function' ? (callback as SendCallback) : undefined,
  };
}
