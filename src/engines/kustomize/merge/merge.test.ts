// Unit tests of the strategic merge: one case per directive and strategy. Expected results are kustomize v5.8's
// (each behaviour is also covered end to end against the binary by kustomize-parity.test.ts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { Document, parseDocument, type YAMLMap } from 'yaml';

import {
  kubernetesMergeSchema,
  MergeError,
  strategicMergePatch,
  strategicMergePatchResource,
  type MergeOptions,
} from './index.ts';

const y = (text: string): YAMLMap<unknown, unknown> =>
  parseDocument(text, { schema: 'failsafe', uniqueKeys: false, strict: false }).contents as YAMLMap<unknown, unknown>;

const merge = (target: string, patch: string, options?: MergeOptions): unknown =>
  strategicMergePatch(y(target), y(patch), options)?.toJSON();

const DEPLOY = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n';
const pod = (spec: string): string => `${DEPLOY}spec:\n  template:\n    spec:\n${spec.replace(/^/gm, '      ')}\n`;
const podSpec = (result: unknown): unknown => (result as { spec: { template: { spec: unknown } } }).spec.template.spec;

describe('strategicMergePatch maps', () => {
  test('merges maps recursively, keeps existing keys in place and appends new ones sorted', () => {
    const out = strategicMergePatch(y('a: 1\nm: {x: 1, y: 2}\nz: 0'), y('m: {y: 3, w: 4}\nc: 2\nb: 1'));
    assert.deepEqual(out?.toJSON(), { a: '1', m: { x: '1', y: '3', w: '4' }, z: '0', c: '2', b: '1' });
    assert.deepEqual(
      out?.items.map((p) => String(p.key)),
      ['a', 'm', 'z', 'b', 'c'],
    );
  });

  test('a null in the patch deletes the field', () => {
    assert.deepEqual(merge('a: 1\nb: {c: 1}\nd: [1]', 'a: null\nb: ~\nd:\ne: null'), {});
  });

  test('$patch: delete removes a map, $patch: replace replaces it, $patch: merge merges', () => {
    assert.deepEqual(
      merge(
        'a: {x: 1}\nb: {x: 1}\nc: {x: 1}',
        'a: {$patch: delete}\nb: {$patch: replace, y: 2}\nc: {$patch: merge, y: 2}',
      ),
      {
        b: { y: '2' },
        c: { x: '1', y: '2' },
      },
    );
  });

  test('$patch: delete at the top deletes the resource', () => {
    assert.equal(strategicMergePatch(y(DEPLOY), y('$patch: delete')), undefined);
  });

  test('an unknown $patch value is an error naming the field', () => {
    assert.throws(
      () => merge('a: {x: 1}', 'a: {$patch: drop}'),
      (err: unknown) => {
        assert.ok(err instanceof MergeError);
        assert.match(err.message, /at a: unknown patch strategy 'drop'/);
        return true;
      },
    );
  });

  test('a map patched with a scalar is an error', () => {
    assert.throws(() => merge('a: {x: 1}', 'a: 1'), /at a: wrong node kind: expected MappingNode but got ScalarNode/);
  });

  test('an empty field of the target disappears, a null one becomes its text', () => {
    assert.deepEqual(merge('a:\nb: null\nc: ~\nd: 1', 'd: 2'), { b: 'null', c: '~', d: '2' });
  });

  test('apiMachinery-only directives are kept as ordinary fields', () => {
    const out = merge(
      pod('containers: [{name: a, args: [x, y]}]'),
      pod('$setElementOrder/containers: [{name: a}]\n$retainKeys: [containers]'),
    );
    assert.deepEqual(podSpec(out), {
      containers: [{ name: 'a', args: ['x', 'y'] }],
      $retainKeys: ['containers'],
      '$setElementOrder/containers': [{ name: 'a' }],
    });
  });

  test('comments, quoting and flow style of the untouched parts survive (round trip through yaml)', () => {
    const text = 'kind: ConfigMap # kind\ndata:\n  # before a\n  a: "1"\n  list: [x, y]\n';
    const out = strategicMergePatch(y(text), y('data: {b: two}'));
    const doc = new Document();
    doc.contents = out ?? null;
    assert.equal(String(doc), 'kind: ConfigMap # kind\ndata:\n  # before a\n  a: "1"\n  list: [ x, y ]\n  b: two\n');
  });

  test('the inputs are not modified', () => {
    const target = y(pod('containers: [{name: a, image: a}]'));
    const patch = y(pod('containers: [{name: a, $patch: delete}]'));
    const before = [String(target), String(patch)];
    strategicMergePatch(target, patch);
    assert.deepEqual([String(target), String(patch)], before);
  });
});

describe('strategicMergePatch lists', () => {
  test('associative lists merge by key, patch elements first', () => {
    const out = merge(
      pod('containers:\n- {name: a, image: a:1, env: [{name: X, value: "1"}]}\n- {name: b, image: b}'),
      pod('containers:\n- {name: c, image: c}\n- {name: a, image: a:2, env: [{name: Y, value: "2"}]}'),
    );
    assert.deepEqual(podSpec(out), {
      containers: [
        { name: 'c', image: 'c' },
        {
          name: 'a',
          image: 'a:2',
          env: [
            { name: 'Y', value: '2' },
            { name: 'X', value: '1' },
          ],
        },
        { name: 'b', image: 'b' },
      ],
    });
  });

  test('ports merge on containerPort and protocol', () => {
    const out = merge(
      pod('containers:\n- name: a\n  ports: [{containerPort: 80, protocol: TCP}, {containerPort: 81}]'),
      pod('containers:\n- name: a\n  ports: [{containerPort: 80, protocol: UDP}, {containerPort: 81, name: m}]'),
    );
    assert.deepEqual(podSpec(out), {
      containers: [
        {
          name: 'a',
          ports: [
            { containerPort: '80', protocol: 'UDP' },
            { containerPort: '80', protocol: 'TCP' },
            { containerPort: '81', name: 'm' },
          ],
        },
      ],
    });
  });

  test('$patch: delete on an element removes it; on the list removes the list', () => {
    const target = pod('containers: [{name: a}, {name: b}]\nvolumes: [{name: v}]');
    const out = merge(target, pod('containers: [{name: a, $patch: delete}]\nvolumes: [{$patch: delete}]'));
    assert.deepEqual(podSpec(out), { containers: [{ name: 'b' }] });
  });

  test('$patch: replace on the list keeps only the patch elements', () => {
    const out = merge(pod('volumes: [{name: a}, {name: b}]'), pod('volumes: [{$patch: replace}, {name: c}]'));
    assert.deepEqual(podSpec(out), { volumes: [{ name: 'c' }] });
  });

  test('lists of primitives with a merge strategy are unions, patch values first', () => {
    const out = merge(
      `${DEPLOY.replace('{name: web}', '{name: web, finalizers: [a, b]}')}`,
      'metadata: {finalizers: [c, a]}',
    );
    assert.deepEqual((out as { metadata: unknown }).metadata, { name: 'web', finalizers: ['c', 'a', 'b'] });
  });

  test('lists without a strategy are replaced', () => {
    const out = merge(pod('containers: [{name: a, args: [x, y]}]'), pod('containers: [{name: a, args: [z]}]'));
    assert.deepEqual(podSpec(out), { containers: [{ name: 'a', args: ['z'] }] });
  });

  test('elements without the merge key match each other by the empty value (kustomize quirk)', () => {
    const out = merge(pod('containers: [{name: a}, {image: x}]'), pod('containers: [{image: y}]'));
    assert.deepEqual(podSpec(out), { containers: [{ image: 'x' }] });
  });

  test('unknown kinds have no schema: their lists are replaced, their maps merged', () => {
    const out = merge(
      'apiVersion: x.io/v1\nkind: W\nspec: {l: [{name: a, v: 1}], m: {a: 1}}',
      'spec: {l: [{name: a, w: 2}], m: {b: 2}}',
    );
    assert.deepEqual((out as { spec: unknown }).spec, { l: [{ name: 'a', w: '2' }], m: { a: '1', b: '2' } });
  });

  test('an object inside an unknown kind that names a known kind merges with that kind schema', () => {
    const target =
      'apiVersion: x.io/v1\nkind: W\nspec:\n  t:\n    apiVersion: v1\n    kind: Pod\n    spec: {containers: [{name: a}, {name: b}]}';
    const out = merge(target, 'spec: {t: {spec: {containers: [{name: b, image: b}]}}}');
    assert.deepEqual((out as { spec: { t: { spec: unknown } } }).spec.t.spec, {
      containers: [{ name: 'b', image: 'b' }, { name: 'a' }],
    });
  });

  test("fields newer than kustomize's schema replace; the current apiserver schema merges them", () => {
    const target = pod('schedulingGates: [{name: a}]');
    const patch = pod('schedulingGates: [{name: b}]');
    assert.deepEqual(podSpec(merge(target, patch)), { schedulingGates: [{ name: 'b' }] });
    assert.deepEqual(podSpec(merge(target, patch, { schema: kubernetesMergeSchema() })), {
      schedulingGates: [{ name: 'b' }, { name: 'a' }],
    });
  });
});

describe('strategicMergePatchResource', () => {
  const target = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: n}\ndata: {x: "1"}';

  test('keeps the target kind, name and namespace', () => {
    const out = strategicMergePatchResource(
      y(target),
      y('kind: Secret\nmetadata: {name: b, namespace: m}\ndata: {y: "2"}'),
    );
    assert.deepEqual(out?.toJSON(), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'a', namespace: 'n' },
      data: { x: '1', y: '2' },
    });
  });

  test('allowNameChange and allowKindChange let the patch rename', () => {
    const out = strategicMergePatchResource(y(target), y('kind: Secret\nmetadata: {name: b}'), {
      allowNameChange: true,
      allowKindChange: true,
    });
    assert.deepEqual(out?.toJSON(), {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'b', namespace: 'n' },
      data: { x: '1' },
    });
  });

  test('a resource merged into nothing is gone', () => {
    assert.equal(strategicMergePatchResource(y(target), y('$patch: delete')), undefined);
  });
});
