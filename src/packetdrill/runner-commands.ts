// Shell commands in scripts (`...`). The runner has no shell: it understands the commands that
// configure the kernel under test — sysctl writes (mapped onto TcpConfig where a field exists,
// accepted as no-ops where they only select kernel behaviour the packet checks will judge anyway),
// offload and qdisc settings, the test suites' defaults scripts — and skips any other command,
// since it may check something (nstat, ss, a python assertion) that would then go unchecked.

import type { TcpConfig } from '../tcp/config.js';
import type { RouteMetrics } from '../stack/types.js';
import { parseRouteCommand, type RouteChange } from './runner-route.js';
import { CUBIC_TUNABLE_NAMES } from '../tcp/cc/cubic-linux.js';

/**
 * `localCongestion`: a `tc qdisc` line left a queue that holds nothing (true) or one that passes
 * packets (false). `routes`: `ip route change` lines (runner-route.ts).
 */
export type CommandOutcome = { ok: true; config: Partial<TcpConfig>; routes: RouteChange[]; localCongestion?: boolean } | { ok: false; reason: string };
export type { RouteChange, RouteMetrics };

type Device = { localCongestion?: boolean; routes: RouteChange[] };

type Apply = (value: string) => Partial<TcpConfig> | undefined;

const int = (f: (n: number) => Partial<TcpConfig>): Apply => (v) => {
  const n = Number(v.trim().split(/\s+/)[0]);
  return Number.isFinite(n) ? f(n) : undefined;
};

/** `min default max` triples (tcp_rmem/tcp_wmem). */
const triple = (f: (def: number, max: number) => Partial<TcpConfig>): Apply => (v) => {
  const parts = v.trim().split(/\s+/).map(Number);
  const [, d, m] = parts;
  const ok = (x: number | undefined): x is number => x !== undefined && Number.isFinite(x) && x > 0;
  return parts.length === 3 && ok(d) && ok(m) ? f(d, m) : undefined;
};

const noop: Apply = () => ({});

/** Sysctls with a TcpConfig counterpart. */
const MAPPED: Record<string, Apply> = {
  'net.ipv4.tcp_syn_retries': int((n) => ({ synRetries: n })),
  'net.ipv4.tcp_synack_retries': int((n) => ({ synAckRetries: n })),
  'net.ipv4.tcp_retries2': int((n) => ({ dataRetries: n })),
  'net.ipv4.tcp_keepalive_time': int((n) => ({ keepAliveIdle: n * 1000 })),
  'net.ipv4.tcp_keepalive_intvl': int((n) => ({ keepAliveInterval: n * 1000 })),
  'net.ipv4.tcp_keepalive_probes': int((n) => ({ keepAliveCount: n })),
  'net.ipv4.tcp_fin_timeout': int((n) => ({ finWait2Timeout: n * 1000 })),
  'net.ipv4.tcp_rfc1337': int((n) => ({ rfc1337: n !== 0 })),
  'net.ipv4.tcp_challenge_ack_limit': int((n) => ({ challengeAckLimit: n })),
  'net.ipv4.tcp_reordering': int((n) => ({ dupAckThreshold: n })),
  'net.ipv4.tcp_max_syn_backlog': int((n) => ({ synBacklog: n })),
  'net.core.somaxconn': int((n) => ({ maxBacklog: n })),
  // receive: the maximum, which sets the window scale as Linux chooses it; send: the default
  'net.ipv4.tcp_rmem': triple((_d, max) => ({ recvBufferSize: max })),
  'net.ipv4.tcp_wmem': triple((d) => ({ sendBufferSize: d })),
  'net.ipv4.tcp_timestamps': int((n) => ({ timestamps: n !== 0 })),
  'net.ipv4.tcp_window_scaling': int((n) => ({ windowScaling: n !== 0 })),
  'net.inet.tcp.rfc1323': int((n) => ({ timestamps: n !== 0, windowScaling: n !== 0 })),
  'net.ipv4.tcp_sack': int((n) => ({ sack: n !== 0 })),
  // bit 0 of tcp_recovery selects RACK (RFC 8985); tcp_early_retrans 3 or 4 enables TLP
  'net.ipv4.tcp_recovery': int((n) => ({ lossDetection: (n & 1) !== 0 ? 'rack' : 'dupack' })),
  'net.ipv4.tcp_early_retrans': int((n) => ({ tlp: n >= 3 })),
  'net.ipv4.tcp_min_tso_segs': int((n) => ({ pushBurstMinSegments: n })),
  // RFC 4821 PLPMTUD: 0 off, 1 after a black hole is suspected, 2 always
  'net.ipv4.tcp_mtu_probing': int((n) => ({ mtuProbing: n === 0 ? 'off' : n === 1 ? 'blackhole' : 'on' })),
  'net.ipv4.tcp_base_mss': int((n) => ({ mtuProbeBaseMss: n })),
  'net.ipv4.tcp_slow_start_after_idle': int((n) => ({ slowStartAfterIdle: n !== 0 })),
  'net.inet.tcp.sack.enable': int((n) => ({ sack: n !== 0 })),
  // RFC 3168: 1 request and accept, 2 accept only, 0 off (both kernels use these values)
  'net.ipv4.tcp_ecn': int((n) => ({ ecn: n === 1 ? 'on' : n === 2 ? 'passive' : 'off' })),
  'net.inet.tcp.ecn.enable': int((n) => ({ ecn: n === 1 ? 'on' : n === 2 ? 'passive' : 'off' })),
  'net.inet.tcp.ecn.maxretries': int((n) => ({ ecnSynRetries: n })),
  'net.ipv4.tcp_ecn_fallback': int((n) => ({ ecnSynRetries: n !== 0 ? 0 : Infinity })),
  'net.inet.tcp.delacktime': int((n) => ({ delayedAckTimeout: n })),
  'net.inet.tcp.rexmit_min': int((n) => ({ rtoMin: n })),
  'net.inet.tcp.rexmit_initial': int((n) => ({ rtoInitial: n })),
  'net.inet.tcp.rexmit_slop': int((n) => ({ rtoSlop: n })),
  'net.inet.tcp.msl': int((n) => ({ msl: n })),
  'net.inet.tcp.keepidle': int((n) => ({ keepAliveIdle: n })),
  'net.inet.tcp.keepintvl': int((n) => ({ keepAliveInterval: n })),
  'net.inet.tcp.keepcnt': int((n) => ({ keepAliveCount: n })),
  'net.inet.tcp.finwait2_timeout': int((n) => ({ finWait2Timeout: n })),
  // RFC 5961 §3 / §4 protections off when set (RFC 793's in-window RST and SYN handling)
  'net.inet.tcp.insecure_rst': int((n) => ({ rfc5961Rst: n === 0 })),
  'net.inet.tcp.insecure_syn': int((n) => ({ rfc5961Syn: n === 0 })),
  // ICMP errors that may end a connection attempt (icmp-errors.ts): FreeBSD's set, or none
  'net.inet.tcp.icmp_may_rst': int((n) => ({ icmpHardErrors: n !== 0 ? 'bsd' : 'none' })),
  'net.inet.tcp.drop_synfin': int((n) => ({ dropSynFin: n !== 0 })),
  'net.inet.tcp.keepinit': int((n) => ({ connectTimeout: n })),
  'net.inet.tcp.rexmit_drop_options': int((n) => ({ synDropOptionsAfter: n !== 0 ? 3 : undefined })),
  'net.inet.tcp.initcwnd_segments': int((n) => ({ initialWindowSegments: n })),
  'net.inet.tcp.sendspace': int((n) => ({ sendBufferSize: n })),
  'net.inet.tcp.recvspace': int((n) => ({ recvBufferSize: n })),
  // sb_max: FreeBSD sizes its window scale from it and caps the buffers at it
  'kern.ipc.maxsockbuf': int((n) => ({ recvBufferMax: n, sendBufferMax: n, windowScaleFromMax: true })),
};

/**
 * Sysctls that choose kernel features or heuristics. Accepting them changes nothing here, and
 * cannot make a script pass wrongly: whatever behaviour they select is still checked packet by
 * packet against what layer4 does.
 */
const BEHAVIOUR_ONLY = [
 'net.ipv4.tcp_dsack', 'net.ipv4.tcp_fack', 'net.ipv4.tcp_frto',
  'net.ipv4.tcp_ecn_option', 'net.ipv4.tcp_ecn_option_beacon', 'net.ipv4.tcp_pacing_ss_ratio',
  'net.ipv4.tcp_pacing_ca_ratio', 'net.ipv4.tcp_notsent_lowat', 'net.ipv4.tcp_fastopen', 'net.ipv4.tcp_fastopen_key',
  'net.ipv4.tcp_syncookies', 'net.ipv4.tcp_tso_win_divisor',
  'net.ipv4.tcp_autocorking', 'net.ipv4.tcp_moderate_rcvbuf', 'net.ipv4.tcp_no_metrics_save',
  'net.ipv4.tcp_thin_linear_timeouts', 'net.ipv4.tcp_adv_win_scale', 'net.ipv4.tcp_app_win',
  'net.ipv4.tcp_tw_reuse', 'net.ipv4.tcp_abort_on_overflow', 'net.ipv4.tcp_limit_output_bytes', 'net.ipv4.tcp_min_rtt_wlen',
  'net.ipv4.tcp_comp_sack_nr', 'net.ipv4.tcp_comp_sack_delay_ns', 'net.ipv4.tcp_comp_sack_slack_ns', 'net.ipv4.tcp_congestion_control',
  'net.ipv4.tcp_workaround_signed_windows', 'net.ipv4.tcp_shrink_window', 'net.ipv4.tcp_plb_enabled', 'net.ipv4.tcp_invalid_ratelimit',
  'net.ipv4.tcp_mtu_probe_floor', 'net.ipv4.tcp_probe_interval', 'net.ipv4.tcp_probe_threshold', 'net.ipv4.tcp_orphan_retries',
  'net.ipv4.tcp_retries1', 'net.ipv4.tcp_max_reordering', 'net.ipv4.tcp_backlog_ack_defer', 'net.ipv4.tcp_tso_rtt_log',
  'net.ipv4.tcp_rto_min_us', 'net.ipv4.tcp_pingpong_thresh', 'net.ipv4.tcp_migrate_req', 'net.ipv4.tcp_syn_linear_timeouts',
  'net.ipv4.ip_no_pmtu_disc', 'net.ipv4.tcp_l3mdev_accept', 'net.core.default_qdisc', 'net.ipv4.tcp_allowed_congestion_control',
 'net.inet.tcp.cc.algorithm',
  'net.inet.tcp.rfc3042', 'net.inet.tcp.rfc3390', 'net.inet.tcp.path_mtu_discovery', 'net.inet.tcp.tso',
  'net.inet.tcp.syncookies', 'net.inet.tcp.fastopen.client_enable', 'net.inet.tcp.fastopen.server_enable',
  'net.inet.tcp.functions_default', 'net.inet.tcp.hostcache.purgenow', 'net.inet.tcp.nolocaltimewait',
  'net.inet.tcp.tolerate_missing_ts', 'net.inet.tcp.syncookies_only', 'net.inet.tcp.fastopen.ccache_buckets',
];

/**
 * Sysctls accepted at their default value only: other values make the kernel stay silent where
 * layer4 answers (blackhole: no RST to closed ports), and an unanswered segment is something a
 * script cannot see fail.
 */
const DEFAULT_ONLY: Record<string, string> = {
  'net.inet.tcp.blackhole': '0',
  'net.inet.udp.blackhole': '0',
};

const ALL: Record<string, Apply> = { ...MAPPED };
for (const k of BEHAVIOUR_ONLY) ALL[k] = noop;
for (const k of Object.keys(DEFAULT_ONLY)) ALL[k] = noop;

/** `/proc/sys/net/ipv4/tcp_sack` → `net.ipv4.tcp_sack`. */
function sysctlName(s: string): string {
  return s.startsWith('/proc/sys/') ? s.slice('/proc/sys/'.length).replace(/\//g, '.') : s.replace(/\//g, '.');
}

/** Splits a shell line into words: quotes group (and are removed), backslash escapes one character. */
function words(line: string): string[] {
  const out: string[] = [];
  let cur: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      else cur = (cur ?? '') + ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      cur ??= '';
    } else if (ch === '\\' && i + 1 < line.length) {
      cur = (cur ?? '') + line[++i];
    } else if (/\s/.test(ch)) {
      if (cur !== undefined) out.push(cur);
      cur = undefined;
    } else cur = (cur ?? '') + ch;
  }
  if (cur !== undefined) out.push(cur);
  return out;
}

/** Evaluates `$((a*b))` arithmetic with integers, as the defaults scripts use. */
function expand(s: string): string {
  return s.replace(/\$\(\(([0-9*+\- ]+)\)\)/g, (_m, expr: string) => {
    const terms = expr.replace(/\s+/g, '');
    if (!/^[0-9]+([*+-][0-9]+)*$/.test(terms)) return _m;
    let acc = 0;
    let op = '+';
    for (const tok of terms.match(/[0-9]+|[*+-]/g) ?? []) {
      if (tok === '*' || tok === '+' || tok === '-') {
        op = tok;
        continue;
      }
      const n = Number(tok);
      acc = op === '*' ? acc * n : op === '-' ? acc - n : acc + n;
    }
    return String(acc);
  });
}

function sysctlPairs(pairs: string[], cfg: Partial<TcpConfig>): string | undefined {
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq < 0) return `sysctl read ${p} is not supported`;
    const name = sysctlName(p.slice(0, eq));
    const apply = ALL[name];
    if (apply === undefined) return `sysctl ${name} is not supported`;
    const value = p.slice(eq + 1);
    const only = DEFAULT_ONLY[name];
    if (only !== undefined && value.trim() !== only) return `sysctl ${name}=${value} is not supported (only ${only})`;
    const r = apply(value);
    if (r === undefined) return `sysctl ${name}: cannot read value ${value}`;
    Object.assign(cfg, r);
  }
  return undefined;
}

/**
 * `echo VALUE > /sys/module/tcp_cubic/parameters/NAME`: Linux CUBIC's module parameters become
 * TcpConfig.cubicTunables (read by cubicVariant 'linux').
 */
function moduleParameter(args: string[], cfg: Partial<TcpConfig>): string | undefined {
  const m = args.length === 3 && args[1] === '>' ? /^\/sys\/module\/tcp_cubic\/parameters\/([a-z_]+)$/.exec(args[2]!) : null;
  const name = m?.[1];
  if (name === undefined || !(CUBIC_TUNABLE_NAMES as string[]).includes(name)) return `shell command 'echo ${args.join(' ')}' is not supported`;
  const n = Number(args[0]);
  if (!Number.isInteger(n) || n < 0) return `tcp_cubic parameter ${name}: cannot read value ${args[0]!}`;
  cfg.cubicTunables = { ...cfg.cubicTunables, [name]: n };
  return undefined;
}

/** One simple command; returns a reason when it is not understood. */
function one(line: string, cfg: Partial<TcpConfig>, dev: Device): string | undefined {
  const w = words(expand(line.replace(/\s*>\s*\/dev\/null(\s+2>&1)?\s*$/, '').replace(/\s*2>&1\s*$/, '')));
  const cmd = w[0];
  if (cmd === undefined) return undefined;
  const base = cmd.split('/').pop() ?? cmd;
  if (base === 'sysctl') {
    const args = w.slice(1).filter((a) => !a.startsWith('-'));
    return args.length === 0 ? 'sysctl without a setting' : sysctlPairs(args, cfg);
  }
  if (base === 'set_sysctls.py') return sysctlPairs(w.slice(1), cfg);
  // google's defaults.sh: the linux profile holds its settings, except the one that differs from a
  // kernel's default (tcp_slow_start_after_idle=0: no RFC 5681 §4.1 restart after idle).
  if (base === 'defaults.sh') return sysctlPairs(['net.ipv4.tcp_slow_start_after_idle=0'], cfg);
  if (/^sysctl_restore.*\.sh$/.test(base)) return undefined;
  if (base === 'ethtool' && w[1] === '-K') return undefined; // no segmentation offload here
  if (base === 'tc' && w[1] === 'qdisc') {
    // A queue that holds nothing drops every packet at the device: the layer's localCongestion.
    // fq paces each flow at its socket's pacing rate (TcpConfig.pacing); any other queueing
    // discipline lets packets leave at once.
    const limit = w.indexOf('limit');
    if (w[2] === 'add' || w[2] === 'replace' || w[2] === 'change') {
      dev.localCongestion = limit > 0 && w[limit + 1] === '0';
      const root = w.indexOf('root');
      if (root > 0) cfg.pacing = w[root + 1] === 'fq';
    } else if (w[2] === 'delete' || w[2] === 'del') {
      dev.localCongestion = false;
      cfg.pacing = false;
    }
    return undefined;
  }
  if (base === 'ip' && w[1] === 'tcp_metrics') return undefined; // no metrics cache
  if (base === 'ip') {
    const r = parseRouteCommand(w.slice(1));
    if (!r.ok) return r.reason;
    dev.routes.push(r.change);
    return undefined;
  }
  if (base === 'echo') return moduleParameter(w.slice(1), cfg);
  if (base === 'true' || base === ':') return undefined;
  return `shell command '${line.trim()}' is not supported`;
}

/**
 * Interprets a command block (one or more lines, `;` and `&&` separated). Comments and blank
 * lines are ignored. Returns the TcpConfig changes it implies, or why it cannot be run.
 */
export function interpretCommand(text: string): CommandOutcome {
  const cfg: Partial<TcpConfig> = {};
  const dev: Device = { routes: [] };
  for (const raw of text.replace(/\\\n/g, ' ').split(/\n|;|&&/)) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') continue;
    const why = one(line, cfg, dev);
    if (why !== undefined) return { ok: false, reason: why };
  }
  const routes = dev.routes;
  return dev.localCongestion === undefined ? { ok: true, config: cfg, routes } : { ok: true, config: cfg, routes, localCongestion: dev.localCongestion };
}
