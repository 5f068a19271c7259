// Benchmark: N OCIRepositories (default 100) following one artifact in a local registry (CNCF distribution),
// reconciled by `fluxts controller source-controller` as its own process on a local control plane: wall time from
// creating the objects to all Ready and the controller's peak RSS. Then pushing and pulling a 50 MiB artifact
// (incompressible content) with `fluxts` and with the real `flux` CLI in the same run, with the ratios.
// Run alone with `node bench/ocirepositories.ts [N]`; bench/run.ts calls runOCIRepositoryBench().
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { buildFluxCli } from '../test/cli-create/flux-cli.ts';
import { startRegistry } from '../test/support/oci-registry.ts';
import { openBenchEnvironment, peakRssMiB, waitAllReady } from './environment.ts';

const run = promisify(execFile);
const ociRepositoryType = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository' };
const FLUXTS = join(import.meta.dirname, '..', 'bin', 'fluxts.js');

export interface OCIRepositoryBenchResult {
  n: number;
  allReadyMs: number;
  peakRssMiB: number;
  push: { fluxtsMs: number; fluxMs: number };
  pull: { fluxtsMs: number; fluxMs: number };
}

async function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  await run(cmd, args, { env: { ...process.env, ...env }, maxBuffer: 1 << 24 });
  return performance.now() - started;
}

/** runOCIRepositoryBench measures n OCIRepositories to Ready, then 50 MiB push/pull against flux, and prints. */
export async function runOCIRepositoryBench(n = 100): Promise<OCIRepositoryBenchResult> {
  const [env, reg, flux] = await Promise.all([openBenchEnvironment(), startRegistry(), buildFluxCli()]);
  const work = mkdtempSync(join(tmpdir(), 'fluxts-bench-oci-'));
  const home = join(work, 'home');
  mkdirSync(home);
  const cliEnv = { HOME: home, DOCKER_CONFIG: join(home, '.docker'), NO_COLOR: '1' };
  try {
    const small = join(work, 'small');
    mkdirSync(small);
    for (let i = 0; i < 50; i++)
      writeFileSync(join(small, `app-${i}.yaml`), `kind: Deployment\nmetadata:\n  name: app-${i}\n`);
    const rev = ['--source', 'https://example.com/repo.git', '--revision', `main@sha1:${'a'.repeat(40)}`];
    await run(process.execPath, [FLUXTS, 'push', 'artifact', `${reg.url}/bench/app:v1`, '--path', small, ...rev], {
      env: { ...process.env, ...cliEnv },
    });

    const controller = env.startControllers(['source-controller']);
    await env.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench-oci' } });
    const started = Date.now();
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        env.client.create({
          ...ociRepositoryType,
          metadata: { name: `oci-${i}`, namespace: 'bench-oci' },
          spec: { url: `${reg.url}/bench/app`, interval: '1h', ref: { tag: 'v1' } },
        }),
      ),
    );
    const allReadyMs = await waitAllReady(env.client, ociRepositoryType, 'bench-oci', n, started);
    const rss = peakRssMiB(controller.pid);

    const big = join(work, 'big');
    mkdirSync(big);
    writeFileSync(join(big, 'blob.bin'), randomBytes(50 << 20));
    const push = {
      fluxtsMs: await timed(
        process.execPath,
        [FLUXTS, 'push', 'artifact', `${reg.url}/bench/big-fluxts:v1`, '--path', big, ...rev],
        cliEnv,
      ),
      fluxMs: await timed(flux, ['push', 'artifact', `${reg.url}/bench/big-flux:v1`, '--path', big, ...rev], cliEnv),
    };
    const outA = join(work, 'pull-fluxts');
    const outB = join(work, 'pull-flux');
    mkdirSync(outA);
    mkdirSync(outB);
    const pull = {
      fluxtsMs: await timed(
        process.execPath,
        [FLUXTS, 'pull', 'artifact', `${reg.url}/bench/big-flux:v1`, '--output', outA],
        cliEnv,
      ),
      fluxMs: await timed(flux, ['pull', 'artifact', `${reg.url}/bench/big-fluxts:v1`, '--output', outB], cliEnv),
    };
    const ratio = (a: number, b: number): string => `${(b / a).toFixed(2)}x`;
    console.log(
      `OCIRepositories: ${n} from one local registry Ready in ${(allReadyMs / 1000).toFixed(1)}s; source-controller peak RSS ${rss} MiB`,
    );
    console.log(
      `push artifact 50 MiB: fluxts ${(push.fluxtsMs / 1000).toFixed(2)}s, flux ${(push.fluxMs / 1000).toFixed(2)}s (fluxts ${ratio(push.fluxtsMs, push.fluxMs)} flux's speed)`,
    );
    console.log(
      `pull artifact 50 MiB: fluxts ${(pull.fluxtsMs / 1000).toFixed(2)}s, flux ${(pull.fluxMs / 1000).toFixed(2)}s (fluxts ${ratio(pull.fluxtsMs, pull.fluxMs)} flux's speed)`,
    );
    return { n, allReadyMs, peakRssMiB: rss, push, pull };
  } finally {
    await env.close();
    await reg.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.main) await runOCIRepositoryBench(Number(process.argv[2] ?? 100));
