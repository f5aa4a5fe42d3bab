// host.net beside node:net: each scenario runs over node:net on kernel loopback and over two
// layer4 hosts, and the per-socket event records (order of events, bytes, hadError, error codes and
// messages) must be identical.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { closedPort, closeServer, listen, runOnLayer4, runOnNode, type Recorder, type Scenario, type ServerLike, type SocketLike } from './helpers/net-compare.js';

function once<T = void>(fn: (resolve: (v: T) => void) => void): Promise<T> {
  return new Promise<T>(fn);
}

/** Records the first socket `srv` accepts as 'server'; resolves when that socket has closed. */
function closedAfterAccept(srv: ServerLike, rec: Recorder): Promise<void> {
  return new Promise((resolve) => srv.once('connection', (s: SocketLike) => void rec.watch('server', s).then(resolve)));
}

const MEGABYTE = randomBytes(1 << 20);

const scenarios: Scenario[] = [
  {
    name: 'RFC 9293 §3.5 exchange and orderly close: echo upper-cased, server ends first',
    async run({ client, server, host, rec }) {
      const srv = server.createServer({}, (s) => {
        rec.note('server', `accepted ${s.readyState} pending=${s.pending}`);
        s.on('data', (d: Buffer) => s.end(d.toString().toUpperCase()));
      });
      const served = closedAfterAccept(srv, rec);
      const port = await listen(srv, host);
      const c = client.connect({ host, port });
      rec.note('client', `${c.readyState} pending=${c.pending} connecting=${c.connecting}`);
      const closed = rec.watch('client', c);
      c.on('connect', () => {
        rec.note('client', `${c.readyState} pending=${c.pending} connecting=${c.connecting} ${c.remoteFamily} ${c.localFamily} ${c.remotePort === port}`);
        c.write('hello');
      });
      c.on('end', () => rec.note('client', `after end ${c.readyState}`));
      await closed;
      rec.note('client', `${c.readyState} read=${c.bytesRead} written=${c.bytesWritten} destroyed=${c.destroyed}`);
      await served;
      await closeServer(srv);
    },
  },
  {
    name: 'RFC 9293 §3.6 half-close with allowHalfOpen: the server answers after the client FIN',
    async run({ client, server, host, rec }) {
      const srv = server.createServer({ allowHalfOpen: true }, (s) => {
        s.on('end', () => {
          rec.note('server', `after end ${s.readyState}`);
          s.end('pong');
        });
      });
      const served = closedAfterAccept(srv, rec);
      const port = await listen(srv, host);
      const c = client.connect({ host, port, allowHalfOpen: true });
      const closed = rec.watch('client', c);
      c.on('connect', () => {
        c.write('ping');
        c.end();
        rec.note('client', `ended ${c.readyState}`);
      });
      await closed;
      await served;
      await closeServer(srv);
    },
  },
  {
    name: 'RFC 9293 §3.10.7.1 connection refused: RST to a SYN on a closed port',
    async run({ client, server, host, rec }) {
      const port = await closedPort(server, host);
      const c = client.connect({ host, port });
      await rec.watch('client', c);
      rec.note('client', `${c.readyState} destroyed=${c.destroyed}`);
    },
  },
  {
    name: 'RFC 9293 §3.10.7.4 reset by peer: resetAndDestroy() gives the client read ECONNRESET',
    async run({ client, server, host, rec }) {
      const srv = server.createServer({}, (s) => {
        s.on('data', () => s.resetAndDestroy());
      });
      const served = closedAfterAccept(srv, rec);
      const port = await listen(srv, host);
      const c = client.connect({ host, port });
      const closed = rec.watch('client', c);
      c.on('connect', () => c.write('hello'));
      await closed;
      await served;
      await closeServer(srv);
    },
  },
  {
    name: 'socket.setTimeout: an idle connection emits timeout, destroy() closes both sides',
    async run({ client, server, host, rec }) {
      const srv = server.createServer({});
      const served = closedAfterAccept(srv, rec);
      const port = await listen(srv, host);
      const c = client.connect({ host, port });
      c.setTimeout(100);
      c.on('timeout', () => c.destroy());
      await rec.watch('client', c);
      await served;
      await closeServer(srv);
    },
  },
  {
    name: 'write after end: ERR_STREAM_WRITE_AFTER_END to the callback and as error',
    async run({ client, server, host, rec }) {
      const srv = server.createServer({});
      const served = closedAfterAccept(srv, rec);
      const port = await listen(srv, host);
      const c = client.connect({ host, port });
      const closed = rec.watch('client', c);
      c.on('connect', () => {
        c.end('a');
        c.write('x', (err?: Error | null) => rec.note('client', `write cb ${(err as { code?: string } | null | undefined)?.code}`));
      });
      await closed;
      await served;
      await closeServer(srv);
    },
  },
  {
    // When the client's write side finishes depends on buffer sizes (the kernel's are larger), so
    // 'finish' is left out of this record.
    name: '1 MB each way through pipe(): bytes and order survive, both sides close cleanly',
    async run({ client, server, host, rec }) {
      const srv = server.createServer({}, (s) => {
        s.pipe(s);
      });
      const served = closedAfterAccept(srv, rec);
      const port = await listen(srv, host);
      const c = client.connect({ host, port });
      const closed = rec.watch('client', c, ['finish']);
      c.on('connect', () => c.end(MEGABYTE));
      await closed;
      rec.note('client', `read=${c.bytesRead} written=${c.bytesWritten}`);
      await served;
      await closeServer(srv);
    },
  },
  {
    name: 'RFC 9293 §3.10.7.4 reset after the peer’s FIN (CLOSE-WAIT): the next write fails with write EPIPE',
    async run({ client, server, host, rec }) {
      const srv = server.createServer({}, (s: SocketLike) => s.destroy());
      const port = await listen(srv, host);
      const c = client.connect({ host, port, allowHalfOpen: true });
      c.resume();
      const closed = rec.watch('client', c);
      c.on('end', () => {
        c.write('one', (err?: Error | null) => rec.note('client', `write one ${(err as { code?: string } | null | undefined)?.code}`));
        setTimeout(() => c.write('two', (err?: Error | null) => rec.note('client', `write two ${(err as { code?: string } | null | undefined)?.code}`)), 50);
      });
      await closed;
      await closeServer(srv);
    },
  },
  {
    name: 'destroy() before connecting completes: close without error, no connect',
    async run({ client, server, host, rec }) {
      const srv = server.createServer({}, (s: SocketLike) => s.destroy());
      const port = await listen(srv, host);
      const c = client.connect({ host, port });
      const closed = rec.watch('client', c);
      c.destroy();
      rec.note('client', `${c.readyState} destroyed=${c.destroyed}`);
      await closed;
      await once((r) => setImmediate(r));
      await closeServer(srv);
    },
  },
];

for (const s of scenarios) {
  test(`node:net parity — ${s.name}`, async () => {
    const kernel = await runOnNode(s);
    const layer4 = await runOnLayer4(s);
    assert.deepEqual(layer4, kernel);
  });
}
