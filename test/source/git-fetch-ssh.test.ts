// The Git fetcher against Debian's sshd on loopback (key-only user with git-shell, strict host-key checking).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cloneRepository,
  credentialsFromSecret,
  GitAuthError,
  GitBadSecretError,
  GitError,
  GitHostKeyError,
  GitRefNotFoundError,
  GitUnreachableError,
  type CloneOptions,
  type CloneResult,
} from '../../src/fetchers/git/index.ts';
import { generateKeyPair, startSshGitServer, type SshGitServer } from '../support/ssh-server.ts';

let server: SshGitServer;
let work: string;
const commits: Record<string, string> = {};

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'fluxts-git-ssh-test-'));
  server = await startSshGitServer();
  const repo = server.createRepo('app');
  commits['c1'] = await repo.commit({ files: { 'app.yaml': 'one' }, message: 'one' });
  await repo.tag('v0.1.0', commits['c1'], { message: 'first' });
  commits['c2'] = await repo.commit({ files: { 'app.yaml': 'two' }, message: 'two' });
  await repo.tag('v0.2.0', commits['c2']);
});

after(async () => {
  await server?.close();
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

let n = 0;
function secret(over: Record<string, string> = {}): Record<string, string> {
  return { identity: server.clientKey.privateKey, known_hosts: server.knownHosts, ...over };
}
async function clone(o: Partial<CloneOptions>, data = secret()): Promise<CloneResult & { dir: string }> {
  const dir = join(work, `s${n++}`);
  const credentials = credentialsFromSecret('ns/ssh-auth', data, 'ssh:');
  return { ...(await cloneRepository({ url: server.repoUrl('app'), dir, credentials, ...o })), dir };
}
async function cloneErr(o: Partial<CloneOptions>, data = secret()): Promise<GitError> {
  const err = await clone(o, data).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err instanceof GitError, `expected a GitError, got ${String(err)}`);
  return err;
}

void test('SSH: branch, tag, semver and commit clones', async () => {
  const b = await clone({ ref: { branch: 'main' } });
  assert.equal(b.revision, `main@sha1:${commits['c2']}`);
  assert.equal(await readFile(join(b.dir, 'app.yaml'), 'utf8'), 'two');
  const t = await clone({ ref: { tag: 'v0.1.0' } });
  assert.equal(t.revision, `v0.1.0@sha1:${commits['c1']}`);
  const s = await clone({ ref: { semver: '^0.1.0 || ^0.2.0' } });
  assert.equal(s.revision, `v0.2.0@sha1:${commits['c2']}`);
  const c = await clone({ ref: { commit: commits['c1'] } });
  assert.equal(c.revision, `sha1:${commits['c1']}`);
  const u = await clone({ ref: { branch: 'main' }, lastRevision: b.revision });
  assert.equal(u.kind, 'unchanged');
});

void test('SSH: an encrypted identity with its passphrase', async () => {
  const key = generateKeyPair('key-passphrase-42');
  server.authorizeKey(key.publicKey);
  const r = await clone(
    { ref: { branch: 'main' } },
    secret({ identity: key.privateKey, password: 'key-passphrase-42' }),
  );
  assert.equal(r.kind, 'cloned');
  const e = await cloneErr(
    { ref: { branch: 'main' } },
    secret({ identity: key.privateKey, password: 'wrong-passphrase' }),
  );
  assert.ok(e instanceof GitAuthError, e.message);
  assert.ok(!e.message.includes('wrong-passphrase'));
});

void test('SSH: unknown host key', async () => {
  const other = generateKeyPair().publicKey.split(' ');
  const kh = `[127.0.0.1]:${server.port} ${other[0]} ${other[1]}\n`;
  const e = await cloneErr({}, secret({ known_hosts: kh }));
  assert.ok(e instanceof GitHostKeyError, e.message);
  const absent = await cloneErr({}, secret({ known_hosts: `[127.0.0.2]:22 ${other[0]} ${other[1]}\n` }));
  assert.ok(absent instanceof GitHostKeyError, absent.message);
});

void test('SSH: a key the server does not know is an auth error', async () => {
  const e = await cloneErr({}, secret({ identity: generateKeyPair().privateKey }));
  assert.ok(e instanceof GitAuthError, e.message);
  assert.equal(e.reason, 'AuthenticationFailed');
  assert.ok(!e.message.includes('PRIVATE KEY'));
});

void test('SSH: unreachable port, missing branch, garbage in the secret', async () => {
  const s = createServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', () => ok()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((ok) => s.close(() => ok()));
  const dir = join(work, `s${n++}`);
  const e = await cloneRepository({
    url: `ssh://git@127.0.0.1:${port}/repo.git`,
    dir,
    credentials: credentialsFromSecret('ns/ssh', secret(), 'ssh:'),
  }).catch((x: unknown) => x);
  assert.ok(e instanceof GitUnreachableError, String(e));
  const missing = await cloneErr({ ref: { branch: 'nope' } });
  assert.ok(missing instanceof GitRefNotFoundError);
  assert.throws(
    () => credentialsFromSecret('ns/ssh', { identity: 'garbage', known_hosts: 'x' }, 'ssh:'),
    GitBadSecretError,
  );
  assert.throws(
    () => credentialsFromSecret('ns/ssh', { identity: server.clientKey.privateKey }, 'ssh:'),
    GitBadSecretError,
  );
  // A PEM-looking but corrupt key gets past validation and fails in ssh: still not a leak, still classified.
  const corrupt = '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAAnotakey\n-----END OPENSSH PRIVATE KEY-----\n';
  const c = await cloneErr({}, secret({ identity: corrupt }));
  assert.ok(c instanceof GitBadSecretError, c.message);
  assert.ok(!c.message.includes('AAAAnotakey'));
});
