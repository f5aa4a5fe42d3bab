// Before running a script: the options it sets and anything in it the runner cannot execute.
// Such a script is reported "skipped: <reason>" up front rather than run part-way, so a check the
// runner cannot make never turns into a pass.

import type { TcpConfig } from '../tcp/config.js';
import type { Script } from './ast.js';
import { interpretCommand, type RouteChange } from './runner-commands.js';
import type { IpVersion } from './runner-host.js';
import { isSupportedSyscall } from './syscalls.js';
import { isLiveCommand } from './runner-sockstat.js';
import { namesRead, parsePyBlock } from './pyassert.js';
import { classifyName } from './tcpi.js';

export interface ScriptSettings {
  ipVersion: IpVersion | undefined;
  mtu: number | undefined;
  bindPort: number | undefined;
  connectPort: number | undefined;
  /** From the untimed init command (sysctls). */
  config: Partial<TcpConfig>;
  /** From the untimed init command: `ip route change … mtu/advmss/initcwnd`. */
  routes: RouteChange[];
}

/** Options read elsewhere (timing, segments, TS checks) or accepted without effect (packetdrill's own settings). */
const IGNORED_OPTIONS = new Set([
  'tolerance_usecs', 'tolerance_percent', 'verbose', 'v', 'speed', 'mss', 'tcp_ts_tick_usecs', 'tcp_ts_ecr_scaled',
  'local_ip', 'remote_ip', 'gateway_ip', 'netmask_ip', 'dry_run', 'define', 'D', 'strict_segments', 'send_omit_free',
  // layer4's own: also compare the TS ecr of outbound segments (packetdrill never does)
  'check_ts_ecr',
]);

export type ScanResult = { ok: true; settings: ScriptSettings } | { ok: false; reason: string; line?: number };

function num(v: string | undefined): number | undefined {
  const n = Number(v);
  return v !== undefined && Number.isInteger(n) && n > 0 ? n : undefined;
}

export function scanScript(script: Script): ScanResult {
  const settings: ScriptSettings = { ipVersion: undefined, mtu: undefined, bindPort: undefined, connectPort: undefined, config: {}, routes: [] };
  for (const o of script.options) {
    switch (o.name) {
      case 'ip_version':
        if (o.value !== 'ipv4' && o.value !== 'ipv6' && o.value !== 'ipv4-mapped-ipv6') return { ok: false, reason: `--ip_version=${o.value ?? ''}`, line: o.line };
        settings.ipVersion = o.value;
        break;
      case 'mtu':
        settings.mtu = num(o.value);
        break;
      case 'bind_port':
        settings.bindPort = num(o.value);
        break;
      case 'connect_port':
        settings.connectPort = num(o.value);
        break;
      default:
        if (!IGNORED_OPTIONS.has(o.name)) return { ok: false, reason: `option --${o.name} is not supported`, line: o.line };
    }
  }
  if (script.initCommand !== undefined) {
    const r = interpretCommand(script.initCommand.command);
    if (!r.ok) return { ok: false, reason: r.reason, line: script.initCommand.line };
    Object.assign(settings.config, r.config);
    settings.routes.push(...r.routes);
  }
  if (script.cleanupCommand !== undefined) {
    const r = interpretCommand(script.cleanupCommand.command);
    if (!r.ok) return { ok: false, reason: r.reason, line: script.cleanupCommand.line };
  }
  const pyVars = new Set<string>();
  for (const ev of script.events) {
    const at = (reason: string): ScanResult => ({ ok: false, reason, line: ev.line });
    switch (ev.kind) {
      case 'code': {
        const why = checkPyBlock(ev.code, pyVars);
        if (why !== undefined) return at(why);
        break;
      }
      case 'unsupported':
        return at(ev.reason);
      case 'command': {
        if (isLiveCommand(ev.command)) break; // sockstat / tcpdrop: answered by the runner
        const r = interpretCommand(ev.command);
        if (!r.ok) return at(r.reason);
        break;
      }
      case 'syscall':
        if (!isSupportedSyscall(ev.syscall.name)) return at(`syscall ${ev.syscall.name}() is not supported`);
        break;
      case 'packet': {
        const p = ev.packet;
        if (p.udpEncap !== undefined) return at('TCP over UDP encapsulation is not supported');
        if (p.proto === 'udp') return at('UDP packets are not supported');
        if (p.proto === 'icmp' && p.direction === 'outbound') return at('outbound ICMP packets are not supported');
        const ip = p.ip;
        if (ip !== undefined && p.direction === 'outbound' && (ip.tos !== undefined || ip.dscp !== undefined || ip.ttl !== undefined || ip.flowLabel !== undefined)) {
          return at('checks of outbound IP header fields (tos, ttl, flow label) are not supported');
        }
        break;
      }
    }
  }
  return { ok: true, settings };
}

/**
 * Why a `%{ }%` block cannot be judged here, or undefined: outside the expression language
 * ("python: …"), a tcp_info field without a counterpart, or a name never assigned. `vars` collects
 * the block's assignments for the blocks after it.
 */
function checkPyBlock(code: string, vars: Set<string>): string | undefined {
  const p = parsePyBlock(code);
  if (!p.ok) return `python: ${p.reason}`;
  for (const { name, assignedBefore } of namesRead(p.stmts)) {
    const c = classifyName(name);
    if (c === 'unknown-field') return `tcp_info field ${name}`;
    if (c === 'unknown' && !vars.has(name) && !assignedBefore.has(name)) return `python: name ${name}`;
  }
  for (const s of p.stmts) if (s.k === 'assign') vars.add(s.name);
  return undefined;
}
