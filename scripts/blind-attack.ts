// node dist/scripts/blind-attack.js [--attempts N] [--seed S]: RFC 5961 / RFC 5927 blind attacks
// against established connections during bulk transfers; prints the report as JSON.
import { runBlindAttack } from '../src/chaos/blind-attack.js';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(name);
  return i < 0 ? def : Number(process.argv[i + 1]);
}

const t0 = performance.now();
const rep = runBlindAttack({ attempts: arg('--attempts', 1_000_000), seed: arg('--seed', 1) });
const { failures, ...rest } = rep;
console.log(JSON.stringify({ ...rest, failures: failures.length, wallSeconds: Math.round((performance.now() - t0) / 1000) }, null, 1));
for (const f of failures.slice(0, 20)) console.log(`FAIL ${f}`);
const ok = rep.connectionsReset === 0 && rep.corruptedStreams === 0 && rep.maxChallengeAcksPerSecond <= rep.challengeAckLimit && rep.challengeAcksMissingOnWire === 0;
process.exit(ok ? 0 : 1);
