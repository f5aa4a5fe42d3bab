// host.net: the node:net module for one simulated host — createServer, connect/createConnection,
// Socket, Server, isIP/isIPv4/isIPv6 — so that node:http, undici and ws run over layer4 TCP
// unmodified (http.request({ createConnection }), httpServer.emit('connection', socket)).

import { isIP, isIPv4, isIPv6 } from 'node:net';
import { normalizeArgs, type ConnectOptions } from './net-args.js';
import { createNetHost, type NetHost, type NetHostSource } from './net-host.js';
import { Server, type ConnectionListener, type ServerOpts } from './net-server.js';
import { Socket, type SocketConstructorOpts } from './net-socket.js';

export { Socket, type SocketConstructorOpts, type AddressInfo } from './net-socket.js';
export { Server, type ServerOpts, type ConnectionListener } from './net-server.js';
export type { ConnectOptions, ListenOptions, LookupFunction } from './net-args.js';
export type { NetHost, NetHostSource } from './net-host.js';

export interface NetSocketConstructor {
  new (options?: SocketConstructorOpts): Socket;
  prototype: Socket;
}

export interface NetServerConstructor {
  new (options?: ServerOpts | ConnectionListener, listener?: ConnectionListener): Server;
  prototype: Server;
}

export interface Net {
  /** node:net's Socket bound to this host: `new host.net.Socket().connect(...)`. */
  readonly Socket: NetSocketConstructor;
  readonly Server: NetServerConstructor;
  createServer(options?: ServerOpts | ConnectionListener, listener?: ConnectionListener): Server;
  connect(options: ConnectOptions, connectListener?: () => void): Socket;
  connect(port: number | string, host?: string, connectListener?: () => void): Socket;
  connect(port: number | string, connectListener?: () => void): Socket;
  createConnection(options: ConnectOptions, connectListener?: () => void): Socket;
  createConnection(port: number | string, host?: string, connectListener?: () => void): Socket;
  createConnection(port: number | string, connectListener?: () => void): Socket;
  isIP(input: string): number;
  isIPv4(input: string): boolean;
  isIPv6(input: string): boolean;
  /** @internal */
  readonly host: NetHost;
}

/** node:net for the host described by `src` (api/host.ts builds it as host.net). */
export function createNet(src: NetHostSource): Net {
  const host = createNetHost(src);
  class HostSocket extends Socket {
    constructor(options?: SocketConstructorOpts) {
      super(host, options);
    }
  }
  Object.defineProperty(HostSocket, 'name', { value: 'Socket' });
  const makeSocket = (o: SocketConstructorOpts): Socket => new HostSocket(o);
  class HostServer extends Server {
    constructor(options?: ServerOpts | ConnectionListener, listener?: ConnectionListener) {
      super(host, makeSocket, options, listener);
    }
  }
  Object.defineProperty(HostServer, 'name', { value: 'Server' });

  function createConnection(...args: unknown[]): Socket {
    const [options, cb] = normalizeArgs<Record<string, unknown>>(args);
    const s = new HostSocket(options as SocketConstructorOpts);
    if (options.timeout !== undefined && options.timeout !== 0) s.setTimeout(options.timeout as number);
    return cb !== undefined ? s.connect(options, cb) : s.connect(options);
  }

  return {
    Socket: HostSocket,
    Server: HostServer,
    createServer: (options, listener) => new HostServer(options, listener),
    connect: createConnection as Net['connect'],
    createConnection: createConnection as Net['createConnection'],
    isIP,
    isIPv4,
    isIPv6,
    host,
  };
}
