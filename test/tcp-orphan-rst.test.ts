// RFC 1122 §4.2.2.13: data arriving after close() is answered with a RST (TcpConfig.orphanDataRst).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACK, dg, passiveEstablished, view } from './tcp-helpers.js';

function afterClose(orphanDataRst: 'abort' | 'reply') {
  const p = passiveEstablished({ orphanDataRst, timestamps: false, sack: false });
  p.conn.close(2);
  const fin = p.layer.poll(2);
  assert.equal(view(fin.at(-1)!).flags, 'FIN,ACK');
  // Data from the peer that has not yet seen our FIN (it acknowledges only our SYN).
  p.layer.receive(dg({ seq: 1001, ack: 5001, flags: ACK, payload: 10 }), 3);
  return { p, out: p.layer.poll(3) };
}

test("RFC 1122 §4.2.2.13 data after close(), orphanDataRst 'abort' (default): the ABORT reset <SEQ=SND.NXT><CTL=RST,ACK>", () => {
  const { p, out } = afterClose('abort');
  const rst = out.find((d) => view(d).flags.includes('RST'))!;
  assert.deepEqual([view(rst).flags, view(rst).seq], ['RST,ACK', 5002]);
  assert.equal(p.conn.state, 'CLOSED');
});

test("RFC 1122 §4.2.2.13 / RFC 9293 §3.5.2 data after close(), orphanDataRst 'reply' (linux): <SEQ=SEG.ACK><CTL=RST>", () => {
  const { p, out } = afterClose('reply');
  const rst = out.find((d) => view(d).flags.includes('RST'))!;
  assert.deepEqual([view(rst).flags, view(rst).seq], ['RST', 5001]);
  assert.equal(p.conn.state, 'CLOSED');
});
