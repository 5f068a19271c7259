// `create secret git` for ssh:// URLs against the flux CLI: both scan the host key of a local sshd (OpenSSH, started
// here on a free port) and read the same client key file, so their output must match byte for byte. Generated keys
// are random, so for those the test checks the shape and that the public key belongs to the private key.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { parse } from 'yaml';

import { buildFluxCli } from './flux-cli.ts';
import { runFluxts } from './run-fluxts.ts';

const SSHD = '/usr/sbin/sshd';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const sock = createConnection(port, '127.0.0.1');
      sock.once('connect', () => {
        sock.destroy();
        resolve(true);
      });
      sock.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sshd did not listen on ${port}`);
}

function keygen(args: string[]): void {
  const res = spawnSync('ssh-keygen', ['-q', ...args], { encoding: 'utf8' });
  assert.equal(res.status, 0, res.stderr);
}

function runFlux(flux: string, args: string[]): { code: number; stdout: string; stderr: string } {
  const res = spawnSync(flux, args, { encoding: 'utf8' });
  return { code: res.status ?? 1, stdout: res.stdout, stderr: res.stderr };
}

describe('create secret git over SSH matches the flux CLI', { timeout: 50 * 60_000 }, () => {
  let flux = '';
  let dir = '';
  let sshd: ChildProcess | undefined;
  let url = '';

  before(
    async () => {
      // `npm test` installs sshd (scripts/system-deps.ts): without it this comparison fails, never skips.
      assert.ok(existsSync(SSHD), `${SSHD} is not installed: apt-get install -y openssh-server`);
      flux = await buildFluxCli();
      dir = await mkdtemp(join(tmpdir(), 'fluxts-ssh-'));
      await mkdir('/run/sshd', { recursive: true }).catch(() => undefined);
      keygen(['-t', 'ecdsa', '-b', '384', '-N', '', '-f', join(dir, 'host_ecdsa')]);
      keygen(['-t', 'ed25519', '-N', '', '-f', join(dir, 'host_ed25519')]);
      keygen(['-t', 'ed25519', '-N', '', '-C', 'test', '-f', join(dir, 'client_ed25519')]);
      keygen(['-t', 'rsa', '-b', '2048', '-N', 's3cret', '-f', join(dir, 'client_rsa')]);
      const port = await freePort();
      await writeFile(
        join(dir, 'sshd_config'),
        [
          `Port ${port}`,
          'ListenAddress 127.0.0.1',
          `HostKey ${join(dir, 'host_ecdsa')}`,
          `HostKey ${join(dir, 'host_ed25519')}`,
          `PidFile ${join(dir, 'sshd.pid')}`,
          'UsePAM no',
          'StrictModes no',
          '',
        ].join('\n'),
      );
      sshd = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: 'ignore' });
      await waitForPort(port);
      url = `--url=ssh://git@127.0.0.1:${port}/org/repo`;
    },
    { timeout: 45 * 60_000 },
  );
  after(async () => {
    sshd?.kill();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const cases: [string, (d: string) => string[]][] = [
    ['a key file', (d) => [`--private-key-file=${join(d, 'client_ed25519')}`]],
    [
      'an encrypted key file and its password',
      (d) => [`--private-key-file=${join(d, 'client_rsa')}`, '--password=s3cret'],
    ],
  ];
  for (const [what, extra] of cases) {
    it(`prints the same Secret for ${what}`, async () => {
      const args = ['create', 'secret', 'git', 'deploy', url, ...extra(dir), '--export'];
      const want = runFlux(flux, args);
      assert.equal(want.code, 0, want.stderr);
      const got = await runFluxts(args);
      assert.equal(got.code, 0, got.stderr);
      assert.equal(got.stdout, want.stdout);
    });
  }

  it('rejects a wrong key password, like flux', async () => {
    const args = [
      'create',
      'secret',
      'git',
      'deploy',
      url,
      `--private-key-file=${join(dir, 'client_rsa')}`,
      '--password=no',
      '--export',
    ];
    assert.notEqual(runFlux(flux, args).code, 0);
    const got = await runFluxts(args);
    assert.notEqual(got.code, 0);
    assert.equal(got.stdout, '');
    assert.doesNotMatch(got.stderr, /no\b.*password|s3cret/);
  });

  for (const alg of [
    ['ecdsa'],
    ['ecdsa', '--ssh-ecdsa-curve=p256', '-u', 'git', '-p', 'pw'],
    ['rsa', '--ssh-rsa-bits=3072'],
    ['ed25519'],
  ]) {
    it(`generates a ${alg.join(' ')} key pair with the host key flux scans`, async () => {
      const [name = '', ...rest] = alg;
      const args = ['create', 'secret', 'git', 'deploy', url, `--ssh-key-algorithm=${name}`, ...rest, '--export'];
      const want = runFlux(flux, args);
      assert.equal(want.code, 0, want.stderr);
      const got = await runFluxts(args);
      assert.equal(got.code, 0, got.stderr);
      type Secret = { stringData: Record<string, string>; metadata: unknown };
      const w = parse(want.stdout) as Secret;
      const g = parse(got.stdout) as Secret;
      assert.deepEqual(Object.keys(g.stringData), Object.keys(w.stringData));
      assert.equal(g.stringData['known_hosts'], w.stringData['known_hosts']);
      assert.equal(g.stringData['identity.pub']?.split(' ')[0], w.stringData['identity.pub']?.split(' ')[0]);
      assert.match(g.stringData['identity'] ?? '', /^-----BEGIN PRIVATE KEY-----\n/);
      if (name !== 'ed25519') {
        // ssh-keygen derives the public key from the private one; ed25519 in PKCS#8 is Go-only (so is flux's).
        const keyFile = join(dir, `gen_${name}`);
        await writeFile(keyFile, g.stringData['identity'] ?? '', { mode: 0o600 });
        const derived = spawnSync('ssh-keygen', ['-y', '-f', keyFile], { encoding: 'utf8' });
        assert.equal(derived.stdout.trim().split(' ').slice(0, 2).join(' ') + '\n', g.stringData['identity.pub']);
      }
    });
  }
});
