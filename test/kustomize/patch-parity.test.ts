/**
 * Parity of the patch engines with the reference kustomize on the `smp-*`, `json6902-*` and `patch-*` fixtures,
 * independent of the rest of the build: a small driver here reads `resources`, `patchesStrategicMerge`,
 * `patches` and `patchesJson6902`, applies them with `strategicMergePatchResource` and `applyJson6902` in
 * kustomize's order, and compares every output document (as a multiset, since kustomize also sorts resources)
 * with `kustomize build`. The full build runs the same fixtures, and those combining patches with other
 * features, in `test/kustomize/differential.test.ts`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { before, describe, test } from 'node:test';

import { isMap, isSeq, parse, parseAllDocuments, type YAMLMap } from 'yaml';

import { applyJson6902 } from '../../src/engines/kustomize/jsonpatch/index.ts';
import { compileOpenApi, MergeSchema, strategicMergePatchResource } from '../../src/engines/kustomize/merge/index.ts';
import { emitDocument } from '../../src/engines/kustomize/yaml/emit.ts';
import { toValue } from '../../src/engines/kustomize/yaml/to-value.ts';
import { kustomizeBinary } from './reference.ts';

const FIXTURES = resolve(import.meta.dirname, 'fixtures');
const OURS = /^(smp|json6902|patch)-/;
const PARSE = { schema: 'failsafe', uniqueKeys: false, strict: false } as const;

type Res = YAMLMap<unknown, unknown>;
interface Target {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  labelSelector?: string;
  namespace?: string;
}

function docs(text: string): Res[] {
  return parseAllDocuments(text, PARSE).flatMap((d) => (isMap(d.contents) ? [d.contents] : []));
}

const str = (m: unknown, ...path: string[]): string => {
  let cur = m;
  for (const p of path) cur = isMap(cur) ? cur.get(p) : undefined;
  return typeof cur === 'string' ? cur : '';
};

function matches(r: Res, t: Target): boolean {
  const [group, version] = str(r, 'apiVersion').includes('/')
    ? str(r, 'apiVersion').split('/')
    : ['', str(r, 'apiVersion')];
  const re = (pattern: string, value: string): boolean => new RegExp(`^(?:${pattern})$`).test(value);
  if (t.kind !== undefined && !re(t.kind, str(r, 'kind'))) return false;
  if (t.group !== undefined && t.group !== group) return false;
  if (t.version !== undefined && t.version !== version) return false;
  if (t.name !== undefined && !re(t.name, str(r, 'metadata', 'name'))) return false;
  const ns = (n: string): string => (n === '' ? 'default' : n);
  if (t.namespace !== undefined && !re(ns(t.namespace), ns(str(r, 'metadata', 'namespace')))) return false;
  if (t.labelSelector !== undefined) {
    const [k = '', v = ''] = t.labelSelector.split('=');
    if (str(r, 'metadata', 'labels', k) !== v) return false;
  }
  return true;
}

/** build is the small driver: only resources and the three patch fields. */
function build(dir: string): string[] {
  const k = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Record<string, unknown>;
  const read = (p: string): string => readFileSync(join(dir, p), 'utf8');
  let resources = ((k['resources'] as string[] | undefined) ?? []).flatMap((f) => docs(read(f)));
  // `openapi: {path: …}` replaces kustomize's built-in schema (it does not add to it).
  const openapi = (k['openapi'] as { path?: string } | undefined)?.path;
  const schema = openapi === undefined ? undefined : new MergeSchema(compileOpenApi(parse(read(openapi)), openapi));
  const smp = (patch: Res, target?: Target, options: Record<string, boolean> = {}): void => {
    const selected = target ?? {
      kind: str(patch, 'kind'),
      name: str(patch, 'metadata', 'name'),
      namespace: str(patch, 'metadata', 'namespace'),
    };
    const hits = resources.filter((r) => matches(r, selected));
    if (hits.length === 0) throw new Error(`no resource matches ${JSON.stringify(selected)}`);
    resources = resources.flatMap((r) => {
      if (!hits.includes(r)) return [r];
      const p = patch.clone() as Res;
      p.set('apiVersion', r.get('apiVersion', true));
      const out = strategicMergePatchResource(r, p, { ...options, ...(schema === undefined ? {} : { schema }) });
      return out === undefined ? [] : [out];
    });
  };
  const json = (text: string, target: Target): void => {
    resources = resources.map((r) => (matches(r, target) ? applyJson6902(r, text) : r));
  };
  for (const entry of (k['patchesStrategicMerge'] as string[] | undefined) ?? []) {
    for (const p of docs(existsSync(join(dir, entry)) ? read(entry) : entry)) smp(p);
  }
  for (const entry of (k['patches'] as Record<string, unknown>[] | undefined) ?? []) {
    const text = typeof entry['path'] === 'string' ? read(entry['path']) : String(entry['patch']).trim();
    const target = entry['target'] as Target | undefined;
    const options = (entry['options'] as Record<string, boolean> | undefined) ?? {};
    const isJson = text.startsWith('[') || isSeq(parseAllDocuments(text, PARSE)[0]?.contents);
    if (isJson) json(text, target ?? {});
    else for (const p of docs(text)) smp(p, target, options);
  }
  for (const entry of (k['patchesJson6902'] as Record<string, unknown>[] | undefined) ?? []) {
    const text = typeof entry['path'] === 'string' ? read(entry['path']) : String(entry['patch']).trim();
    json(text, entry['target'] as Target);
  }
  // kustomize drops an empty `metadata.annotations` on output (it rewrites annotations after every build).
  for (const r of resources) {
    const meta = r.get('metadata');
    if (isMap(meta) && isMap(meta.get('annotations')) && (meta.get('annotations') as Res).items.length === 0) {
      meta.delete('annotations');
    }
  }
  return resources.map((r) => emitDocument(toValue(r))).sort();
}

const DRIVER_FIELDS = new Set([
  'apiVersion',
  'kind',
  'resources',
  'patches',
  'patchesStrategicMerge',
  'patchesJson6902',
  'openapi',
]);

/**
 * driverCanBuild selects the fixtures this driver can build alone: only resource files and patch fields. The
 * others (patches combined with prefixes, generators, bases, components) run in the full build's harness.
 */
function driverCanBuild(dir: string): boolean {
  const k = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Record<string, unknown>;
  const files = (k['resources'] as string[] | undefined) ?? [];
  const targets = [...((k['patches'] as { target?: Target }[] | undefined) ?? [])].map((p) => p.target ?? {});
  const simpleTargets = targets.every(
    (t) =>
      !('annotationSelector' in t) && (t.labelSelector === undefined || /^[\w./-]+=[\w.-]*$/.test(t.labelSelector)),
  );
  return (
    simpleTargets &&
    Object.keys(k).every((f) => DRIVER_FIELDS.has(f)) &&
    files.every((f) => statSync(join(dir, f)).isFile())
  );
}

const cases = existsSync(FIXTURES)
  ? readdirSync(FIXTURES)
      .filter((n) => OURS.test(n) && driverCanBuild(join(FIXTURES, n)))
      .sort()
  : [];

let bin = '';
before(async () => {
  bin = await kustomizeBinary();
});

describe('strategic merge and JSON 6902 patches match kustomize', () => {
  test('has cases', () => assert.ok(cases.length > 10));
  for (const name of cases) {
    test(name, () => {
      const dir = join(FIXTURES, name);
      const ref = spawnSync(bin, ['build', dir], { encoding: 'utf8' });
      if (ref.status !== 0) {
        assert.throws(() => build(dir), `kustomize fails (${ref.stderr.trim()}) but the patch engines did not`);
        return;
      }
      const expected = ref.stdout
        .split(/^---\n/m)
        .filter((d) => d !== '')
        .sort();
      assert.deepEqual(build(dir), expected);
    });
  }
});
