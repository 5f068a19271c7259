import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadIgnorePatterns, type IgnoreTreeFs } from './load.ts';
import { readPatterns, sourceIgnoreMatcher } from './matcher.ts';

// An in-memory tree: keys are file paths; directories are implied.
function memFs(files: Record<string, string>): IgnoreTreeFs {
  return {
    readFile: (p) => Promise.resolve(files[p]),
    readDir: (dir) => {
      const prefix = dir === '' ? '' : `${dir}/`;
      const seen = new Map<string, boolean>();
      for (const f of Object.keys(files)) {
        if (!f.startsWith(prefix)) continue;
        const rest = f.slice(prefix.length).split('/');
        seen.set(rest[0] as string, rest.length > 1 || (seen.get(rest[0] as string) ?? false));
      }
      return Promise.resolve([...seen].map(([name, isDir]) => ({ name, isDir })));
    },
  };
}

const tree = {
  '.sourceignore': '*.md\n',
  'README.md': '',
  'apps/.sourceignore': 'values-*.yaml\n!README.md\n',
  'apps/README.md': '',
  'apps/values-dev.yaml': '',
  'values-root.yaml': '',
  'b/.sourceignore': '/local.yaml\n',
  'b/local.yaml': '',
  'b/c/local.yaml': '',
  '.git/.sourceignore': '*\n',
  'logo.png': '',
};

void test('nested .sourceignore files apply to their own subtree, parents first, .git not read', async () => {
  const ps = await loadIgnorePatterns(memFs(tree));
  assert.deepEqual(
    ps.map((p) => `${p.domain.join('/')}:${p.source}`),
    [':*.md', 'apps:values-*.yaml', 'apps:!README.md', 'b:/local.yaml'],
  );
  const m = sourceIgnoreMatcher(ps);
  const excluded = (p: string): boolean => m.excludes(p.split('/'), false);
  assert.equal(excluded('README.md'), true);
  assert.equal(excluded('apps/README.md'), false, 'child file re-includes within its subtree');
  assert.equal(excluded('apps/values-dev.yaml'), true);
  assert.equal(excluded('values-root.yaml'), false, 'child patterns do not leak upwards');
  assert.equal(excluded('b/local.yaml'), true);
  assert.equal(excluded('b/c/local.yaml'), false, 'leading slash anchors to the file’s directory');
  assert.equal(excluded('logo.png'), false, 'user patterns exist, so extension defaults are dropped');
});

void test('spec.ignore appended last overrides .sourceignore files', async () => {
  const ps = [...(await loadIgnorePatterns(memFs(tree))), ...readPatterns('!README.md\n')];
  const m = sourceIgnoreMatcher(ps);
  assert.equal(m.excludes(['README.md'], false), false);
});
