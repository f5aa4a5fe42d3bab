// `layer4 demo handshake` outputs beyond the text: --svg (well-formed XML, one arrow per captured
// segment), --pcap (the same segments, decodable), --loss/--seed (a lost segment and its
// retransmission, drawn as such), and one-line usage errors with exit code 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../src/cli/main.js';
import { readPcap } from '../src/wire/pcap.js';
import { decodePacket } from '../src/wire/packet.js';
import type { LadderTrace, SegmentEntry } from '../src/viz/trace.js';

async function layer4(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, { out: (t) => void (stdout += t), err: (t) => void (stderr += t), isTty: false });
  return { code, stdout, stderr };
}

const tmp = mkdtempSync(join(tmpdir(), 'layer4-demo-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

/** Throws unless `xml` is one well-formed element tree: tags nest, attributes are quoted, '&' and '<' escaped. */
function assertWellFormedXml(xml: string): void {
  const tag = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[A-Za-z_][\w:.-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/y;
  const badAmp = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt < 0 ? xml.length : lt);
    assert.doesNotMatch(text, badAmp, `unescaped & in text near ${i}`);
    if (stack.length === 0) assert.equal(text.trim(), '', `text outside the root element near ${i}`);
    if (lt < 0) break;
    tag.lastIndex = lt;
    const m = tag.exec(xml);
    assert.ok(m !== null, `malformed markup at ${lt}: ${xml.slice(lt, lt + 60)}`);
    if (m[2] !== undefined) {
      assert.doesNotMatch(m[3] ?? '', badAmp, `unescaped & in attributes of <${m[2]}>`);
      const names = [...(m[3] ?? '').matchAll(/([\w:.-]+)\s*=/g)].map((a) => a[1]);
      assert.equal(new Set(names).size, names.length, `duplicate attribute in <${m[2]}>`);
      if (m[1] === '/') assert.equal(stack.pop(), m[2], `</${m[2]}> closes the wrong element`);
      else {
        if (stack.length === 0) roots++;
        if (m[4] !== '/') stack.push(m[2]);
      }
    }
    i = tag.lastIndex;
  }
  assert.deepEqual(stack, [], 'unclosed elements');
  assert.equal(roots, 1, 'exactly one root element');
}

const segs = (t: LadderTrace): SegmentEntry[] => t.entries.filter((e): e is SegmentEntry => e.kind === 'segment');

test('--svg: well-formed SVG with one arrow (class="seg") per captured segment; --pcap holds the same segments', async () => {
  const svg = join(tmp, 'ladder.svg');
  const pcap = join(tmp, 'run.pcap');
  const r = await layer4(['demo', 'handshake', '--svg', svg, '--pcap', pcap, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { packets: number; trace: LadderTrace };
  const doc = readFileSync(svg, 'utf8');
  assertWellFormedXml(doc);
  assert.match(doc, /^(<\?xml[^>]*\?>\s*)?<svg[^>]+xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  const arrows = doc.match(/<g class="seg"/g) ?? [];
  const file = readPcap(new Uint8Array(readFileSync(pcap)));
  assert.ok(file.ok);
  assert.equal(file.packets.length, j.packets);
  assert.equal(arrows.length, file.packets.length, 'one arrow per captured segment');
  assert.equal(segs(j.trace).length, file.packets.length);
  // The pcap decodes to the trace's numbers, packet for packet.
  file.packets.forEach((p, k) => {
    const tcp = decodePacket(p.data).layers.find((l) => l.layer === 'tcp');
    assert.ok(tcp !== undefined && tcp.layer === 'tcp');
    assert.equal(tcp.checksum.status, 'valid');
    const e = segs(j.trace)[k]!;
    assert.deepEqual([tcp.seq, tcp.flags, tcp.payloadLength], [e.seq, e.flags, e.len]);
    assert.equal(p.timeMs, e.t);
  });
  assert.match(doc, /SYN seq=100/);
  assert.match(doc, /LAST-ACK/);
});

test('--loss 0.3 --seed 7: a segment is lost (✗) and retransmitted, in text, JSON and SVG', async () => {
  const svg = join(tmp, 'lossy.svg');
  const text = await layer4(['demo', 'handshake', '--loss', '0.3', '--seed', '7', '--no-explain', '--svg', svg]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /✗──PSH,ACK seq=2001 ack=201 len=500──/, 'the server’s answer is lost on the way');
  assert.match(text.stdout, /PSH,ACK seq=2001 ack=201 len=500 \(retransmission\)/);
  assert.match(text.stdout, /✗ = segment lost on the link/);
  assert.match(text.stdout, /Link loss 30% \(seed 7\): 1 of 13 packets lost/);

  const j = JSON.parse((await layer4(['demo', 'handshake', '--loss', '0.3', '--seed', '7', '--json'])).stdout) as { completed: boolean; trace: LadderTrace };
  assert.equal(j.completed, true, 'TCP recovers: the exchange still completes');
  const lost = segs(j.trace).filter((e) => e.lost === true);
  const retx = segs(j.trace).filter((e) => e.retransmission === true);
  assert.ok(lost.length >= 1);
  for (const l of lost) {
    assert.equal(l.tArrive, undefined);
    if (l.len > 0) assert.ok(retx.some((r) => r.from === l.from && r.seq === l.seq && r.t > l.t), `lost seq=${l.seq} is sent again`);
  }
  const doc = readFileSync(svg, 'utf8');
  assertWellFormedXml(doc);
  assert.equal((doc.match(/<g class="seg"/g) ?? []).length, segs(j.trace).length);
  assert.ok(doc.includes('data-lost="true"'));
  assert.ok(doc.includes('data-retransmission="true"'));
});

test('--time adds the send time in ms; --ascii draws without box characters', async () => {
  const r = await layer4(['demo', 'handshake', '--time', '--ascii', '--no-explain']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^ *time +Client/m);
  assert.match(r.stdout, /^ +0 +SYN-SENT \|--SYN seq=100-+>\|/m);
  assert.match(r.stdout, /^ *60040 +CLOSED \|/m, 'TIME-WAIT ends 2×MSL after the last ACK');
  assert.doesNotMatch(r.stdout.split('\n').slice(3).join('\n'), /[│▶◀─]/);
});

test('bad arguments: one line on stderr, exit 2, nothing run', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['--lang', 'fr'], /--lang must be en or ko/],
    [['--isn-client', '-1'], /--isn-client must be between 0 and 4294967295/],
    [['--isn-server', '4294967296'], /--isn-server must be between 0 and 4294967295/],
    [['--isn-client', 'abc'], /--isn-client must be an integer/],
    [['--loss', '1'], /--loss must be a probability in \[0, 1\)/],
    [['--loss', 'x'], /--loss must be a probability/],
    [['--seed', '1.5'], /--seed must be an integer/],
    [['--svg', join(tmp, 'no/such/dir/x.svg')], /--svg .*does not exist/],
    [['--pcap', tmp], /--pcap .* is a directory/],
    [['--bogus'], /unknown option '--bogus'/],
  ];
  for (const [args, pattern] of cases) {
    const r = await layer4(['demo', 'handshake', ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: exit code`);
    assert.equal(r.stdout, '', `${args.join(' ')}: nothing on stdout`);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, `${args.join(' ')}: one line, got ${r.stderr}`);
    assert.match(lines[0]!, /^layer4: /);
    assert.match(lines[0]!, pattern);
  }
  const none = await layer4(['demo']);
  assert.equal(none.code, 2, 'demo without a subcommand is a usage error');
  assert.match(none.stderr, /handshake/);
});

test('a link that loses nearly everything: the ladder shows the attempt, then exit 1 with one line', async () => {
  const r = await layer4(['demo', 'handshake', '--loss', '0.9', '--seed', '3', '--no-explain']);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /\(retransmission\)/);
  assert.equal(r.stderr.trimEnd().split('\n').length, 1);
  assert.match(r.stderr, /^layer4: the exchange did not complete: client: connection failed \(ETIMEDOUT\)/);
});
