// Golden test of `fluxts create … --export` against the real flux CLI (built from its module source, see
// flux-cli.ts): every case runs through both with the same arguments; stdout must match byte for byte, and invalid
// input must fail in both, with nothing on fluxts's stdout and one line on its stderr.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { CASES } from './cases.ts';
import { buildFluxCli } from './flux-cli.ts';
import { runFluxts } from './run-fluxts.ts';
import type { RunResult } from './run-fluxts.ts';

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

const FLUXTS = join(import.meta.dirname, 'fluxts-create.ts');
const GIT_SOURCE = ['create', 'source', 'git', 'app', '--url=https://example.com/app', '--branch=main', '--export'];
// A kubeconfig that points nowhere: `--export` must not need a cluster, and nothing may be contacted.
const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: none
  cluster: {server: "https://127.0.0.1:1"}
contexts:
- name: none
  context: {cluster: none, user: none}
current-context: none
users:
- name: none
  user: {token: none}
`;

// The timeout covers a cold build of the flux CLI (about ten minutes on two busy cores).
describe('create --export matches the flux CLI', { concurrency: 2, timeout: 50 * 60_000 }, () => {
  let flux = '';
  let dir = '';
  let env: NodeJS.ProcessEnv = {};

  before(
    async () => {
      flux = await buildFluxCli();
      delete process.env['FLUX_SYSTEM_NAMESPACE']; // fluxts runs in this process; both must use the default
      dir = await mkdtemp(join(tmpdir(), 'fluxts-create-golden-'));
      const kubeconfig = join(dir, 'kubeconfig');
      await writeFile(kubeconfig, KUBECONFIG);
      env = { ...process.env, KUBECONFIG: kubeconfig, HOME: dir, FLUX_SYSTEM_NAMESPACE: '', NO_COLOR: '1' };
    },
    { timeout: 45 * 60_000 },
  );
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('runs as a program: same bytes on stdout, and a non-zero exit code on bad input', async () => {
    const [want, got] = await Promise.all([
      run(flux, GIT_SOURCE, env),
      run(process.execPath, [FLUXTS, ...GIT_SOURCE], env),
    ]);
    assert.equal(got.code, 0, got.stderr);
    assert.equal(got.stdout, want.stdout);
    const bad = await run(process.execPath, [FLUXTS, ...GIT_SOURCE, '--interval=1d'], env);
    assert.notEqual(bad.code, 0);
    assert.equal(bad.stdout, '');
    assert.match(bad.stderr, /unknown unit "d"/);
  });

  for (const c of CASES) {
    it(`${c.expect}: ${c.args.join(' ')}`, async () => {
      const [want, got] = await Promise.all([run(flux, c.args, env), runFluxts(c.args)]);
      assert.equal(
        want.code === 0,
        c.expect === 'ok',
        `the flux CLI itself ${want.code === 0 ? 'accepted' : 'rejected'} this case:\n${want.stderr}`,
      );
      if (want.code === 0) {
        assert.equal(got.code, 0, `fluxts failed where flux succeeded:\n${got.stderr}`);
        assert.equal(got.stdout, want.stdout);
      } else {
        assert.notEqual(got.code, 0, `fluxts succeeded where flux failed (${want.stderr.trim()}):\n${got.stdout}`);
        assert.equal(got.stdout, '', 'nothing may be printed on stdout when the input is rejected');
        const lines = got.stderr.trim().split('\n');
        assert.equal(lines.length, 1, `one error line expected, got:\n${got.stderr}`);
        if (c.expect === 'fail-same') assert.equal(got.stderr, want.stderr, "the message must be flux's");
      }
    });
  }
});
