// `npm test`: every test (unit, differential, integration) under Node's test runner, against one local control
// plane started here for the whole run and stopped at the end, also on Ctrl-C. Arguments narrow the file globs.
//
// Test files that run controllers (which, like Flux's, watch every namespace) would reconcile each other's
// objects if they ran side by side on the shared control plane, so they run one at a time after the others.
//
// Every run ends with one line saying where the time went (builds, control plane, phases, each suite).
import { spawn } from 'node:child_process';
import { globSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startDevCluster, stopDevCluster } from '../src/devcluster/cluster.ts';
import { stderrProgress } from '../src/devcluster/go-build.ts';
import { ensureSystemDeps } from './system-deps.ts';
import { readTimings, recordPhase, summarize } from './timing.ts';

/** CONTROLLER_SUITES are the test folders whose files start controllers on the shared control plane. */
const CONTROLLER_SUITES = [
  'test/runtime',
  'test/source',
  'test/kustomize-controller',
  'test/sops-kustomization',
  'test/cli',
  'test/cli-build-diff',
  'test/dev',
  'test/notification',
  'test/ocirepository',
  'test/bucket',
  'test/sourcewatcher',
  'test/image',
  'test/image-reflector',
  'test/image-automation',
  'test/helm-source',
  'test/helm-controller',
  'test/ui',
  'test/chaos',
];

ensureSystemDeps();
const narrowed = process.argv.slice(2);
const stateDir = await mkdtemp(join(tmpdir(), 'fluxts-test-run-'));
// Builds (this process's and the test files') and phases append here; test files' times go to one file per phase.
const timingFile = join(stateDir, 'timing.jsonl');
process.env['FLUXTS_TIMING_FILE'] = timingFile;
const started = Date.now();
// `npm run test:image` runs the pods of the controller image for real (src/devcluster/pods/).
const runPods = process.env['FLUXTS_TEST_IMAGE'] === '1';
const cluster = await startDevCluster({ stateDir, ownerPid: process.pid, runPods, progress: stderrProgress });
recordPhase(timingFile, 'control plane', Date.now() - started);
stderrProgress(`control plane ready in ${((Date.now() - started) / 1000).toFixed(1)}s at ${cluster.server}`);
const reporter = join(import.meta.dirname, 'timing-reporter.ts');
let phaseCount = 0;

let stopping: Promise<void> | undefined;
const stop = (): Promise<void> => (stopping ??= stopDevCluster(stateDir).then(() => undefined));
let current: ReturnType<typeof spawn> | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    current?.kill(signal);
    void stop().then(() => process.exit(130));
  });
}

function run(phase: string, patterns: string[], concurrency: number): Promise<number> {
  const files = join(stateDir, `files-${phaseCount++}.jsonl`);
  const phaseStarted = Date.now();
  const child = spawn(
    process.execPath,
    [
      '--test',
      `--test-concurrency=${concurrency}`,
      '--test-timeout=600000',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      `--test-reporter=${reporter}`,
      `--test-reporter-destination=${files}`,
      ...patterns,
    ],
    { stdio: 'inherit', env: { ...process.env, FLUXTS_TEST_KUBECONFIG: cluster.kubeconfig } },
  );
  current = child;
  timingFiles.push(files);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      recordPhase(timingFile, phase, Date.now() - phaseStarted);
      resolve(code ?? 1);
    }),
  );
}
const timingFiles = [timingFile];

let code: number;
if (narrowed.length > 0) {
  code = await run('tests', narrowed, 1);
} else {
  const files = [...globSync('src/**/*.test.ts'), ...globSync('test/**/*.test.ts')].sort();
  const runsControllers = (file: string): boolean => CONTROLLER_SUITES.some((dir) => file.startsWith(`${dir}/`));
  const parallel = await run(
    'parallel',
    files.filter((f) => !runsControllers(f)),
    2,
  );
  const serial = await run('controllers (serial)', files.filter(runsControllers), 1);
  code = parallel !== 0 ? parallel : serial;
}
await stop();
process.stderr.write(`${summarize(readTimings(...timingFiles), Date.now() - started)}\n`);
process.exitCode = code;
