// Packing: deterministic tarballs checked with GNU tar and sha256sum as the reference tools.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArtifactStorage, sourceIgnoreFilter } from '../../src/artifacts/index.ts';

async function makeTree(root: string, files: Record<string, string>, when: Date): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    const p = join(root, ...rel.split('/'));
    await mkdir(join(p, '..'), { recursive: true });
    await writeFile(p, content);
    await utimes(p, when, when);
  }
}

const files = {
  'README.md': '# app\n',
  'deploy/app.yaml': 'kind: Deployment\n',
  'deploy/b/c.yaml': 'kind: Service\n',
  'run.sh': '#!/bin/sh\n',
  'z/a-b.txt': 'x',
  'a-b/x.txt': 'y',
  'a/x.txt': 'z',
};

async function withTmp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'fluxts-pack-test-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

void test('identical trees give identical digests whatever their mtimes, modes and owners', () =>
  withTmp(async (tmp) => {
    const one = join(tmp, 'one');
    const two = join(tmp, 'two');
    await makeTree(one, files, new Date('2020-01-01T00:00:00Z'));
    await makeTree(two, files, new Date('2024-06-01T12:34:56Z'));
    await chmod(join(one, 'README.md'), 0o644);
    await chmod(join(two, 'README.md'), 0o600);
    await chmod(join(one, 'run.sh'), 0o755);
    await chmod(join(two, 'run.sh'), 0o700);
    await symlink('README.md', join(two, 'link.md')); // symlinks are skipped, so this must not matter
    const storage = new ArtifactStorage({ root: join(tmp, 'storage'), advertisedAddress: 'localhost:9090' });
    const a = await storage.archive(
      storage.newArtifact({ kind: 'GitRepository', namespace: 'ns', name: 'one' }, 'r', 'x.tar.gz'),
      one,
    );
    const b = await storage.archive(
      storage.newArtifact({ kind: 'GitRepository', namespace: 'ns', name: 'two' }, 'r', 'x.tar.gz'),
      two,
    );
    assert.equal(a.digest, b.digest);
    assert.equal(a.size, b.size);
    // The digest is the sha256 of the stored compressed bytes (checked with coreutils).
    const file = storage.localPath(a);
    const sum = execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0];
    assert.equal(a.digest, `sha256:${sum}`);
    assert.equal(a.size, (await stat(file)).size);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.equal(a.path, 'gitrepository/ns/one/x.tar.gz');
    assert.equal(a.url, 'http://localhost:9090/gitrepository/ns/one/x.tar.gz');
    // A content change changes the digest.
    await writeFile(join(two, 'deploy/app.yaml'), 'kind: StatefulSet\n');
    const c = await storage.archive(
      storage.newArtifact({ kind: 'GitRepository', namespace: 'ns', name: 'two' }, 'r', 'y.tar.gz'),
      two,
    );
    assert.notEqual(c.digest, a.digest);
  }));

void test('GNU tar reads our headers: Flux modes, root 0/0, epoch mtime, walk order, no symlinks', () =>
  withTmp(async (tmp) => {
    const src = join(tmp, 'src');
    await makeTree(src, files, new Date());
    await chmod(join(src, 'run.sh'), 0o755);
    await symlink('README.md', join(src, 'link.md'));
    const storage = new ArtifactStorage({ root: join(tmp, 'storage'), advertisedAddress: 'http://h' });
    const a = await storage.archive(
      storage.newArtifact({ kind: 'GitRepository', namespace: 'n', name: 'x' }, 'r', 'a.tar.gz'),
      src,
    );
    const listing = execFileSync('tar', ['--numeric-owner', '--full-time', '-tvzf', storage.localPath(a)], {
      encoding: 'utf8',
      env: { ...process.env, TZ: 'UTC' },
    })
      .trim()
      .split('\n')
      .map((l) => l.split(/\s+/u))
      .map((f) => `${f[0]} ${f[1]} ${f[2]} ${f[3]} ${f[4]} ${f[5]}`);
    assert.deepEqual(listing, [
      'drwxr-x--- 0/0 0 1970-01-01 00:00:00 .',
      '-rw------- 0/0 6 1970-01-01 00:00:00 README.md',
      'drwxr-x--- 0/0 0 1970-01-01 00:00:00 a',
      '-rw------- 0/0 1 1970-01-01 00:00:00 a/x.txt',
      'drwxr-x--- 0/0 0 1970-01-01 00:00:00 a-b',
      '-rw------- 0/0 1 1970-01-01 00:00:00 a-b/x.txt',
      'drwxr-x--- 0/0 0 1970-01-01 00:00:00 deploy',
      '-rw------- 0/0 17 1970-01-01 00:00:00 deploy/app.yaml',
      'drwxr-x--- 0/0 0 1970-01-01 00:00:00 deploy/b',
      '-rw------- 0/0 14 1970-01-01 00:00:00 deploy/b/c.yaml',
      '-rwx------ 0/0 10 1970-01-01 00:00:00 run.sh',
      'drwxr-x--- 0/0 0 1970-01-01 00:00:00 z',
      '-rw------- 0/0 1 1970-01-01 00:00:00 z/a-b.txt',
    ]);
    // Contents survive a round trip through GNU tar.
    const out = join(tmp, 'out');
    await mkdir(out);
    execFileSync('tar', ['-xzf', storage.localPath(a), '-C', out]);
    assert.equal(await readFile(join(out, 'deploy/b/c.yaml'), 'utf8'), 'kind: Service\n');
  }));

void test('long and non-ASCII names round-trip through GNU tar (ustar prefix and PAX)', () =>
  withTmp(async (tmp) => {
    const src = join(tmp, 'src');
    const deep = `${'d'.repeat(90)}/${'e'.repeat(90)}/${'f'.repeat(60)}.yaml`;
    const huge = `${'g'.repeat(120)}.yaml`;
    await makeTree(src, { [deep]: 'deep', [huge]: 'huge', 'héllo/wörld.yaml': 'uni' }, new Date());
    const storage = new ArtifactStorage({ root: join(tmp, 'storage'), advertisedAddress: 'h' });
    const a = await storage.archive(
      storage.newArtifact({ kind: 'GitRepository', namespace: 'n', name: 'x' }, 'r', 'a.tar.gz'),
      src,
    );
    const out = join(tmp, 'out');
    await mkdir(out);
    execFileSync('tar', ['-xzf', storage.localPath(a), '-C', out]);
    assert.equal(await readFile(join(out, deep), 'utf8'), 'deep');
    assert.equal(await readFile(join(out, huge), 'utf8'), 'huge');
    assert.equal(await readFile(join(out, 'héllo/wörld.yaml'), 'utf8'), 'uni');
  }));

void test('.sourceignore files, defaults and spec.ignore shape the tarball', () =>
  withTmp(async (tmp) => {
    const src = join(tmp, 'src');
    const tree = {
      '.git/HEAD': 'ref',
      '.gitignore': 'x',
      '.github/workflows/ci.yaml': 'on: push',
      'logo.png': 'png',
      'deploy/app.yaml': 'a',
      'deploy/.sops.yaml': 's',
      'docs/guide.md': 'g',
    };
    await makeTree(src, tree, new Date());
    const storage = new ArtifactStorage({ root: join(tmp, 'storage'), advertisedAddress: 'h' });
    const key = { kind: 'GitRepository', namespace: 'n', name: 'x' };
    const list = async (file: string, ignore?: string): Promise<string[]> => {
      const a = await storage.archive(storage.newArtifact(key, 'r', file), src, await sourceIgnoreFilter(src, ignore));
      return execFileSync('tar', ['-tzf', storage.localPath(a)], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .filter((n) => !n.endsWith('/') && n !== '.');
    };
    // No user patterns: VCS + all defaults.
    assert.deepEqual(await list('1.tar.gz'), ['deploy', 'deploy/app.yaml', 'docs', 'docs/guide.md']);
    // A root .sourceignore drops the extension/CI/extra defaults but keeps VCS excludes.
    await writeFile(join(src, '.sourceignore'), '# docs are not deployed\ndocs/\n');
    assert.deepEqual(await list('2.tar.gz'), [
      '.github',
      '.github/workflows',
      '.github/workflows/ci.yaml',
      '.sourceignore',
      'deploy',
      'deploy/.sops.yaml',
      'deploy/app.yaml',
      'logo.png',
    ]);
    // A nested .sourceignore applies to its own subtree; spec.ignore comes last and can re-include.
    await writeFile(join(src, 'deploy/.sourceignore'), '*.yaml\n');
    assert.deepEqual(await list('3.tar.gz', '!app.yaml\n/.github/\n*.png\n.sourceignore\n'), [
      'deploy',
      'deploy/app.yaml',
    ]);
  }));
