// Syntax tree of a packetdrill script. The parser (parser.ts) produces it and never throws;
// the runner consumes it. Times are integer microseconds, exactly as written in the script
// (seconds with up to six decimals), so that no float rounding creeps into timing checks.

/** A 1-based position in the original script text. */
export interface Pos {
  line: number;
  column: number;
}

/** Stable error codes; tests and tools match on these, never on message text. */
export type ParseErrorCode =
  | 'PD_UNEXPECTED_TOKEN'
  | 'PD_UNEXPECTED_CHAR'
  | 'PD_UNTERMINATED_STRING'
  | 'PD_UNTERMINATED_COMMAND'
  | 'PD_UNTERMINATED_CODE'
  | 'PD_UNTERMINATED_COMMENT'
  | 'PD_BAD_NUMBER'
  | 'PD_OUT_OF_RANGE'
  | 'PD_BAD_FLAGS'
  | 'PD_SEQ_INCONSISTENT'
  | 'PD_NEGATIVE_TIME'
  | 'PD_TIME_RANGE_BACKWARDS'
  | 'PD_TIME_NOT_OUTBOUND'
  | 'PD_WINDOW_REQUIRED'
  | 'PD_ANY_OPTIONS_INBOUND'
  | 'PD_OPTIONS_PADDING'
  | 'PD_DUPLICATE_FIELD'
  | 'PD_OPTION_AFTER_EVENTS'
  | 'PD_NO_EVENTS'
  | 'PD_PREPROCESSOR';

export interface ParseError extends Pos {
  code: ParseErrorCode;
  message: string;
}

/** `--name=value` header line (or command-line style option). */
export interface ScriptOption extends Pos {
  name: string;
  /** undefined for a bare `--flag` */
  value?: string;
}

/**
 * When an event happens. `usecs` is the start; range forms carry `endUsecs`.
 *  - absolute `0.100`        relative `+0.100`        any `*` (outbound packets only)
 *  - absoluteRange `0.1~0.2`  relativeRange `+0.1~+0.2` (outbound packets only)
 */
export type TimeSpec =
  | { kind: 'absolute'; usecs: number }
  | { kind: 'relative'; usecs: number }
  | { kind: 'any' }
  | { kind: 'absoluteRange'; usecs: number; endUsecs: number }
  | { kind: 'relativeRange'; usecs: number; endUsecs: number };

export type Direction = 'inbound' | 'outbound';

export type EcnMark = 'noecn' | 'ect0' | 'ect1' | 'ce' | 'ect01';

/**
 * IP header expectations/overrides written as `(tos 0x20)`, `[ect0]`, `(ttl 4)`, `(hlim 4)`,
 * `(class 0xe0)`, `[flowlabel 0x12345]`, `(dscp 0x2e, ecn ce)`; `bracket` keeps the style.
 */
export interface IpInfo {
  bracket: '(' | '[';
  ecn?: EcnMark;
  /** whole TOS / traffic-class byte (`tos` or `class`) */
  tos?: number;
  /** which keyword set `tos`, for printing back */
  tosKeyword?: 'tos' | 'class';
  /** 6-bit DSCP (`dscp 0x2e` or a name such as `af11`) */
  dscp?: number;
  /** TTL (IPv4) or hop limit (IPv6) */
  ttl?: number;
  ttlKeyword?: 'ttl' | 'hlim';
  flowLabel?: number;
}

/** TCP option as written in `<...>`. Sequence numbers in SACK blocks are script-relative. */
export type TcpOptionSpec =
  | { kind: 'nop' }
  | { kind: 'eol' }
  | { kind: 'mss'; mss: number }
  | { kind: 'wscale'; shift: number }
  | { kind: 'sackOK' }
  | { kind: 'sack'; blocks: Array<[left: number, right: number]> }
  /** `TS val N ecr N`; val 'any' is written `TS val ... ecr N`; ecrAbsolute is `ecr N!` */
  | { kind: 'timestamp'; val: number | 'any'; ecr: number; ecrAbsolute?: boolean }
  /** `md5 <hex digest>` or `md5 valid` (signature must verify) */
  | { kind: 'md5'; digest: string | 'valid' }
  /** `FO [cookie]` (kind 34) or `FOEXP [cookie]` / `exp-FO` (kind 254, ExID 0xF989) */
  | { kind: 'fastOpen'; cookie: string; experimental: boolean }
  /** AccECN option forms; kept as written */
  | { kind: 'accEcn'; text: string }
  /** `gen-N [hex]` generic option of kind N, or `exp-XXXX [hex]` experimental with ExID */
  | { kind: 'generic'; code: number; exid?: number; data: string }
  /** `<0102...>` raw option bytes as hex */
  | { kind: 'raw'; hex: string };

/** `start:end(len)`, `start` alone, `start:end(len)!` (absolute), or `...(len)` (any seq). */
export type SeqSpec =
  | { kind: 'range'; start: number; end: number; len: number; absolute: boolean; bare?: boolean }
  | { kind: 'any'; len: number };

export interface TcpFlagsSpec {
  /** exactly as written, e.g. `S.`, `FP.`, `SEW`, `-` */
  text: string;
  /** TcpFlag bits (src/wire/tcp-types.ts) */
  bits: number;
  /** AccECN ACE counter (0-7) when written with a digit, e.g. `.5` */
  ace?: number;
}

export interface PacketCommon {
  direction: Direction;
  ip?: IpInfo;
  /** nplab form `.../udp(src > dst)`: TCP over UDP encapsulation */
  udpEncap?: { srcPort: number; dstPort: number };
}

export interface TcpPacketSpec extends PacketCommon {
  proto: 'tcp';
  srcPort?: number;
  dstPort?: number;
  flags: TcpFlagsSpec;
  seq: SeqSpec;
  ack?: number;
  /** undefined: not checked (outbound only) */
  win?: number;
  urg?: number;
  /** 'any' is `<...>` (outbound only); an empty list means "no options" */
  options: TcpOptionSpec[] | 'any';
}

export interface UdpPacketSpec extends PacketCommon {
  proto: 'udp';
  srcPort?: number;
  dstPort?: number;
  len: number;
}

/** What an ICMP error quotes: `[1:1461(1460)]`, `[udp (100)]`, `[raw (10)]`. */
export type IcmpEchoed =
  | { kind: 'tcp'; seq: SeqSpec; udpEncap?: { srcPort: number; dstPort: number } }
  | { kind: 'udp'; len: number }
  | { kind: 'raw'; len: number };

export interface IcmpPacketSpec extends PacketCommon {
  proto: 'icmp';
  /** type name as written: unreachable, packet_too_big, time_exceeded, ... */
  type: string;
  /** code name as written: frag_needed, port_unreachable, ... */
  code?: string;
  mtu?: number;
  id?: number;
  echoed?: IcmpEchoed;
}

export type PacketSpec = TcpPacketSpec | UdpPacketSpec | IcmpPacketSpec;

/** Syscall argument / result expression. */
export type Expr =
  | { kind: 'ellipsis' }
  | { kind: 'int'; value: number; text: string; hex: boolean }
  | { kind: 'float'; value: number; text: string }
  | { kind: 'word'; name: string }
  /** a string literal (adjacent literals concatenated); `"abc"...` sets prefix */
  | { kind: 'string'; value: string; prefix?: boolean }
  /** `[a, b]` */
  | { kind: 'list'; items: Expr[] }
  /** `{a, b}` and `{name=value, ...}` (sockaddr, linger, pollfd, msghdr, cmsg, epoll_event) */
  | { kind: 'struct'; items: Expr[] }
  /** `a | b` */
  | { kind: 'or'; operands: Expr[] }
  /** `name=value` or `msg_iov(1)=[...]` inside a struct */
  | { kind: 'assign'; target: Expr; value: Expr }
  /** `htons(8080)`, `inet_addr("1.2.3.4")`, `msg_name(...)` */
  | { kind: 'call'; name: string; args: Expr[] };

export interface SyscallSpec {
  name: string;
  args: Expr[];
  result: Expr;
  /** `-1 EAGAIN (Resource temporarily unavailable)` */
  errno?: { name: string; text?: string };
  /** `= 0x2 (flags O_RDWR)`: text after the result, without errno */
  note?: string;
  /**
   * `...0.010`: blocking call expected to return at this time (microseconds), measured in the
   * same frame as the event's start (from the previous event when the start is relative).
   */
  endUsecs?: number;
}

interface EventBase extends Pos {
  time: TimeSpec;
}

export type Event =
  | (EventBase & { kind: 'packet'; packet: PacketSpec })
  | (EventBase & { kind: 'syscall'; syscall: SyscallSpec })
  /** backtick shell command, raw text between the backticks */
  | (EventBase & { kind: 'command'; command: string })
  /** `%{ ... }%` python block, raw text */
  | (EventBase & { kind: 'code'; code: string })
  /** parsed as far as needed to skip it; the runner reports `skipped: reason` */
  | (EventBase & { kind: 'unsupported'; reason: string; text: string });

export interface Command extends Pos {
  command: string;
}

export interface Script {
  dialect: 'linux' | 'freebsd';
  options: ScriptOption[];
  /** defines in effect (caller's, dialect's and `--define=` lines) */
  defines: Record<string, string>;
  /** untimed backtick command before the first event */
  initCommand?: Command;
  events: Event[];
  /** untimed backtick command after the last event */
  cleanupCommand?: Command;
}

export interface ParseOptions {
  /** `-D NAME=value` style defines: `#ifdef NAME` and word substitution */
  defines?: Record<string, string>;
  /** 'freebsd' defines `FreeBSD` (as the FreeBSD build of packetdrill does) */
  dialect?: 'linux' | 'freebsd';
}

export type ParseResult = { ok: true; script: Script } | { ok: false; errors: ParseError[] };
