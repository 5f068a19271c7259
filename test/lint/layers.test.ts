// The layer rule (scripts/lint/layers.ts) on hand-made cases, and over the whole of src/ so that `npm test` fails
// on an import that runs up a layer or into another module's internals, as `npm run lint` does.
import assert from 'node:assert/strict';
import { globSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import ts from 'typescript';

import { checkSpecifier, fsHasIndex, importViolation, type HasIndex } from '../../scripts/lint/layers.ts';

const SRC = join(import.meta.dirname, '../../src');

describe('importViolation', () => {
  const modules = new Set(['kube', 'kube/ssa', 'kube/client', 'engines/kustomize', 'engines/kustomize/merge', 'api']);
  const hasIndex: HasIndex = (dir) => modules.has(dir);

  test('allows imports down the layers through a module index', () => {
    assert.equal(importViolation('controllers/kustomize/apply.ts', 'kube/index.ts', hasIndex), undefined);
    assert.equal(importViolation('runtime/run.ts', 'kube/client/index.ts', hasIndex), undefined);
    assert.equal(importViolation('kube/ssa/ignore.ts', 'engines/kustomize/index.ts', hasIndex), undefined);
  });

  test('allows any file of a folder without index.ts', () => {
    assert.equal(importViolation('engines/sops/flux.ts', 'util/errors.ts', hasIndex), undefined);
  });

  test('allows files inside one module to import each other, across its sub-folders', () => {
    assert.equal(importViolation('engines/kustomize/target.ts', 'engines/kustomize/filters/x.ts', hasIndex), undefined);
    assert.equal(importViolation('kube/ssa/plan.ts', 'kube/ssa/dry-run.ts', hasIndex), undefined);
  });

  test('refuses an import up a layer', () => {
    assert.match(importViolation('runtime/run.ts', 'controllers/index.ts', hasIndex) ?? '', /controllers is above/);
    assert.match(importViolation('engines/kustomize/x.ts', 'kube/index.ts', hasIndex) ?? '', /kube is above/);
  });

  test('refuses an import between peers of one layer', () => {
    assert.match(importViolation('fetchers/git/x.ts', 'artifacts/index.ts', hasIndex) ?? '', /peers/);
  });

  test("refuses an import into another module's internals, the innermost module counting", () => {
    assert.match(importViolation('runtime/x.ts', 'kube/ssa/plan.ts', hasIndex) ?? '', /internal to kube\/ssa\//);
    assert.match(importViolation('kube/ssa/x.ts', 'kube/client/types.ts', hasIndex) ?? '', /internal to kube\/client/);
    assert.match(
      importViolation('engines/kustomize/jsonpatch/a.ts', 'engines/kustomize/merge/nodes.ts', hasIndex) ?? '',
      /import engines\/kustomize\/merge\/index\.ts/,
    );
  });

  test('names a top folder missing from the layer table', () => {
    assert.match(importViolation('newthing/a.ts', 'util/errors.ts', hasIndex) ?? '', /not in the layer table/);
  });
});

test('every import under src/ keeps the layer rule', () => {
  const hasIndex = fsHasIndex(SRC);
  const problems: string[] = [];
  const files = globSync('**/*.ts', { cwd: SRC });
  assert.ok(files.length > 100, `found the sources (${files.length} files)`);
  for (const rel of files) {
    const file = join(SRC, rel);
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      const message = checkSpecifier(SRC, file, fileName, hasIndex);
      if (message) problems.push(`src/${rel}: ${message}`);
    }
  }
  assert.deepEqual(problems, []);
});
