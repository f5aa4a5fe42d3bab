// Classic libpcap capture files (draft-ietf-opsawg-pcap §4–§5): a 24-byte file header, then per
// packet a 16-byte record header and the captured bytes. Sans-IO: the writer returns byte chunks and
// the reader takes the whole file as bytes; the CLI and the simulator do the file IO.
//
// Read: magic a1b2c3d4 (microsecond) and a1b23c4d (nanosecond) in either byte order; link types
// RAW/IPV4/IPV6, EN10MB (Ethernet, 802.1Q/802.1ad tags stripped), LINUX_SLL, LINUX_SLL2, NULL and
// LOOP, so kernel captures (`tshark -i lo`, `tcpdump -i any`) can be read. Write: LINKTYPE_RAW.
// A damaged file never throws: the reader returns the packets before the damage and an error that
// names the byte offset where it is.

import { invalidArgType } from './arg-errors.js';

/** LINKTYPE_* values (tcpdump.org link-layer header types registry). */
export const LinkType = {
  NULL: 0,
  EN10MB: 1,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

export const PCAP_MAGIC_MICRO = 0xa1b2c3d4;
export const PCAP_MAGIC_NANO = 0xa1b23c4d;
export const PCAP_FILE_HEADER_LEN = 24;
export const PCAP_RECORD_HEADER_LEN = 16;
/** Largest record we accept regardless of the file's snaplen (libpcap's own ceiling is 256 KiB). */
export const PCAP_MAX_RECORD = 262144;

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;

export type PcapErrorCode = 'PCAP_TRUNCATED' | 'PCAP_BAD_MAGIC' | 'PCAP_BAD_RECORD' | 'PCAP_BAD_LINKTYPE';

export interface PcapError {
  code: PcapErrorCode;
  /** Byte offset in the file where the problem starts. */
  offset: number;
  message: string;
}

export interface PcapHeader {
  byteOrder: 'little' | 'big';
  precision: 'micro' | 'nano';
  versionMajor: number;
  versionMinor: number;
  snapLen: number;
  linkType: number;
}

export interface PcapPacket {
  /** 0-based position in the file. */
  index: number;
  /** Byte offset of this packet's record header in the file. */
  offset: number;
  tsSec: number;
  /** Microseconds or nanoseconds, per header.precision. */
  tsFrac: number;
  /** Timestamp in milliseconds (fractional). */
  timeMs: number;
  capLen: number;
  origLen: number;
  /** The captured bytes, link-layer header included (a view into the input). */
  frame: Uint8Array;
  /** What the link-layer header says follows (0x0800 IPv4, 0x86dd IPv6); 0 when unknown. */
  etherType: number;
  /** The network-layer packet: `frame` without its link-layer header (a view into the input). */
  data: Uint8Array;
}

export type PcapReadResult =
  | { ok: true; header: PcapHeader; packets: PcapPacket[] }
  | { ok: false; header: PcapHeader | undefined; packets: PcapPacket[]; error: PcapError };

const SUPPORTED = new Set<number>(Object.values(LinkType));

function etherTypeOfIp(b: Uint8Array): number {
  const v = (b[0] ?? 0) >> 4;
  return v === 4 ? ETHERTYPE_IPV4 : v === 6 ? ETHERTYPE_IPV6 : 0;
}

/** BSD AF_INET is 2 everywhere; AF_INET6 is 24 (NetBSD/OpenBSD), 28 (FreeBSD) or 30 (macOS). */
function etherTypeOfAf(af: number): number {
  if (af === 2) return ETHERTYPE_IPV4;
  return af === 24 || af === 28 || af === 30 ? ETHERTYPE_IPV6 : 0;
}

/** Splits a captured frame into its link-layer payload; short frames give an empty payload. */
export function stripLinkHeader(linkType: number, frame: Uint8Array): { etherType: number; data: Uint8Array } {
  const dv = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const none = { etherType: 0, data: frame.subarray(frame.length) };
  switch (linkType) {
    case LinkType.RAW:
    case LinkType.IPV4:
    case LinkType.IPV6:
      return { etherType: etherTypeOfIp(frame), data: frame };
    case LinkType.NULL: {
      if (frame.length < 4) return none;
      // host byte order of the capturing machine: try both
      const le = dv.getUint32(0, true), be = dv.getUint32(0, false);
      return { etherType: etherTypeOfAf(le < 256 ? le : be), data: frame.subarray(4) };
    }
    case LinkType.LOOP:
      if (frame.length < 4) return none;
      return { etherType: etherTypeOfAf(dv.getUint32(0, false)), data: frame.subarray(4) };
    case LinkType.EN10MB: {
      // IEEE 802.3: dst(6) src(6) type(2), with 802.1Q (0x8100) / 802.1ad (0x88a8) tags of 4 bytes.
      let off = 12;
      for (;;) {
        if (frame.length < off + 2) return none;
        const t = dv.getUint16(off, false);
        if (t === 0x8100 || t === 0x88a8 || t === 0x9100) off += 4;
        else return { etherType: t, data: frame.subarray(off + 2) };
      }
    }
    case LinkType.LINUX_SLL:
      // packet type(2) ARPHRD(2) addr len(2) addr(8) protocol(2)
      if (frame.length < 16) return none;
      return { etherType: dv.getUint16(14, false), data: frame.subarray(16) };
    case LinkType.LINUX_SLL2:
      // protocol(2) reserved(2) ifindex(4) ARPHRD(2) packet type(1) addr len(1) addr(8)
      if (frame.length < 20) return none;
      return { etherType: dv.getUint16(0, false), data: frame.subarray(20) };
    default:
      return none;
  }
}

/** Parses a whole classic pcap file. Never throws on hostile bytes (a non-Uint8Array is ERR_INVALID_ARG_TYPE). */
export function readPcap(bytes: Uint8Array): PcapReadResult {
  if (!(bytes instanceof Uint8Array)) throw invalidArgType('bytes', 'an instance of Uint8Array', bytes);
  const packets: PcapPacket[] = [];
  const fail = (header: PcapHeader | undefined, code: PcapErrorCode, offset: number, message: string): PcapReadResult => ({
    ok: false,
    header,
    packets,
    error: { code, offset, message },
  });
  if (bytes.length < 4) return fail(undefined, 'PCAP_TRUNCATED', 0, `file is ${bytes.length} bytes, shorter than the 4-byte magic number`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magicBe = dv.getUint32(0, false), magicLe = dv.getUint32(0, true);
  let little: boolean, precision: 'micro' | 'nano';
  if (magicLe === PCAP_MAGIC_MICRO || magicLe === PCAP_MAGIC_NANO) {
    little = true;
    precision = magicLe === PCAP_MAGIC_NANO ? 'nano' : 'micro';
  } else if (magicBe === PCAP_MAGIC_MICRO || magicBe === PCAP_MAGIC_NANO) {
    little = false;
    precision = magicBe === PCAP_MAGIC_NANO ? 'nano' : 'micro';
  } else if (magicBe === 0x0a0d0d0a) {
    return fail(undefined, 'PCAP_BAD_MAGIC', 0, 'this is a pcapng file; save it as classic pcap (e.g. `tshark -F pcap -w out.pcap`)');
  } else {
    return fail(undefined, 'PCAP_BAD_MAGIC', 0, `magic number 0x${magicBe.toString(16).padStart(8, '0')} is not a pcap file`);
  }
  if (bytes.length < PCAP_FILE_HEADER_LEN) {
    return fail(undefined, 'PCAP_TRUNCATED', bytes.length, `file header needs ${PCAP_FILE_HEADER_LEN} bytes, file ends at ${bytes.length}`);
  }
  const header: PcapHeader = {
    byteOrder: little ? 'little' : 'big',
    precision,
    versionMajor: dv.getUint16(4, little),
    versionMinor: dv.getUint16(6, little),
    snapLen: dv.getUint32(16, little),
    // draft-ietf-opsawg-pcap §4: the upper bits carry FCS length flags; the link type is the low 28.
    linkType: dv.getUint32(20, little) & 0x0fffffff,
  };
  if (!SUPPORTED.has(header.linkType)) {
    return fail(header, 'PCAP_BAD_LINKTYPE', 20, `link type ${header.linkType} is not supported (RAW, IPV4, IPV6, EN10MB, LINUX_SLL, LINUX_SLL2, NULL, LOOP are)`);
  }
  const fracPerSec = precision === 'nano' ? 1e9 : 1e6;
  const limit = Math.max(header.snapLen, PCAP_MAX_RECORD);
  let off = PCAP_FILE_HEADER_LEN;
  while (off < bytes.length) {
    if (bytes.length - off < PCAP_RECORD_HEADER_LEN) {
      return fail(header, 'PCAP_TRUNCATED', off, `record header at offset ${off} needs ${PCAP_RECORD_HEADER_LEN} bytes, file ends at ${bytes.length}`);
    }
    const tsSec = dv.getUint32(off, little);
    const tsFrac = dv.getUint32(off + 4, little);
    const capLen = dv.getUint32(off + 8, little);
    const origLen = dv.getUint32(off + 12, little);
    if (capLen > limit) {
      return fail(header, 'PCAP_BAD_RECORD', off + 8, `record at offset ${off}: captured length ${capLen} exceeds ${limit}`);
    }
    if (capLen > origLen) {
      return fail(header, 'PCAP_BAD_RECORD', off + 8, `record at offset ${off}: captured length ${capLen} exceeds original length ${origLen}`);
    }
    const start = off + PCAP_RECORD_HEADER_LEN;
    if (bytes.length - start < capLen) {
      return fail(header, 'PCAP_TRUNCATED', start, `record at offset ${off}: ${capLen} captured bytes expected, file ends after ${bytes.length - start}`);
    }
    const frame = bytes.subarray(start, start + capLen);
    const { etherType, data } = stripLinkHeader(header.linkType, frame);
    packets.push({
      index: packets.length,
      offset: off,
      tsSec,
      tsFrac,
      timeMs: tsSec * 1000 + (tsFrac * 1000) / fracPerSec,
      capLen,
      origLen,
      frame,
      etherType,
      data,
    });
    off = start + capLen;
  }
  return { ok: true, header, packets };
}

export interface PcapWriterOptions {
  /** Timestamp resolution; default 'micro' (magic a1b2c3d4). */
  precision?: 'micro' | 'nano';
  /** Default 'little' (what most capture hosts write). */
  byteOrder?: 'little' | 'big';
  /** Default 262144; longer packets are cut to this and keep their original length. */
  snapLen?: number;
  /** Default LinkType.RAW: packets are bare IPv4/IPv6. */
  linkType?: number;
}

/** Incremental writer: header() once, then record() per packet; concatenate the chunks. */
export class PcapWriter {
  readonly precision: 'micro' | 'nano';
  readonly little: boolean;
  readonly snapLen: number;
  readonly linkType: number;

  constructor(o: PcapWriterOptions = {}) {
    this.precision = o.precision ?? 'micro';
    this.little = (o.byteOrder ?? 'little') === 'little';
    this.snapLen = Math.max(1, Math.min(0xffffffff, Math.floor(o.snapLen ?? PCAP_MAX_RECORD)));
    this.linkType = o.linkType ?? LinkType.RAW;
  }

  /** The 24-byte file header (version 2.4, thiszone 0, sigfigs 0). */
  header(): Uint8Array {
    const out = new Uint8Array(PCAP_FILE_HEADER_LEN);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, this.precision === 'nano' ? PCAP_MAGIC_NANO : PCAP_MAGIC_MICRO, this.little);
    dv.setUint16(4, 2, this.little);
    dv.setUint16(6, 4, this.little);
    dv.setUint32(16, this.snapLen, this.little);
    dv.setUint32(20, this.linkType, this.little);
    return out;
  }

  /** One record: `data` captured at `timeMs` (milliseconds, fractional allowed, clamped to ≥ 0). */
  record(data: Uint8Array, timeMs: number, origLen: number = data.length): Uint8Array {
    const perSec = this.precision === 'nano' ? 1e9 : 1e6;
    const t = Number.isFinite(timeMs) && timeMs > 0 ? timeMs : 0;
    let sec = Math.floor(t / 1000);
    let frac = Math.round((t - sec * 1000) * (perSec / 1000));
    if (frac >= perSec) {
      sec += 1;
      frac -= perSec;
    }
    const capLen = Math.min(data.length, this.snapLen);
    const out = new Uint8Array(PCAP_RECORD_HEADER_LEN + capLen);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, Math.min(sec, 0xffffffff), this.little);
    dv.setUint32(4, frac, this.little);
    dv.setUint32(8, capLen, this.little);
    dv.setUint32(12, Math.min(0xffffffff, Math.max(origLen, capLen)), this.little);
    out.set(data.subarray(0, capLen), PCAP_RECORD_HEADER_LEN);
    return out;
  }
}

/** One-shot: a whole pcap file holding `packets`. */
export function writePcap(packets: ReadonlyArray<{ data: Uint8Array; timeMs: number }>, o: PcapWriterOptions = {}): Uint8Array {
  const w = new PcapWriter(o);
  const chunks = [w.header(), ...packets.map((p) => w.record(p.data, p.timeMs))];
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}
