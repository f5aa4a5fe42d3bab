// chaos/: randomized whole-network runs and fuzzing helpers that prove the TCP core under hostile
// conditions (issue 11): seeded scenarios, invariant checks, pcap of failing runs.
export { runSeed, classifyFailure, KNOWN_FAILURES, END_BOUND_MS, type SeedResult } from './run-seed.js';
export { makeScenario, type Scenario, type FlowSpec, type FlowKind, type ScenarioLimits } from './scenario.js';
export { ChaosWorld, pathKey, type PathSpec, type HostSpec } from './world.js';
export { connectionViolations, layerViolations } from './invariants.js';
export { ChaosRandom } from './random.js';
export { runNetSeed, type NetSeedResult } from './net-run.js';
