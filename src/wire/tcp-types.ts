// Plain-data representation of a TCP segment (RFC 9293 §3.1). Shared by wire/ (parse/emit),
// tcp/ (the state machine) and packetdrill/ (matching). Options stay an ordered list so that
// the exact layout of a SYN can be emitted and checked.

/** TCP header flag bits (RFC 9293 §3.1, RFC 3168 §6.1 for ECE/CWR). */
export const TcpFlag = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
  ECE: 0x40,
  CWR: 0x80,
  /** RFC 3540 NS / RFC 9768 AE: bit 8 of the 12-bit flags field. */
  AE: 0x100,
} as const;

export type TcpOption =
  | { kind: 'eol' }
  | { kind: 'nop' }
  | { kind: 'mss'; mss: number }
  | { kind: 'wscale'; shift: number }
  | { kind: 'sackPermitted' }
  | { kind: 'sack'; blocks: Array<[left: number, right: number]> }
  | { kind: 'timestamp'; val: number; ecr: number }
  | { kind: 'unknown'; code: number; data: Uint8Array };

export interface TcpRepr {
  srcPort: number;
  dstPort: number;
  /** unsigned 32-bit */
  seq: number;
  /** unsigned 32-bit; meaningful when flags & ACK */
  ack: number;
  /** bitmask of TcpFlag values (12 bits) */
  flags: number;
  /** raw 16-bit window field as on the wire (unscaled) */
  window: number;
  urgent: number;
  options: TcpOption[];
  payload: Uint8Array;
}
