// Builds the optional TUN addon (build/Release/layer4_tun.node) with node-gyp. Never fails the
// install: without a compiler, headers or Linux the package works and the TUN link reports why
// it is unavailable.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
function skip(why) {
  console.log(`layer4: TUN addon not built (${why}); everything else works, the TUN link reports TUN_UNAVAILABLE`);
  process.exit(0);
}
if (process.platform !== 'linux') skip(`TUN needs Linux, this is ${process.platform}`);
let gyp;
try {
  gyp = createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
} catch {
  const npmGyp = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (existsSync(npmGyp)) gyp = npmGyp;
}
if (gyp === undefined && process.env.npm_config_node_gyp) gyp = process.env.npm_config_node_gyp;
if (gyp === undefined) skip('node-gyp not found');
const args = [gyp, 'rebuild'];
// Local headers (a distribution's Node) avoid a header download, which needs a network.
const prefix = join(dirname(process.execPath), '..');
if (existsSync(join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
const r = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
if (r.status !== 0) {
  const tail = `${r.stderr ?? ''}`.trim().split('\n').filter((l) => /error/i.test(l)).slice(-2).join(' | ');
  skip(`node-gyp failed: ${tail || `exit ${r.status}`}`);
}
console.log('layer4: TUN addon built (build/Release/layer4_tun.node)');
