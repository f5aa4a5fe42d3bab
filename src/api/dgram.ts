// host.dgram: the node:dgram module for one simulated host — createSocket('udp4' | 'udp6' |
// options, [listener]) returning a Socket with node:dgram's methods, events and error codes.

import { nodeError } from './dgram-errors.js';
import { Socket, type DgramHost, type SocketOptions, type SocketType, type RemoteInfo } from './dgram-socket.js';
import { Buffer } from 'node:buffer';

export { Socket, type SocketOptions, type SocketType, type RemoteInfo, type AddressInfo, type BindOptions, type DgramHost } from './dgram-socket.js';

export type MessageListener = (msg: Buffer, rinfo: RemoteInfo) => void;

export interface Dgram {
  createSocket(type: SocketType | SocketOptions, listener?: MessageListener): Socket;
  Socket: typeof Socket;
}

export function createDgram(host: DgramHost): Dgram {
  return {
    Socket,
    createSocket(type: SocketType | SocketOptions, listener?: MessageListener): Socket {
      const opts: SocketOptions = typeof type === 'string' ? { type } : type !== null && typeof type === 'object' ? type : ({ type } as SocketOptions);
      if (opts.type !== 'udp4' && opts.type !== 'udp6') {
        throw nodeError(TypeError, 'ERR_SOCKET_BAD_TYPE', 'Bad socket type specified. Valid types are: udp4, udp6');
      }
      const s = new Socket(host, opts);
      if (typeof listener === 'function') s.on('message', listener);
      return s;
    },
  };
}
