// Packet lines: `< S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>`,
// `> [ect0] P. 1:1001(1000) ack 1`, `< udp (100)`, `< icmp unreachable frag_needed mtu 1200
// [1:1461(1460)]`, and the FreeBSD-suite forms `(ttl 4)`, `(hlim 4)`, `(class 0x20)`,
// `0:0(0)!` (absolute sequence number), `...(0)` (any sequence number), `/udp(9811 > 1)`.

import type { Direction, IcmpEchoed, IcmpPacketSpec, IpInfo, PacketSpec, SeqSpec, TcpPacketSpec, UdpPacketSpec } from './ast.js';
import { Cursor, U16, U20, U32, U8 } from './cursor.js';
import { parseFlags } from './flags.js';
import { optionsWireLength, parseTcpOptions } from './parse-options.js';

export type PacketParse = { packet: PacketSpec } | { unsupported: string };

const OUTER_HEADERS: Record<string, string> = {
  ipv4: 'explicit IPv4 outer header',
  ipv6: 'explicit IPv6 outer header',
  gre: 'GRE encapsulation',
  GREv0: 'GRE encapsulation',
  mpls: 'MPLS encapsulation',
};

export function parsePacket(c: Cursor): PacketParse {
  const dirTok = c.next();
  const direction: Direction = dirTok.text === '<' ? 'inbound' : 'outbound';
  const outer = c.peek();
  if (outer.kind === 'word' && OUTER_HEADERS[outer.text] !== undefined) {
    return { unsupported: OUTER_HEADERS[outer.text]! };
  }
  const ip = parseOptIpInfo(c);
  if (c.isPunct('[')) {
    // Older form that quotes the offending packet first: `< [1:1461(1460)] icmp unreachable ...`
    const echoed = parseEchoed(c);
    if (!c.isWord('icmp')) c.unexpected(c.peek(), "'icmp' after the quoted packet");
    const p = parseIcmp(c, direction, ip);
    if ('packet' in p && p.packet.proto === 'icmp' && p.packet.echoed === undefined) p.packet.echoed = echoed;
    return p;
  }
  const t = c.peek();
  if (t.kind === 'word') {
    if (t.text === 'encap') return { unsupported: 'PSP encapsulation' };
    if (t.text === 'sctp') return { unsupported: 'SCTP packet' };
    if (t.text === 'udplite') return { unsupported: 'UDP-Lite packet' };
    if (t.text === 'udp') return { packet: parseUdp(c, direction, ip) };
    if (t.text === 'icmp') return parseIcmp(c, direction, ip);
  }
  return parseTcp(c, direction, ip);
}

const ECN_MARKS = new Set(['noecn', 'ect0', 'ect1', 'ce', 'ect01']);
const IP_INFO_WORDS = new Set(['tos', 'class', 'ttl', 'hlim', 'flowlabel', 'dscp', 'ecn', ...ECN_MARKS]);

/** RFC 2474 class selectors, RFC 2597 AF, RFC 3246 EF, RFC 5865 VOICE-ADMIT, RFC 8622 LE. */
function dscpByName(name: string): number | undefined {
  let m = /^cs([0-7])$/.exec(name);
  if (m !== null) return Number(m[1]) * 8;
  m = /^af([1-4])([1-3])$/.exec(name);
  if (m !== null) return Number(m[1]) * 8 + Number(m[2]) * 2;
  if (name === 'ef') return 46;
  if (name === 'voice-admit') return 44;
  if (name === 'le') return 1;
  return undefined;
}

function parseOptIpInfo(c: Cursor): IpInfo | undefined {
  if (!(c.isPunct('(') || c.isPunct('['))) return undefined;
  const kw = c.peek(1);
  if (kw.kind !== 'word' || !IP_INFO_WORDS.has(kw.text)) return undefined;
  const open = c.next().text as '(' | '[';
  const close = open === '(' ? ')' : ']';
  const ip: IpInfo = { bracket: open };
  const once = (key: keyof IpInfo, at: ReturnType<Cursor['peek']>): void => {
    if (ip[key] !== undefined) c.fail(at, 'PD_DUPLICATE_FIELD', `IP field '${at.text}' given twice`);
  };
  for (;;) {
    const w = c.peek();
    if (w.kind !== 'word') c.unexpected(w, 'an IP header field (tos, ttl, hlim, class, ecn, ...)');
    c.next();
    switch (w.text) {
      case 'tos':
      case 'class':
        once('tos', w);
        ip.tos = c.expectInt(`${w.text} value`, U8);
        ip.tosKeyword = w.text;
        break;
      case 'ttl':
      case 'hlim':
        once('ttl', w);
        ip.ttl = c.expectInt(`${w.text} value`, U8);
        ip.ttlKeyword = w.text;
        break;
      case 'flowlabel':
        once('flowLabel', w);
        ip.flowLabel = c.expectInt('flow label', U20);
        break;
      case 'dscp': {
        once('dscp', w);
        const v = c.peek();
        const named = v.kind === 'word' ? dscpByName(v.text) : undefined;
        if (named !== undefined) {
          c.next();
          ip.dscp = named;
        } else {
          ip.dscp = c.expectInt('dscp value', 0x3f);
        }
        break;
      }
      case 'ecn': {
        const m = c.peek();
        if (m.kind !== 'word' || !ECN_MARKS.has(m.text)) c.unexpected(m, 'an ECN mark');
        once('ecn', m);
        c.next();
        ip.ecn = m.text as NonNullable<IpInfo['ecn']>;
        break;
      }
      default:
        if (!ECN_MARKS.has(w.text)) c.unexpected(w, 'an IP header field');
        once('ecn', w);
        ip.ecn = w.text as NonNullable<IpInfo['ecn']>;
    }
    if (c.isPunct(',')) {
      c.next();
      continue;
    }
    c.expectPunct(close);
    return ip;
  }
}

function parsePorts(c: Cursor, target: { srcPort?: number; dstPort?: number }): void {
  const t = c.peek();
  if ((t.kind === 'int' || t.kind === 'hex') && c.isPunct('>', 1)) {
    target.srcPort = c.expectInt('source port', U16);
    c.next();
    target.dstPort = c.expectInt('destination port', U16);
  }
}

const FLAG_CHARS = /^[.FSRPEWAU0-7-]+$/;

function parseTcp(c: Cursor, direction: Direction, ip: IpInfo | undefined): PacketParse {
  const ports: { srcPort?: number; dstPort?: number } = {};
  parsePorts(c, ports);
  const first = c.peek();
  if (!(first.kind === 'word' || first.kind === 'float' || (first.kind === 'punct' && (first.text === '.' || first.text === '-')))) {
    c.unexpected(first, 'TCP flags (S, ., P., F., R, ...), udp or icmp');
  }
  let text = c.next().text;
  // Like packetdrill, blanks may separate the parts: `F.`, `F .`, `S.E`, `S.5` (ACE digit).
  if (first.kind === 'word') {
    if (c.isPunct('.')) {
      text += c.next().text;
      const tail = c.peek();
      if (tail.kind === 'word' && FLAG_CHARS.test(tail.text)) text += c.next().text;
    } else if (c.peek().kind === 'float' && /^\.[0-9]$/.test(c.peek().text)) {
      text += c.next().text;
    }
  } else if (first.kind === 'punct' && first.text === '.') {
    // `.U`, `.E`: letters after a leading ACK flag (a sequence number cannot start with a letter)
    const tail = c.peek();
    if (tail.kind === 'word' && FLAG_CHARS.test(tail.text)) text += c.next().text;
  }
  const parsed = parseFlags(text);
  if (!parsed.ok) c.fail(first, 'PD_BAD_FLAGS', parsed.message);
  const seq = parseSeq(c);
  const packet: TcpPacketSpec = { proto: 'tcp', direction, flags: parsed.flags, seq, options: [] };
  if (ip !== undefined) packet.ip = ip;
  if (ports.srcPort !== undefined) packet.srcPort = ports.srcPort;
  if (ports.dstPort !== undefined) packet.dstPort = ports.dstPort;
  for (;;) {
    const w = c.peek();
    if (w.kind !== 'word' || (w.text !== 'ack' && w.text !== 'win' && w.text !== 'urg')) break;
    c.next();
    const key = w.text;
    if (packet[key] !== undefined) c.fail(w, 'PD_DUPLICATE_FIELD', `'${key}' given twice`);
    packet[key] = c.expectInt(`${key} value`, key === 'ack' ? U32 : U16);
  }
  if (c.isPunct('<')) {
    const open = c.peek();
    packet.options = parseTcpOptions(c);
    if (packet.options === 'any') {
      if (direction === 'inbound') {
        c.fail(open, 'PD_ANY_OPTIONS_INBOUND', '<...> for TCP options can only be used with outbound packets');
      }
    } else {
      const len = optionsWireLength(packet.options);
      if (len !== undefined && len % 4 !== 0) {
        c.fail(open, 'PD_OPTIONS_PADDING', `TCP options take ${len} bytes, not a multiple of 4 (pad with nop or eol)`);
      }
      if (len !== undefined && len > 40) c.fail(open, 'PD_OUT_OF_RANGE', `TCP options take ${len} bytes, more than 40`);
    }
  }
  if (c.isPunct('[')) return { unsupported: 'RST diagnostic payload' };
  const encap = parseOptUdpEncap(c);
  if (encap !== undefined) packet.udpEncap = encap;
  if (direction === 'inbound' && packet.win === undefined) {
    c.fail(first, 'PD_WINDOW_REQUIRED', 'window must be specified for inbound packets');
  }
  return { packet };
}

function parseSeq(c: Cursor): SeqSpec {
  const t = c.peek();
  if (t.kind === 'ellipsis') {
    c.next();
    c.expectPunct('(');
    const len = c.expectInt('payload length', U16);
    c.expectPunct(')');
    return { kind: 'any', len };
  }
  const start = c.expectInt('sequence number (start:end(len))', U32);
  if (!c.isPunct(':')) return { kind: 'range', start, end: start, len: 0, absolute: false, bare: true };
  c.next();
  const endTok = c.peek();
  const end = c.expectInt('end sequence number', U32);
  c.expectPunct('(');
  const len = c.expectInt('payload length', U16);
  c.expectPunct(')');
  if (end !== start + len) {
    c.fail(endTok, 'PD_SEQ_INCONSISTENT', `inconsistent TCP sequence numbers and payload size: ${start}+${len} != ${end}`);
  }
  let absolute = false;
  if (c.isPunct('!')) {
    c.next();
    absolute = true;
  }
  return { kind: 'range', start, end, len, absolute };
}

function parseOptUdpEncap(c: Cursor): { srcPort: number; dstPort: number } | undefined {
  if (!(c.isPunct('/') && c.isWord('udp', 1))) return undefined;
  c.next();
  c.next();
  c.expectPunct('(');
  const srcPort = c.expectInt('UDP source port', U16);
  c.expectPunct('>');
  const dstPort = c.expectInt('UDP destination port', U16);
  c.expectPunct(')');
  return { srcPort, dstPort };
}

function parseUdp(c: Cursor, direction: Direction, ip: IpInfo | undefined): UdpPacketSpec {
  c.expectWord('udp');
  const packet: UdpPacketSpec = { proto: 'udp', direction, len: 0 };
  if (ip !== undefined) packet.ip = ip;
  parsePorts(c, packet);
  c.expectPunct('(');
  packet.len = c.expectInt('UDP payload length', U16);
  c.expectPunct(')');
  return packet;
}

function parseIcmp(c: Cursor, direction: Direction, ip: IpInfo | undefined): PacketParse {
  c.expectWord('icmp');
  const typeTok = c.peek();
  if (typeTok.kind !== 'word') c.unexpected(typeTok, 'an ICMP type name');
  c.next();
  const packet: IcmpPacketSpec = { proto: 'icmp', direction, type: typeTok.text };
  if (ip !== undefined) packet.ip = ip;
  const codeTok = c.peek();
  if (codeTok.kind === 'word' && codeTok.text !== 'mtu' && codeTok.text !== 'id') {
    c.next();
    packet.code = codeTok.text;
  }
  if (c.isWord('mtu')) {
    c.next();
    packet.mtu = c.expectInt('ICMP MTU', U32);
  }
  if (c.isWord('id')) {
    c.next();
    packet.id = c.expectInt('ICMP echo id', U16);
  }
  if (c.isPunct('[')) packet.echoed = parseEchoed(c);
  return { packet };
}

/** `[seq]`, `[seq/udp(a > b)]`, `[udp (len)]`, `[raw (len)]`: the packet an ICMP error quotes. */
function parseEchoed(c: Cursor): IcmpEchoed {
  c.expectPunct('[');
  const w = c.peek();
  let echoed: IcmpEchoed;
  if (w.kind === 'word' && (w.text === 'sctp' || w.text === 'udplite')) {
    c.unsupported(`ICMP quoting ${w.text === 'sctp' ? 'SCTP' : 'UDP-Lite'}`);
  } else if (w.kind === 'word' && (w.text === 'udp' || w.text === 'raw')) {
    c.next();
    c.expectPunct('(');
    const len = c.expectInt('quoted payload length', U16);
    c.expectPunct(')');
    echoed = { kind: w.text, len };
  } else {
    const seq = parseSeq(c);
    echoed = { kind: 'tcp', seq };
    const encap = parseOptUdpEncap(c);
    if (encap !== undefined) echoed.udpEncap = encap;
  }
  c.expectPunct(']');
  return echoed;
}
