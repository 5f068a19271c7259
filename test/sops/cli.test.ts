// `fluxts sops encrypt|decrypt` end to end (the command run standalone), checked against the sops CLI.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { setup, sopsBinary, sopsOk, writeTemp, type Fixture } from './support.ts';

const sops = await sopsBinary();
const ENTRY = join(import.meta.dirname, '../../src/cli/commands/sops.ts');
const DOC = 'apiVersion: v1\nkind: Secret\nstringData:\n    password: CLI-SECRET-VALUE\n    port: 5432\n';

function fluxts(args: string[], env: NodeJS.ProcessEnv = {}): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [ENTRY, ...args], {
    env: { PATH: process.env['PATH'], HOME: '/nonexistent', ...env },
    encoding: 'utf8',
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('fluxts sops CLI', () => {
  let fx: Fixture;
  before(async () => {
    fx = await setup(sops, true);
  });
  after(() => fx.cleanup());

  test('encrypt for age with --encrypted-regex; sops decrypts it', () => {
    const plain = writeTemp(fx, '.yaml', DOC);
    const r = fluxts(['encrypt', '--age', fx.age.recipient, '--encrypted-regex', '^stringData$', plain]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^kind: Secret$/m);
    assert.doesNotMatch(r.stdout, /CLI-SECRET-VALUE/);
    const out = sopsOk(fx, ['decrypt', writeTemp(fx, '.yaml', r.stdout)], { age: [fx.age] });
    assert.equal(out.toString(), DOC);
  });

  test('encrypt in place', () => {
    const plain = writeTemp(fx, '.yaml', DOC);
    const r = fluxts(['encrypt', '--age', fx.age.recipient, '-i', plain]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(sopsOk(fx, ['decrypt', plain], { age: [fx.age] }).toString(), DOC);
  });

  test('decrypt with SOPS_AGE_KEY_FILE and SOPS_AGE_KEY, byte for byte as sops', () => {
    const enc = sopsOk(fx, ['encrypt', '--age', fx.age.recipient, writeTemp(fx, '.yaml', DOC)]);
    const encPath = writeTemp(fx, '.yaml', enc);
    const expected = sopsOk(fx, ['decrypt', encPath], { age: [fx.age] }).toString();
    const keyFile = writeTemp(
      fx,
      '.txt',
      `# created: 2024-01-01\n# public key: ${fx.age.recipient}\n${fx.age.identity}\n`,
    );
    assert.equal(fluxts(['decrypt', encPath], { SOPS_AGE_KEY_FILE: keyFile }).stdout, expected);
    assert.equal(fluxts(['decrypt', encPath], { SOPS_AGE_KEY: fx.age.identity }).stdout, expected);
    assert.equal(fluxts(['decrypt', encPath], { XDG_CONFIG_HOME: join(fx.dir, 'none') }).status, 1);
  });

  test('PGP: encrypt with --pgp (key file), decrypt with --pgp-key', () => {
    const pub = writeTemp(fx, '.asc', fx.pgpPublic);
    const r = fluxts(['encrypt', '--pgp', pub, writeTemp(fx, '.env', 'A=1\nB=two\n')]);
    assert.equal(r.status, 0, r.stderr);
    const encPath = writeTemp(fx, '.env', r.stdout);
    assert.equal(sopsOk(fx, ['decrypt', encPath], { pgp: true }).toString(), 'A=1\nB=two\n');
    const priv = writeTemp(fx, '.asc', fx.pgpPrivate);
    assert.equal(fluxts(['decrypt', '--pgp-key', priv, encPath]).stdout, 'A=1\nB=two\n');
    // A fingerprint is looked up in the gpg keyring, as sops does.
    const byFp = fluxts(['encrypt', '--pgp', fx.pgpFp, writeTemp(fx, '.env', 'C=3\n')], { GNUPGHOME: fx.gnupgHome });
    assert.equal(byFp.status, 0, byFp.stderr);
    assert.equal(sopsOk(fx, ['decrypt', writeTemp(fx, '.env', byFp.stdout)], { pgp: true }).toString(), 'C=3\n');
  });

  test('errors go to stderr with a non-zero exit and no secret', () => {
    const enc = sopsOk(fx, ['encrypt', '--age', fx.age.recipient, writeTemp(fx, '.yaml', DOC)]);
    const encPath = writeTemp(fx, '.yaml', enc);
    const wrong = fluxts(['decrypt', encPath], { SOPS_AGE_KEY: fx.age2.identity });
    assert.equal(wrong.status, 1);
    assert.equal(wrong.stdout, '');
    assert.match(wrong.stderr, /^✗ .*cannot be decrypted/);
    assert.ok(!wrong.stderr.includes('CLI-SECRET-VALUE') && !wrong.stderr.includes(fx.age2.identity));
    const tampered = writeTemp(
      fx,
      '.yaml',
      readFileSync(encPath, 'utf8').replace('kind: ENC[AES256_GCM,data:', 'kind: ENC[AES256_GCM,data:AAAA'),
    );
    const t = fluxts(['decrypt', tampered], { SOPS_AGE_KEY: fx.age.identity });
    assert.equal(t.status, 1);
    assert.equal(t.stdout, '');
    assert.ok(!t.stderr.includes('CLI-SECRET-VALUE'));
    const none = fluxts(['encrypt', writeTemp(fx, '.yaml', DOC)]);
    assert.equal(none.status, 1);
    assert.match(none.stderr, /no recipients/);
  });

  test('--help shows examples', () => {
    for (const cmd of ['encrypt', 'decrypt']) {
      const r = fluxts([cmd, '--help']);
      assert.equal(r.status, 0);
      assert.match(r.stdout, /Examples:\n {2}.*fluxts sops/);
    }
  });
});
