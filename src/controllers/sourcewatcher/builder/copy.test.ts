// Copy operations on real directories: cp-like destinations, globs of both dialects, exclude, Extract, refusals.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';

import { applyCopyOperations, type CopyOperation, shouldExclude } from './copy.ts';
import { walkPaths } from './glob.ts';

const root = mkdtempSync(join(tmpdir(), 'fluxts-copy-'));
after(() => rmSync(root, { recursive: true, force: true }));

function tree(dir: string, files: Record<string, string>): string {
  for (const [rel, body] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), body);
  }
  return dir;
}

const repo = tree(join(root, 'repo'), {
  'deploy/app.yaml': 'app',
  'deploy/svc.yaml': 'svc',
  'deploy/README.md': 'readme',
  'deploy/sub/cm.yaml': 'cm',
  'deploy/sub/testdata/x.yaml': 'x',
  'config.yaml': 'config',
});
const sources = new Map([['repo', repo]]);
let n = 0;

async function run(ops: CopyOperation[]): Promise<{ dir: string; files: string[] }> {
  const dir = join(root, `out-${n++}`);
  mkdirSync(dir);
  await applyCopyOperations(ops, sources, dir);
  const files = (await walkPaths(dir)).filter((p) => !p.endsWith('/') && p.includes('.'));
  return { dir, files };
}

test('cp-like destinations for files and directories', async () => {
  assert.deepEqual((await run([{ from: '@repo/config.yaml', to: '@artifact/apps/app.yaml' }])).files, [
    'apps/app.yaml',
  ]);
  assert.deepEqual((await run([{ from: '@repo/config.yaml', to: '@artifact/apps/' }])).files, ['apps/config.yaml']);
  const dir = await run([{ from: '@repo/deploy/sub/', to: '@artifact/apps/' }]);
  assert.deepEqual(dir.files, ['apps/sub/cm.yaml', 'apps/sub/testdata/x.yaml']);
});

test('dir/** copies the contents recursively; other globs keep the matched path', async () => {
  const contents = await run([{ from: '@repo/deploy/**', to: '@artifact/', exclude: ['*.md', '**/testdata/**'] }]);
  assert.deepEqual(contents.files, ['app.yaml', 'sub/cm.yaml', 'svc.yaml']);
  const flat = await run([{ from: '@repo/deploy/*.yaml', to: '@artifact/x/' }]);
  assert.deepEqual(flat.files, ['x/deploy/app.yaml', 'x/deploy/svc.yaml']);
});

test('later operations overwrite earlier ones', async () => {
  const out = await run([
    { from: '@repo/deploy/**', to: '@artifact/' },
    { from: '@repo/config.yaml', to: '@artifact/app.yaml' },
  ]);
  assert.equal(readFileSync(join(out.dir, 'app.yaml'), 'utf8'), 'config');
});

test('Extract unpacks tarballs found by a doublestar glob and skips other files', async () => {
  const pkg = tree(join(root, 'pkg'), { 'chart/Chart.yaml': 'name: chart\n', 'chart/values.yaml': 'a: 1\n' });
  const oci = join(root, 'oci');
  mkdirSync(join(oci, 'nested'), { recursive: true });
  execFileSync('tar', ['-czf', join(oci, 'nested/chart-1.0.0.tgz'), '-C', pkg, 'chart']);
  writeFileSync(join(oci, 'nested/notes.txt'), 'not a tarball');
  const dir = join(root, 'extract');
  mkdirSync(dir);
  await applyCopyOperations(
    [{ from: '@oci/**/*.tgz', to: '@artifact/charts/', strategy: 'Extract' }],
    new Map([['oci', oci]]),
    dir,
  );
  assert.equal(readFileSync(join(dir, 'charts/chart/Chart.yaml'), 'utf8'), 'name: chart\n');
});

test('failures name the operation and the cause', async () => {
  const cases: [CopyOperation, RegExp][] = [
    [{ from: '@nope/x', to: '@artifact/' }, /source alias 'nope' not found/],
    [{ from: '@repo/missing.yaml', to: '@artifact/' }, /source 'missing.yaml' does not exist/],
    [{ from: '@repo/*.json', to: '@artifact/' }, /no files match pattern '\*.json' in source 'repo'/],
    [{ from: '@repo/deploy/*.md', to: '@artifact/', exclude: ['*.md'] }, /were excluded/],
    [{ from: '@repo/../../etc/passwd', to: '@artifact/' }, /outside the source root/],
    [{ from: '@repo/config.yaml', to: '@artifact/../../x' }, /outside the artifact root/],
    [{ from: '@repo/config.yaml', to: '@artifact/', strategy: 'Extract' }, /requires tarball file/],
    [{ from: '@repo/config.yaml', to: '@artifact/', exclude: ['[z-'] }, /invalid exclude pattern '\[z-'/],
  ];
  for (const [op, want] of cases) {
    await assert.rejects(run([op]), (err: Error) => {
      assert.match(err.message, /^failed to apply copy operation from '/);
      assert.match(err.message, want);
      return true;
    });
  }
});

test('shouldExclude matches paths, and names for patterns without a slash', () => {
  assert.equal(shouldExclude('a/b/README.md', ['*.md']), true);
  assert.equal(shouldExclude('a/b/README.md', ['a/*.md']), false);
  assert.equal(shouldExclude('a/testdata/x', ['**/testdata/**']), true);
  assert.equal(shouldExclude('a/x.yml', ['*.{yaml,yml}']), true);
});
