// The Git fetcher against a real smart-HTTP server (git http-backend) on loopback: every clone mode, auth
// methods, TLS, proxy, sparse checkout, submodules, and classified failures without secrets in messages.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cloneRepository,
  GitAuthError,
  GitError,
  GitRefNotFoundError,
  GitTimeoutError,
  GitTlsError,
  GitUnreachableError,
  type CloneOptions,
  type CloneResult,
} from '../../src/fetchers/git/index.ts';
import { startGitServer, startProxy, type GitServer } from '../support/git-server.ts';

const PASSWORD = 's3cr3t-Pa55word';
const TOKEN = 'tok-0123456789abcdef';
let basic: GitServer;
let bearer: GitServer;
let work: string;
const commits: Record<string, string> = {};

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'fluxts-git-http-test-'));
  basic = await startGitServer({ basicAuth: { username: 'flux', password: PASSWORD } });
  bearer = await startGitServer({ bearerToken: TOKEN });
  const repo = basic.createRepo('app');
  commits['c1'] = await repo.commit({
    files: { 'deploy/app.yaml': 'kind: Deployment\n', 'apps/a/x.yaml': 'a', 'apps/b/y.yaml': 'b' },
    message: 'first\n\nbody',
  });
  await repo.tag('v1.0.0', commits['c1'], { message: 'release 1.0.0' });
  commits['c2'] = await repo.commit({ files: { 'deploy/app.yaml': 'kind: StatefulSet\n' }, message: 'second' });
  await repo.tag('v1.2.0', commits['c2']);
  commits['c3'] = await repo.commit({ files: { NEW: 'n' }, message: 'third' });
  await repo.tag('v1.3.0-rc.1', commits['c3']);
  await repo.tag('v2.0.0', commits['c3'], { message: 'two' });
  commits['dev'] = await repo.commit({
    branch: 'dev',
    parent: commits['c1'],
    files: { 'dev.txt': 'd' },
    message: 'dev',
  });
  repo.setRef('refs/pull/1/head', commits['dev']);
  const b = bearer.createRepo('app');
  commits['b1'] = await b.commit({ files: { 'x.yaml': 'x' } });
});

after(async () => {
  await basic?.close();
  await bearer?.close();
  await rm(work, { recursive: true, force: true });
});

let n = 0;
const creds = { username: 'flux', password: PASSWORD };
async function clone(o: Partial<CloneOptions> & { url: string }): Promise<CloneResult & { dir: string }> {
  const dir = join(work, `c${n++}`);
  const r = await cloneRepository({ dir, credentials: creds, ...o });
  return { ...r, dir };
}
async function cloneErr(o: Partial<CloneOptions> & { url: string }): Promise<GitError> {
  const err = await clone(o).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err instanceof GitError, `expected a GitError, got ${String(err)}`);
  return err;
}
function assertNoSecret(err: Error): void {
  const all = `${err.message} ${String((err as GitError).hint)} ${String((err.cause as Error | undefined)?.message)}`;
  for (const s of [PASSWORD, TOKEN, Buffer.from(`flux:${PASSWORD}`).toString('base64')]) {
    assert.ok(!all.includes(s), `secret leaked in: ${all}`);
  }
}

void test('branch: shallow checkout of the tip, Flux revision, commit object', async () => {
  const r = await clone({ url: basic.repoUrl('app'), ref: { branch: 'main' } });
  assert.equal(r.kind, 'cloned');
  if (r.kind !== 'cloned') return;
  assert.equal(r.revision, `main@sha1:${commits['c3']}`);
  assert.equal(r.refName, 'main');
  assert.equal(r.subject, 'third');
  assert.equal(await readFile(join(r.dir, 'deploy/app.yaml'), 'utf8'), 'kind: StatefulSet\n');
  assert.ok(r.commitObject.raw.startsWith('tree '));
  assert.equal(r.tagObject, undefined);
  // Shallow: exactly one commit of history.
  const shallow = await readFile(join(r.dir, '.git/shallow'), 'utf8');
  assert.equal(shallow.trim(), commits['c3']);
});

void test('unchanged remote revision skips the clone (ls-remote only), a new commit is fetched', async () => {
  const before = basic.requests;
  const r = await clone({
    url: basic.repoUrl('app'),
    ref: { branch: 'dev' },
    lastRevision: `dev@sha1:${commits['dev']}`,
  });
  assert.equal(r.kind, 'unchanged');
  assert.equal(existsSync(r.dir), false, 'nothing written');
  assert.ok(basic.requests - before <= 2, `ls-remote only, saw ${basic.requests - before} requests`);
  const c = await basic.createRepo('moving').commit({ files: { a: '1' } });
  const first = await clone({ url: basic.repoUrl('moving'), ref: { branch: 'main' } });
  assert.equal(first.revision, `main@sha1:${c}`);
  const c2 = await basic.createRepo('moving').commit({ files: { a: '2' } });
  const second = await clone({ url: basic.repoUrl('moving'), ref: { branch: 'main' }, lastRevision: first.revision });
  assert.equal(second.kind, 'cloned');
  assert.equal(second.revision, `main@sha1:${c2}`);
});

void test('annotated and lightweight tags: revision names the tag, commit is the peeled commit', async () => {
  const a = await clone({ url: basic.repoUrl('app'), ref: { tag: 'v1.0.0' } });
  assert.equal(a.revision, `v1.0.0@sha1:${commits['c1']}`);
  assert.ok(a.kind === 'cloned' && a.tagObject !== undefined && a.tagObject.raw.includes('tag v1.0.0'));
  const l = await clone({ url: basic.repoUrl('app'), ref: { tag: 'v1.2.0' } });
  assert.equal(l.revision, `v1.2.0@sha1:${commits['c2']}`);
  assert.ok(l.kind === 'cloned' && l.tagObject === undefined);
});

void test('semver range picks the highest matching tag, pre-releases excluded', async () => {
  const r = await clone({ url: basic.repoUrl('app'), ref: { semver: '>=1.0.0 <2.0.0' } });
  assert.equal(r.revision, `v1.2.0@sha1:${commits['c2']}`);
  const any = await clone({ url: basic.repoUrl('app'), ref: { semver: '*' } });
  assert.equal(any.revision, `v2.0.0@sha1:${commits['c3']}`);
  const none = await cloneErr({ url: basic.repoUrl('app'), ref: { semver: '>=3.0.0' } });
  assert.ok(none instanceof GitRefNotFoundError);
});

void test('ref.name keeps the full ref; commit pins give sha1:<hex> or branch@sha1:<hex>', async () => {
  const p = await clone({ url: basic.repoUrl('app'), ref: { name: 'refs/pull/1/head' } });
  assert.equal(p.revision, `refs/pull/1/head@sha1:${commits['dev']}`);
  const c = await clone({ url: basic.repoUrl('app'), ref: { commit: commits['c1'] } });
  assert.equal(c.revision, `sha1:${commits['c1']}`);
  assert.equal(await readFile(join(c.dir, 'deploy/app.yaml'), 'utf8'), 'kind: Deployment\n');
  const cb = await clone({ url: basic.repoUrl('app'), ref: { branch: 'main', commit: commits['c2'] } });
  assert.equal(cb.revision, `main@sha1:${commits['c2']}`);
  const notIn = await cloneErr({ url: basic.repoUrl('app'), ref: { branch: 'main', commit: commits['dev'] } });
  assert.ok(notIn instanceof GitRefNotFoundError, notIn.message);
  const missing = await cloneErr({ url: basic.repoUrl('app'), ref: { commit: 'f'.repeat(40) } });
  assert.ok(missing instanceof GitRefNotFoundError, missing.message);
});

void test('missing branch and missing repository are "not found"', async () => {
  const e = await cloneErr({ url: basic.repoUrl('app'), ref: { branch: 'nope' } });
  assert.ok(e instanceof GitRefNotFoundError);
  assert.match(e.message, /^git repository http:\/\/127\.0\.0\.1:\d+\/app\.git: branch 'nope' not found$/u);
  assert.equal(e.reason, 'GitOperationFailed');
});

void test('wrong password is an auth error that leaks nothing', async () => {
  const e = await cloneErr({ url: basic.repoUrl('app'), credentials: { username: 'flux', password: 'wrong-pass' } });
  assert.ok(e instanceof GitAuthError, e.message);
  assert.equal(e.reason, 'AuthenticationFailed');
  assert.ok(!e.message.includes('wrong-pass'));
  const none = await cloneErr({ url: basic.repoUrl('app'), credentials: {} });
  assert.ok(none instanceof GitAuthError, none.message);
  // Credentials in the URL are used as basic auth and masked in messages.
  const u = new URL(basic.repoUrl('app'));
  u.username = 'flux';
  u.password = PASSWORD;
  const ok = await clone({ url: u.toString(), credentials: {}, ref: { branch: 'main' } });
  assert.equal(ok.kind, 'cloned');
  const missing = await cloneErr({ url: u.toString(), credentials: {}, ref: { branch: 'nope' } });
  assert.ok(missing.message.includes('http://flux@127.0.0.1'), missing.message);
  assertNoSecret(missing);
});

void test('bearer token', async () => {
  const r = await clone({ url: bearer.repoUrl('app'), credentials: { bearerToken: TOKEN }, ref: { branch: 'main' } });
  assert.equal(r.revision, `main@sha1:${commits['b1']}`);
  const e = await cloneErr({ url: bearer.repoUrl('app'), credentials: { bearerToken: 'tok-wrong-wrong' } });
  assert.ok(e instanceof GitAuthError, e.message);
  assertNoSecret(e);
});

void test('unreachable host and a hanging server', async () => {
  const closed = createServer();
  await new Promise<void>((ok) => closed.listen(0, '127.0.0.1', () => ok()));
  const port = (closed.address() as { port: number }).port;
  await new Promise<void>((ok) => closed.close(() => ok()));
  const e = await cloneErr({ url: `http://127.0.0.1:${port}/app.git` });
  assert.ok(e instanceof GitUnreachableError, e.message);
  const hang: Server = createServer(() => undefined);
  await new Promise<void>((ok) => hang.listen(0, '127.0.0.1', () => ok()));
  try {
    const hp = (hang.address() as { port: number }).port;
    const t = await cloneErr({ url: `http://127.0.0.1:${hp}/app.git`, timeoutMs: 1500 });
    assert.ok(t instanceof GitTimeoutError, t.message);
  } finally {
    hang.close();
  }
});

void test('HTTPS with a custom CA; without it the TLS error says so', async () => {
  const tls = await startGitServer({ tls: true, basicAuth: { username: 'flux', password: PASSWORD } });
  try {
    const c = await tls.createRepo('app').commit({ files: { a: 'a' } });
    const r = await clone({
      url: tls.repoUrl('app'),
      credentials: { ...creds, caCert: tls.caPem ?? '' },
      ref: { branch: 'main' },
    });
    assert.equal(r.revision, `main@sha1:${c}`);
    const e = await cloneErr({ url: tls.repoUrl('app') });
    assert.ok(e instanceof GitTlsError, e.message);
  } finally {
    await tls.close();
  }
});

void test('proxy from proxySecretRef is used, with proxy auth', async () => {
  const proxy = await startProxy({ username: 'p', password: 'proxy-pass-123' });
  try {
    const r = await clone({
      url: basic.repoUrl('app'),
      ref: { branch: 'main' },
      proxy: { address: proxy.url, username: 'p', password: 'proxy-pass-123' },
    });
    assert.equal(r.kind, 'cloned');
    assert.ok(proxy.requests > 0, 'requests went through the proxy');
    const e = await cloneErr({
      url: basic.repoUrl('app'),
      proxy: { address: proxy.url, username: 'p', password: 'bad-proxy-pass' },
    });
    assert.ok(!e.message.includes('bad-proxy-pass'), e.message);
  } finally {
    await proxy.close();
  }
});

void test('sparse checkout only writes the listed directories', async () => {
  const r = await clone({ url: basic.repoUrl('app'), ref: { tag: 'v1.0.0' }, sparseCheckout: ['./apps/a', 'deploy'] });
  const files = (await readdir(r.dir, { recursive: true })).filter((f) => !f.startsWith('.git')).sort();
  assert.deepEqual(files, ['apps', 'apps/a', 'apps/a/x.yaml', 'deploy', 'deploy/app.yaml']);
});

void test('submodules are checked out with recurseSubmodules, with the same credentials', async () => {
  const lib = basic.createRepo('lib');
  const libCommit = await lib.commit({ files: { 'lib.yaml': 'lib' } });
  const parent = basic.createRepo('parent');
  await parent.commit({
    files: {
      '.gitmodules': `[submodule "vendor/lib"]\n\tpath = vendor/lib\n\turl = ${basic.repoUrl('lib')}\n`,
      'vendor/lib': { gitlink: libCommit },
      'main.yaml': 'm',
    },
  });
  const without = await clone({ url: basic.repoUrl('parent'), ref: { branch: 'main' } });
  assert.equal(existsSync(join(without.dir, 'vendor/lib/lib.yaml')), false);
  const withSub = await clone({ url: basic.repoUrl('parent'), ref: { branch: 'main' }, recurseSubmodules: true });
  assert.equal(await readFile(join(withSub.dir, 'vendor/lib/lib.yaml'), 'utf8'), 'lib');
});
