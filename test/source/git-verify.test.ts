// PGP verification of commits and tags: signatures made with openpgp in the test, checked by our verifier and,
// as the reference, by `git verify-commit` / `git verify-tag` with Debian's GnuPG.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import {
  cloneRepository,
  GitVerificationError,
  parseCommitObject,
  verifySignature,
  type CloneResult,
} from '../../src/fetchers/git/index.ts';
import type { Signer } from '../support/git-repo.ts';
import { startGitServer, type GitServer } from '../support/git-server.ts';

interface Key {
  publicKey: string;
  keyId: string;
  sign: Signer;
}

async function makeKey(name: string): Promise<Key> {
  const { privateKey, publicKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name, email: `${name}@example.com` }],
    format: 'armored',
  });
  const priv = await openpgp.readPrivateKey({ armoredKey: privateKey });
  const sign: Signer = async (payload) => {
    const message = await openpgp.createMessage({ binary: new TextEncoder().encode(payload) });
    // openpgp's stream-generic return type does not resolve under typescript-eslint (tsc resolves it to string).
    // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment
    const signature: string = await openpgp.sign({ message, signingKeys: priv, detached: true, format: 'armored' });
    return signature;
  };
  return { publicKey, keyId: priv.getKeyID().toHex().toUpperCase(), sign };
}

let server: GitServer;
let work: string;
let alice: Key;
let bob: Key;
const c: Record<string, string> = {};

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'fluxts-verify-test-'));
  server = await startGitServer();
  [alice, bob] = await Promise.all([makeKey('alice'), makeKey('bob')]);
  const repo = server.createRepo('signed');
  c['alice'] = await repo.commit({ branch: 'alice', files: { a: 'a' }, message: 'signed by alice', sign: alice.sign });
  await repo.tag('v1.0.0', c['alice'], { message: 'release', sign: alice.sign });
  await repo.tag('v1.0.1', c['alice'], { message: 'unsigned release' });
  c['bob'] = await repo.commit({ branch: 'bob', files: { b: 'b' }, message: 'signed by bob', sign: bob.sign });
  c['none'] = await repo.commit({ branch: 'none', files: { n: 'n' }, message: 'unsigned' });
});

after(async () => {
  await server?.close();
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

let n = 0;
async function clone(ref: { branch?: string; tag?: string }): Promise<CloneResult & { dir: string }> {
  const dir = join(work, `v${n++}`);
  return { ...(await cloneRepository({ url: server.repoUrl('signed'), dir, ref })), dir };
}

/** gitVerify runs `git verify-commit|verify-tag` with only the given public key imported into a fresh GnuPG home. */
async function gitVerify(dir: string, what: 'commit' | 'tag', rev: string, publicKey: string): Promise<boolean> {
  const home = await mkdtemp(join(tmpdir(), 'fluxts-gnupg-'));
  try {
    const env = { ...process.env, GNUPGHOME: home };
    const imp = spawnSync('gpg', ['--batch', '--import'], { input: publicKey, env });
    assert.equal(imp.status, 0, imp.stderr.toString());
    const r = spawnSync('git', [`verify-${what}`, rev], { cwd: dir, env });
    return r.status === 0;
  } finally {
    spawnSync('gpgconf', ['--kill', 'all'], { env: { ...process.env, GNUPGHOME: home } });
    await rm(home, { recursive: true, force: true });
  }
}

const gpgMissing = spawnSync('gpg', ['--version']).status === 0 ? undefined : 'gpg not installed';

void test('a commit signed by a trusted key verifies, and git + GnuPG agree', async () => {
  const r = await clone({ branch: 'alice' });
  assert.ok(r.kind === 'cloned');
  assert.deepEqual(await verifySignature(r.commitObject, [alice.publicKey]), { keyId: alice.keyId });
  assert.deepEqual(await verifySignature(r.commitObject, [bob.publicKey, alice.publicKey]), { keyId: alice.keyId });
  if (gpgMissing === undefined) {
    assert.equal(await gitVerify(r.dir, 'commit', 'HEAD', alice.publicKey), true);
    assert.equal(await gitVerify(r.dir, 'commit', 'HEAD', bob.publicKey), false);
  }
});

void test('a commit signed by an unknown key, an unsigned commit and a tampered payload fail', async () => {
  const r = await clone({ branch: 'bob' });
  assert.ok(r.kind === 'cloned');
  const e = await verifySignature(r.commitObject, [alice.publicKey]).catch((x: unknown) => x);
  assert.ok(e instanceof GitVerificationError);
  assert.equal(e.reason, 'VerificationError');
  assert.match(e.message, new RegExp(bob.keyId));
  const u = await clone({ branch: 'none' });
  assert.ok(u.kind === 'cloned');
  await assert.rejects(verifySignature(u.commitObject, [alice.publicKey]), /commit is not signed/u);
  const a = await clone({ branch: 'alice' });
  assert.ok(a.kind === 'cloned');
  const tampered = parseCommitObject(a.commitObject.raw.replace('signed by alice', 'signed by mallory'));
  await assert.rejects(verifySignature(tampered, [alice.publicKey]), GitVerificationError);
  await assert.rejects(verifySignature(a.commitObject, ['not a key']), GitVerificationError);
});

void test('annotated tag signatures verify (Tag mode), and git + GnuPG agree', async () => {
  const r = await clone({ tag: 'v1.0.0' });
  assert.ok(r.kind === 'cloned' && r.tagObject !== undefined);
  assert.deepEqual(await verifySignature(r.tagObject, [alice.publicKey]), { keyId: alice.keyId });
  await assert.rejects(verifySignature(r.tagObject, [bob.publicKey]), GitVerificationError);
  // The clone keeps the fetched tag object at refs/fluxts/target.
  if (gpgMissing === undefined) {
    assert.equal(await gitVerify(r.dir, 'tag', 'refs/fluxts/target', alice.publicKey), true);
    assert.equal(await gitVerify(r.dir, 'tag', 'refs/fluxts/target', bob.publicKey), false);
  }
  const unsigned = await clone({ tag: 'v1.0.1' });
  assert.ok(unsigned.kind === 'cloned' && unsigned.tagObject !== undefined);
  await assert.rejects(verifySignature(unsigned.tagObject, [alice.publicKey]), /tag is not signed/u);
});
