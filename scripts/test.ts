// `npm test`: every test (unit, differential, integration) under Node's test runner, against one local control
// plane started here for the whole run and stopped at the end, also on Ctrl-C. Arguments narrow the file globs.
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startDevCluster, stopDevCluster } from '../src/devcluster/cluster.ts';
import { stderrProgress } from '../src/devcluster/go-build.ts';
import { ensureSystemDeps } from './system-deps.ts';

ensureSystemDeps();
const patterns = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['src/**/*.test.ts', 'test/**/*.test.ts'];
const stateDir = await mkdtemp(join(tmpdir(), 'fluxts-test-run-'));
const started = Date.now();
const cluster = await startDevCluster({ stateDir, ownerPid: process.pid, progress: stderrProgress });
stderrProgress(`control plane ready in ${((Date.now() - started) / 1000).toFixed(1)}s at ${cluster.server}`);

let stopping: Promise<void> | undefined;
const stop = (): Promise<void> => (stopping ??= stopDevCluster(stateDir).then(() => undefined));

const child = spawn(
  process.execPath,
  ['--test', '--test-concurrency=2', '--test-timeout=600000', '--test-reporter=spec', ...patterns],
  { stdio: 'inherit', env: { ...process.env, FLUXTS_TEST_KUBECONFIG: cluster.kubeconfig } },
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    child.kill(signal);
    void stop().then(() => process.exit(130));
  });
}
const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
await stop();
process.exitCode = code;
