// Hostile YAML against the limits of yaml/limits.ts, through a whole build (the way a repository reaches them).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { build, KustomizeBuildError, memoryFileSystem } from '../index.ts';
import { YAML_LIMITS } from './limits.ts';

const KUSTOMIZATION = 'resources:\n- cm.yaml\n';
const HEAD = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n';

function buildWith(cm: string | Uint8Array): { yaml?: string; problems?: string[] } {
  try {
    return {
      yaml: build('/k', { fs: memoryFileSystem({ '/k/kustomization.yaml': KUSTOMIZATION, '/k/cm.yaml': cm }) }).yaml,
    };
  } catch (err) {
    if (!(err instanceof KustomizeBuildError)) throw err;
    return { problems: err.diagnostics.map((d) => `${d.file}:${d.line ?? ''}: ${d.message}`) };
  }
}

void test('5,000 aliases of one scalar expand in linear time (kustomize: 0.3 s; the lazy resolve was quadratic)', () => {
  const lines = [`${HEAD}data:\n  k0: &v hello`];
  for (let i = 1; i < 5000; i++) lines.push(`  k${i}: *v`);
  const started = performance.now();
  const { yaml, problems } = buildWith(lines.join('\n') + '\n');
  assert.equal(problems, undefined);
  assert.match(yaml ?? '', /k4999: hello/u);
  assert.ok(performance.now() - started < 20_000, `took ${Math.round(performance.now() - started)} ms`);
});

void test('billion laughs stops at the alias budget with the file and line, without exhausting the heap', () => {
  const lines = [`${HEAD}  annotations:\n    l0: &a0 lol`];
  for (let i = 1; i < 10; i++)
    lines.push(
      `    l${i}: &a${i} [${Array(9)
        .fill(`*a${i - 1}`)
        .join(',')}]`,
    );
  const { problems } = buildWith(lines.join('\n') + '\ndata: {}\n');
  assert.equal(problems?.length, 1);
  assert.match(
    problems?.[0] ?? '',
    new RegExp(
      `^/k/cm.yaml:\\d+: invalid YAML: document contains excessive aliasing \\(over ${YAML_LIMITS.maxAliasNodes} nodes\\)$`,
      'u',
    ),
  );
});

void test('nesting deeper than the limit is refused by name, whichever parser meets it first', () => {
  const nested = (depth: number): string =>
    `${HEAD}data:\n  x:${Array.from({ length: depth }, (_, i) => `\n${' '.repeat(4 + i)}- `).join('')}deep\n`;
  assert.equal(buildWith(nested(100)).problems, undefined, 'ordinary depth is fine');
  for (const depth of [YAML_LIMITS.maxDepth + 10, 5000]) {
    const { problems } = buildWith(nested(depth));
    assert.equal(problems?.length, 1, String(problems));
    assert.match(problems?.[0] ?? '', /^\/k\/cm\.yaml:\d*: invalid YAML: exceeded max depth of 512$/u);
  }
  const flow = `${HEAD}data:\n  x: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`;
  assert.match(buildWith(flow).problems?.[0] ?? '', /invalid YAML: exceeded max depth of 512/u);
});

void test('a file over the size limit and a file with too many documents are refused before parsing', () => {
  const huge = new Uint8Array(YAML_LIMITS.maxBytes + 1).fill(0x23); // '#': one enormous comment
  assert.match(buildWith(huge).problems?.[0] ?? '', /invalid YAML: the file is \d+ bytes, over the limit of 67108864/u);
  const many = `${HEAD}---\n`.repeat(YAML_LIMITS.maxDocuments + 1);
  assert.match(buildWith(many).problems?.[0] ?? '', /invalid YAML: more than 100000 documents in one file/u);
});

void test('duplicate keys are refused with both lines, in block and flow mappings; merge keys are not duplicates', () => {
  assert.deepEqual(buildWith(`${HEAD}data:\n  k: one\n  j: x\n  k: two\n`).problems, [
    '/k/cm.yaml:8: invalid YAML: mapping key "k" already defined at line 6',
  ]);
  assert.deepEqual(buildWith(`${HEAD}data: {x: "1", x: "2"}\n`).problems, [
    '/k/cm.yaml:5: invalid YAML: mapping key "x" already defined at line 5',
  ]);
  const merged = buildWith(`${HEAD}  labels: &l\n    a: "1"\ndata:\n  <<: *l\n  a: own\n`);
  assert.match(merged.yaml ?? '', /data:\n {2}a: own\n/u);
});

void test('bytes that are not YAML text: invalid UTF-8, NUL and other controls are refused; UTF-16 with a BOM is read', () => {
  const bad = Buffer.concat([Buffer.from(`${HEAD}data:\n  k: "`), Buffer.from([0xc3, 0x28]), Buffer.from('"\n')]);
  assert.deepEqual(buildWith(bad).problems, ['/k/cm.yaml:6: invalid YAML: invalid UTF-8 (byte 0xc3 at offset 63)']);
  assert.deepEqual(buildWith(`${HEAD}data:\n  k: "a\0b"\n`).problems, [
    '/k/cm.yaml:6: invalid YAML: control characters are not allowed (U+0000)',
  ]);
  assert.match(buildWith(`${HEAD}data:\n  k: "\x1b[31m"\n`).problems?.[0] ?? '', /U\+001B/u);
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${HEAD}data:\n  k: v\n`, 'utf16le')]);
  assert.match(buildWith(utf16).yaml ?? '', /k: v/u);
  assert.match(buildWith(Buffer.from([0xff, 0xfe, 0x61])).problems?.[0] ?? '', /invalid UTF-16/u);
});

void test('an empty kustomization file says so instead of "failed with 0 problem(s)"', () => {
  assert.throws(
    () => build('/k', { fs: memoryFileSystem({ '/k/kustomization.yaml': '' }) }),
    (err: unknown) =>
      err instanceof KustomizeBuildError &&
      err.message ===
        'kustomize build /k failed with 1 problem(s):\n  /k/kustomization.yaml: kustomization.yaml is empty',
  );
});
