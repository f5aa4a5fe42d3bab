// JSON-friendly result of decodePacket: numbers, strings, booleans and arrays only (byte
// strings are lowercase hex), so `JSON.stringify(decoded)` is the --json output of `layer4 decode`.

import type { IpAddress } from '../stack/types.js';
import type { QuotedPacket } from './icmp-quote.js';
import type { WireError } from './result.js';

export interface DecodedChecksum {
  /** The value in the header. */
  value: number;
  /** 'none': UDP over IPv4 with a zero field; 'unverified': cannot be checked (truncated capture, fragment). */
  status: 'valid' | 'invalid' | 'none' | 'unverified';
  /** The correct value, when `status` is 'invalid'. */
  expected?: number;
}

export interface DecodedIpv4 {
  layer: 'ipv4';
  version: 4;
  headerLength: number;
  dscp: number;
  ecn: number;
  totalLength: number;
  id: number;
  reservedFlag: boolean;
  dontFragment: boolean;
  moreFragments: boolean;
  /** In bytes. */
  fragmentOffset: number;
  ttl: number;
  protocol: number;
  protocolName: string;
  checksum: DecodedChecksum;
  src: IpAddress;
  dst: IpAddress;
  /** Raw option bytes as hex ('' when none). */
  options: string;
  /** The buffer ends before Total Length. */
  truncated: boolean;
}

export interface DecodedExtHeader {
  type: number;
  name: string;
  /** Size in bytes. */
  length: number;
  /** Bytes after Next Header and Hdr Ext Len as hex (raw headers). */
  data?: string;
  /** Fragment header fields (RFC 8200 §4.5). */
  fragmentOffset?: number;
  moreFragments?: boolean;
  id?: number;
}

export interface DecodedIpv6 {
  layer: 'ipv6';
  version: 6;
  trafficClass: number;
  dscp: number;
  ecn: number;
  flowLabel: number;
  payloadLength: number;
  nextHeader: number;
  hopLimit: number;
  src: IpAddress;
  dst: IpAddress;
  extHeaders: DecodedExtHeader[];
  /** Upper-layer protocol after the extension headers. */
  protocol: number;
  protocolName: string;
  truncated: boolean;
}

export type DecodedTcpOption =
  | { kind: 'eol' }
  | { kind: 'nop' }
  | { kind: 'mss'; mss: number }
  | { kind: 'wscale'; shift: number }
  | { kind: 'sackPermitted' }
  | { kind: 'sack'; blocks: Array<[number, number]> }
  | { kind: 'timestamp'; val: number; ecr: number }
  | { kind: 'unknown'; code: number; data: string };

export interface DecodedTcp {
  layer: 'tcp';
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  dataOffset: number;
  headerLength: number;
  reserved: number;
  /** 12-bit flags value; names in `flagNames`. */
  flags: number;
  flagNames: string[];
  window: number;
  checksum: DecodedChecksum;
  urgent: number;
  options: DecodedTcpOption[];
  payloadLength: number;
  payload: string;
}

export interface DecodedUdp {
  layer: 'udp';
  srcPort: number;
  dstPort: number;
  length: number;
  checksum: DecodedChecksum;
  payloadLength: number;
  payload: string;
}

/** Fields shared by ICMP and ICMPv6 messages. */
export interface DecodedIcmpMessage {
  layer: 'icmp' | 'icmpv6';
  type: number;
  typeName: string;
  code: number;
  codeName?: string;
  checksum: DecodedChecksum;
  /** Echo. */
  id?: number;
  seq?: number;
  /** Fragmentation needed (RFC 1191) / Packet Too Big (RFC 4443 §3.2). */
  mtu?: number;
  /** Parameter problem. */
  pointer?: number;
  /** Echo data, or the body of an unknown type, as hex. */
  data?: string;
  /** Error messages: the invoking packet, as far as it goes. */
  quote?: QuotedPacket;
  quoteError?: WireError;
  quoteLength?: number;
}

export interface DecodedIcmpV4 extends DecodedIcmpMessage {
  layer: 'icmp';
}

export interface DecodedIcmpV6 extends DecodedIcmpMessage {
  layer: 'icmpv6';
}

export type DecodedIcmp = DecodedIcmpV4 | DecodedIcmpV6;

/** Upper-layer bytes not decoded further (unknown protocol, non-first fragment). */
export interface DecodedData {
  layer: 'data';
  protocol: number;
  protocolName: string;
  length: number;
  data: string;
}

export type DecodedLayer = DecodedIpv4 | DecodedIpv6 | DecodedTcp | DecodedUdp | DecodedIcmp | DecodedData;

export interface DecodedPacket {
  /** Bytes given. */
  length: number;
  layers: DecodedLayer[];
  /** One line, e.g. "10.0.0.1:1234 → 10.0.0.2:80 TCP [SYN] seq=0 win=65535 len=0". */
  summary: string;
  /** Things worth a human's attention that did not stop decoding (bad checksums, trailing bytes, reserved bits). */
  notes: string[];
  /** Why decoding stopped early, when it did. */
  error?: WireError;
}
