// host.openTcp({ host, port }): a TCP connection as a pair of WHATWG byte streams,
//   const { readable, writable } = await host.openTcp({ host: '10.0.0.2', port: 7 });
// `readable` is a ReadableStream of bytes (type: 'bytes', so BYOB readers work too) and `writable` a
// WritableStream of Uint8Array chunks. Both keep TCP's backpressure: the readable stream pulls from
// the socket only while its queue is under `highWaterMark` bytes (otherwise the bytes stay in TCP
// and the advertised window closes), and each write resolves once TCP has taken the chunk into its
// send buffer. Closing the writable half-closes the connection (FIN); cancelling the readable or
// aborting the writable destroys it. Errors carry node:net's codes (ECONNREFUSED, ECONNRESET, ...).

import type { Buffer } from 'node:buffer';
import { ReadableStream, WritableStream, CountQueuingStrategy } from 'node:stream/web';
import type { ConnectOptions, Net, Socket } from './net.js';

export interface OpenTcpOptions {
  host: string;
  port: number;
  localAddress?: string;
  localPort?: number;
  /** Disable Nagle's algorithm (default false). */
  noDelay?: boolean;
  keepAlive?: boolean;
  /** Bytes the readable stream queues before it stops pulling from TCP (default 64 KiB). */
  highWaterMark?: number;
}

export interface TcpStreams {
  readable: ReadableStream<Uint8Array>;
  writable: WritableStream<Uint8Array>;
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  /** Settles when the connection has closed: resolves after an orderly close, rejects with the error otherwise. */
  closed: Promise<void>;
  /** Destroys the connection at once (both streams error if still open). */
  close(): void;
}

const DEFAULT_HWM = 64 * 1024;

/** Opens a TCP connection through `net` and resolves once it is established. */
export function openTcp(net: Net, opts: OpenTcpOptions): Promise<TcpStreams> {
  if (opts === null || typeof opts !== 'object') return Promise.reject(new TypeError('openTcp() needs { host, port }'));
  const connectOpts: ConnectOptions = { host: opts.host, port: opts.port };
  if (opts.localAddress !== undefined) connectOpts.localAddress = opts.localAddress;
  if (opts.localPort !== undefined) connectOpts.localPort = opts.localPort;
  if (opts.noDelay !== undefined) connectOpts.noDelay = opts.noDelay;
  if (opts.keepAlive !== undefined) connectOpts.keepAlive = opts.keepAlive;
  let socket: Socket;
  try {
    socket = net.connect(connectOpts);
  } catch (err) {
    return Promise.reject(err as Error);
  }
  return new Promise<TcpStreams>((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.off('error', onError);
      resolve(wrap(socket, opts.highWaterMark ?? DEFAULT_HWM));
    });
  });
}

function wrap(socket: Socket, highWaterMark: number): TcpStreams {
  let failure: Error | undefined;
  const closed = new Promise<void>((resolve, reject) => {
    socket.on('error', (err: Error) => {
      failure = err;
    });
    socket.once('close', () => (failure !== undefined ? reject(failure) : resolve()));
  });
  closed.catch(() => {}); // observed through the streams too; never an unhandled rejection

  const readable = new ReadableStream(
    {
      type: 'bytes',
      start(controller): void {
        let done = false;
        socket.pause();
        socket.on('data', (chunk: Buffer) => {
          if (done) return;
          controller.enqueue(ownBytes(chunk));
          if ((controller.desiredSize ?? 0) <= 0) socket.pause();
        });
        socket.once('end', () => {
          if (done) return;
          done = true;
          controller.close();
          try {
            controller.byobRequest?.respond(0); // releases a pending BYOB read at end of stream
          } catch {
            // no pending BYOB read
          }
        });
        socket.once('close', () => {
          if (done) return;
          done = true;
          controller.error(failure ?? new Error('socket closed'));
        });
      },
      pull(): void {
        socket.resume();
      },
      cancel(): void {
        socket.destroy();
      },
    },
    { highWaterMark },
  ) as ReadableStream<Uint8Array>;

  const writable = new WritableStream<Uint8Array>(
    {
      start(controller): void {
        socket.once('close', () => {
          if (failure !== undefined) controller.error(failure);
        });
      },
      write(chunk): Promise<void> {
        return new Promise<void>((resolve, reject) => {
          socket.write(chunk, (err) => (err ? reject(err) : resolve()));
        });
      },
      close(): Promise<void> {
        return new Promise<void>((resolve) => {
          socket.end(() => resolve());
        });
      },
      abort(): void {
        socket.destroy();
      },
    },
    new CountQueuingStrategy({ highWaterMark: 1 }),
  );

  return {
    readable,
    writable,
    localAddress: socket.localAddress ?? '',
    localPort: socket.localPort ?? 0,
    remoteAddress: socket.remoteAddress ?? '',
    remotePort: socket.remotePort ?? 0,
    closed,
    close: () => void socket.destroy(),
  };
}

/** A view that owns its whole ArrayBuffer (a byte stream transfers it on enqueue). */
function ownBytes(chunk: Uint8Array): Uint8Array {
  if (chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength) return new Uint8Array(chunk.buffer, 0, chunk.byteLength);
  return new Uint8Array(chunk);
}
