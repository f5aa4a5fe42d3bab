// Human text for a DecodedPacket: a one-line summary and a multi-line field listing in the
// spirit of `tshark -V`, compact. Works from the JSON-friendly structure only.

import type { DecodedChecksum, DecodedIcmp, DecodedIpv4, DecodedIpv6, DecodedLayer, DecodedPacket, DecodedTcp, DecodedTcpOption, DecodedUdp } from './packet-types.js';

const ECN = ['Not-ECT', 'ECT(1)', 'ECT(0)', 'CE'];
const HEX_LIMIT = 64;

const hex16 = (n: number): string => '0x' + n.toString(16).padStart(4, '0');

function endpoint(addr: string, port?: number): string {
  if (port === undefined) return addr;
  return addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`;
}

function checksumText(c: DecodedChecksum): string {
  switch (c.status) {
    case 'valid':
      return `${hex16(c.value)} [valid]`;
    case 'invalid':
      return c.expected === undefined ? `${hex16(c.value)} [invalid]` : `${hex16(c.value)} [invalid, expected ${hex16(c.expected)}]`;
    case 'none':
      return `${hex16(c.value)} [none]`;
    case 'unverified':
      return `${hex16(c.value)} [unverified]`;
  }
}

function shortHex(h: string): string {
  return h.length > HEX_LIMIT * 2 ? `${h.slice(0, HEX_LIMIT * 2)}… (${h.length / 2} bytes)` : h;
}

function optionText(o: DecodedTcpOption): string {
  switch (o.kind) {
    case 'eol':
      return 'EOL';
    case 'nop':
      return 'NOP';
    case 'mss':
      return `MSS ${o.mss}`;
    case 'wscale':
      return `WS ${o.shift} (×${o.shift <= 14 ? 2 ** o.shift : '?'})`;
    case 'sackPermitted':
      return 'SACK_PERM';
    case 'sack':
      return `SACK ${o.blocks.map(([l, r]) => `${l}-${r}`).join(' ')}`;
    case 'timestamp':
      return `TS val ${o.val} ecr ${o.ecr}`;
    case 'unknown':
      return `kind ${o.code} [${o.data}]`;
  }
}

/** The one-line summary of a decoded packet. */
export function summarize(d: DecodedPacket): string {
  const ip = d.layers.find((l): l is DecodedIpv4 | DecodedIpv6 => l.layer === 'ipv4' || l.layer === 'ipv6');
  if (!ip) return d.error ? `malformed: ${d.error.message}` : 'empty';
  const upper = d.layers.find((l) => l !== ip);
  let s: string;
  if (upper && (upper.layer === 'tcp' || upper.layer === 'udp')) {
    s = `${endpoint(ip.src, upper.srcPort)} → ${endpoint(ip.dst, upper.dstPort)} `;
    if (upper.layer === 'tcp') {
      s += `TCP [${upper.flagNames.join(', ')}] seq=${upper.seq}`;
      if (upper.flagNames.includes('ACK')) s += ` ack=${upper.ack}`;
      s += ` win=${upper.window} len=${upper.payloadLength}`;
      if (upper.options.length) s += ` <${upper.options.map(optionText).join(',')}>`;
    } else {
      s += `UDP len=${upper.payloadLength}`;
    }
  } else {
    s = `${ip.src} → ${ip.dst} `;
    if (upper && (upper.layer === 'icmp' || upper.layer === 'icmpv6')) {
      s += `${upper.layer === 'icmp' ? 'ICMP' : 'ICMPv6'} ${upper.typeName}`;
      if (upper.codeName) s += ` (${upper.codeName})`;
      if (upper.id !== undefined) s += ` id=${upper.id} seq=${upper.seq}`;
      if (upper.mtu !== undefined) s += ` mtu=${upper.mtu}`;
    } else {
      s += `${ip.protocolName} len=${upper && upper.layer === 'data' ? upper.length : 0}`;
    }
  }
  if (d.error) s += ` [malformed: ${d.error.code} ${d.error.field}]`;
  return s;
}

function ipv4Lines(l: DecodedIpv4): string[] {
  const flags = [l.reservedFlag ? 'Reserved' : '', l.dontFragment ? "Don't fragment" : '', l.moreFragments ? 'More fragments' : ''].filter(Boolean);
  return [
    `Internet Protocol Version 4, Src: ${l.src}, Dst: ${l.dst}`,
    `    Header Length: ${l.headerLength} bytes (${l.headerLength / 4})`,
    `    DSCP: ${l.dscp}, ECN: ${ECN[l.ecn]} (${l.ecn})`,
    `    Total Length: ${l.totalLength}${l.truncated ? ' [truncated]' : ''}`,
    `    Identification: ${hex16(l.id)} (${l.id})`,
    `    Flags: ${flags.length ? flags.join(', ') : 'none'}`,
    `    Fragment Offset: ${l.fragmentOffset}`,
    `    Time to Live: ${l.ttl}`,
    `    Protocol: ${l.protocolName} (${l.protocol})`,
    `    Header Checksum: ${checksumText(l.checksum)}`,
    ...(l.options ? [`    Options: ${l.options}`] : []),
  ];
}

function ipv6Lines(l: DecodedIpv6): string[] {
  const lines = [
    `Internet Protocol Version 6, Src: ${l.src}, Dst: ${l.dst}`,
    `    Traffic Class: 0x${l.trafficClass.toString(16).padStart(2, '0')} (DSCP ${l.dscp}, ECN: ${ECN[l.ecn]})`,
    `    Flow Label: 0x${l.flowLabel.toString(16).padStart(5, '0')}`,
    `    Payload Length: ${l.payloadLength}${l.truncated ? ' [truncated]' : ''}`,
    `    Next Header: ${l.nextHeader}`,
    `    Hop Limit: ${l.hopLimit}`,
  ];
  for (const e of l.extHeaders) {
    if (e.type === 44) lines.push(`    ${e.name}: offset ${e.fragmentOffset}, ${e.moreFragments ? 'more fragments' : 'last fragment'}, id 0x${(e.id ?? 0).toString(16).padStart(8, '0')}`);
    else lines.push(`    ${e.name} (${e.type}): ${e.length} bytes [${shortHex(e.data ?? '')}]`);
  }
  lines.push(`    Upper-layer protocol: ${l.protocolName} (${l.protocol})`);
  return lines;
}

function tcpLines(l: DecodedTcp): string[] {
  return [
    `Transmission Control Protocol, Src Port: ${l.srcPort}, Dst Port: ${l.dstPort}, Seq: ${l.seq}, Len: ${l.payloadLength}`,
    `    Sequence Number: ${l.seq}`,
    `    Acknowledgment Number: ${l.ack}`,
    `    Header Length: ${l.headerLength} bytes (${l.dataOffset})`,
    `    Flags: 0x${l.flags.toString(16).padStart(3, '0')} [${l.flagNames.join(', ')}]${l.reserved ? ` reserved=${l.reserved}` : ''}`,
    `    Window: ${l.window}`,
    `    Checksum: ${checksumText(l.checksum)}`,
    `    Urgent Pointer: ${l.urgent}`,
    ...(l.options.length ? [`    Options: ${l.options.map(optionText).join(', ')}`] : []),
    ...(l.payloadLength ? [`    Payload: ${shortHex(l.payload)}`] : []),
  ];
}

function udpLines(l: DecodedUdp): string[] {
  return [
    `User Datagram Protocol, Src Port: ${l.srcPort}, Dst Port: ${l.dstPort}`,
    `    Length: ${l.length}`,
    `    Checksum: ${checksumText(l.checksum)}`,
    ...(l.payloadLength ? [`    Payload: ${shortHex(l.payload)}`] : []),
  ];
}

function icmpLines(l: DecodedIcmp): string[] {
  const lines = [
    `${l.layer === 'icmp' ? 'Internet Control Message Protocol' : 'Internet Control Message Protocol v6'}`,
    `    Type: ${l.type} (${l.typeName})`,
    `    Code: ${l.code}${l.codeName ? ` (${l.codeName})` : ''}`,
    `    Checksum: ${checksumText(l.checksum)}`,
  ];
  if (l.id !== undefined) lines.push(`    Identifier: ${l.id}`, `    Sequence: ${l.seq}`);
  if (l.mtu !== undefined) lines.push(`    MTU: ${l.mtu}`);
  if (l.pointer !== undefined) lines.push(`    Pointer: ${l.pointer}`);
  if (l.data) lines.push(`    Data: ${shortHex(l.data)}`);
  if (l.quote) {
    const q = l.quote;
    const ports = q.srcPort !== undefined ? ` ${endpoint(q.src, q.srcPort)} → ${endpoint(q.dst, q.dstPort)}` : ` ${q.src} → ${q.dst}`;
    lines.push(`    Invoking packet (${l.quoteLength} bytes): IPv${q.family}${ports} protocol ${q.protocol}` +
      (q.tcpSeq !== undefined ? ` seq ${q.tcpSeq}` : '') + (q.echoId !== undefined ? ` echo id ${q.echoId} seq ${q.echoSeq}` : ''));
  } else if (l.quoteError) {
    lines.push(`    Invoking packet (${l.quoteLength} bytes): undecodable (${l.quoteError.message})`);
  }
  return lines;
}

function layerLines(l: DecodedLayer): string[] {
  switch (l.layer) {
    case 'ipv4':
      return ipv4Lines(l);
    case 'ipv6':
      return ipv6Lines(l);
    case 'tcp':
      return tcpLines(l);
    case 'udp':
      return udpLines(l);
    case 'icmp':
    case 'icmpv6':
      return icmpLines(l);
    case 'data':
      return [`Data (${l.protocolName}, ${l.length} bytes)`, ...(l.length ? [`    ${shortHex(l.data)}`] : [])];
  }
}

/** Multi-line human-readable text of a decoded packet. */
export function formatDecoded(d: DecodedPacket): string {
  const lines = [`Packet: ${d.length} bytes — ${d.summary}`];
  for (const l of d.layers) lines.push(...layerLines(l));
  for (const n of d.notes) lines.push(`Note: ${n}`);
  if (d.error) lines.push(`Error: ${d.error.code} at ${d.error.field} (offset ${d.error.offset}): ${d.error.message}`);
  return lines.join('\n');
}
