// Unit tests of JSON 6902: every operation, pointer escaping, the evanphx/json-patch v4 extensions kustomize
// inherits, patch text parsing, and the JSON round trip's effect on scalars.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { Document, isScalar, parseDocument, type YAMLMap } from 'yaml';

import { applyJson6902, Json6902Error, parseJson6902, type Json } from './index.ts';

const y = (text: string): YAMLMap<unknown, unknown> =>
  parseDocument(text, { schema: 'failsafe', uniqueKeys: false, strict: false }).contents as YAMLMap<unknown, unknown>;

const DOC = 'metadata: {name: a, annotations: {x/y: "1", t~u: "2"}}\nspec: {list: [a, b, c], n: 1}';

/** apply runs JSON-text operations on DOC and returns the result as plain data with typed scalars. */
const apply = (ops: unknown[], doc = DOC): unknown => applyJson6902(y(doc), JSON.stringify(ops)).toJSON();

describe('applyJson6902 operations', () => {
  test('add sets object members, inserts into arrays and appends with -', () => {
    const out = apply([
      { op: 'add', path: '/spec/m', value: { k: 'v' } },
      { op: 'add', path: '/spec/list/1', value: 'x' },
      { op: 'add', path: '/spec/list/-', value: 'z' },
    ]);
    assert.deepEqual((out as { spec: unknown }).spec, { list: ['a', 'x', 'b', 'c', 'z'], m: { k: 'v' }, n: '1' });
  });

  test('negative indices count from the end (json-patch v4 extension)', () => {
    const out = apply([
      { op: 'add', path: '/spec/list/-1', value: 'end' },
      { op: 'remove', path: '/spec/list/-4' },
    ]);
    assert.deepEqual((out as { spec: { list: unknown } }).spec.list, ['b', 'c', 'end']);
  });

  test('~1 and ~0 unescape to / and ~', () => {
    const out = apply([
      { op: 'replace', path: '/metadata/annotations/x~1y', value: 'slash' },
      { op: 'remove', path: '/metadata/annotations/t~0u' },
    ]);
    assert.deepEqual((out as { metadata: unknown }).metadata, { annotations: { 'x/y': 'slash' }, name: 'a' });
  });

  test('replace of a missing object key adds it; of a missing index fails', () => {
    assert.deepEqual(
      (apply([{ op: 'replace', path: '/spec/new', value: 1 }]) as { spec: { new: unknown } }).spec.new,
      '1',
    );
    assert.throws(() => apply([{ op: 'replace', path: '/spec/list/3', value: 1 }]), /invalid index: 3/);
  });

  test('move and copy; a copy does not alias its source', () => {
    const out = apply([
      { op: 'copy', from: '/metadata/annotations', path: '/spec/copied' },
      { op: 'add', path: '/spec/copied/extra', value: 'e' },
      { op: 'move', from: '/spec/list/0', path: '/spec/list/-' },
      { op: 'move', from: '/spec/n', path: '/spec/moved' },
    ]);
    assert.deepEqual(out, {
      metadata: { annotations: { 't~u': '2', 'x/y': '1' }, name: 'a' },
      spec: { copied: { extra: 'e', 't~u': '2', 'x/y': '1' }, list: ['b', 'c', 'a'], moved: '1' },
    });
  });

  test('test passes on equal values (objects regardless of key order) and fails otherwise', () => {
    assert.doesNotThrow(() =>
      apply([
        { op: 'test', path: '/spec/n', value: 1 },
        { op: 'test', path: '/metadata/annotations', value: { 't~u': '2', 'x/y': '1' } },
        { op: 'test', path: '/spec/absent', value: null },
      ]),
    );
    assert.throws(() => apply([{ op: 'test', path: '/spec/n', value: '1' }]), /test failed/);
  });

  test('evanphx quirks: a path without a leading / loses its first segment; copy of a missing key copies null', () => {
    const out = apply([
      { op: 'add', path: 'spec/x', value: 1 },
      { op: 'copy', from: '/spec/absent', path: '/spec/copied' },
    ]) as { x: unknown; spec: { copied: unknown } };
    assert.equal(out.x, '1');
    assert.equal(out.spec.copied, 'null');
  });

  test('errors name the operation index, op and path', () => {
    assert.throws(
      () =>
        apply([
          { op: 'add', path: '/spec/n', value: 2 },
          { op: 'remove', path: '/spec/nothing' },
        ]),
      (err: unknown) => {
        assert.ok(err instanceof Json6902Error);
        assert.match(
          err.message,
          /operation 1 \(remove path "\/spec\/nothing"\) failed: Unable to remove nonexistent key/,
        );
        return true;
      },
    );
    assert.throws(() => apply([{ op: 'add', path: '/a/b/c', value: 1 }]), /doc is missing path: "\/a\/b\/c"/);
    assert.throws(() => apply([{ op: 'frobnicate', path: '/a' }]), /Unexpected kind: frobnicate/);
  });

  test('comments and quoting of the untouched parts survive (round trip through yaml)', () => {
    const target = y('kind: ConfigMap # kind\ndata:\n  # before a\n  a: "1"\n');
    const out = applyJson6902(target, '[{"op": "add", "path": "/data/b", "value": "two"}]');
    const doc = new Document();
    doc.contents = out;
    assert.equal(String(doc), 'kind: ConfigMap # kind\ndata:\n  # before a\n  a: "1"\n  b: "two"\n');
  });

  test('the target is not modified', () => {
    const target = y(DOC);
    const before = String(target);
    applyJson6902(target, '[{"op": "remove", "path": "/spec"}]');
    assert.equal(String(target), before);
  });
});

describe('applyJson6902 JSON round trip', () => {
  test('numbers become float64 text as Go prints them, timestamps strings, strings stay strings', () => {
    const out = applyJson6902(y('z: 1\nbig: 12345678901234567890\nf: 1.50\nd: 2024-01-02\nq: "7"'), [
      new Map<string, Json>([
        ['op', 'add'],
        ['path', '/m'],
        ['value', 3000000],
      ]),
    ]);
    const text = (k: string): unknown => {
      const v = out.get(k, true);
      return isScalar(v) ? [v.value, v.type] : undefined;
    };
    assert.deepEqual(text('big'), ['1.2345678901234567e+19', 'PLAIN']);
    assert.deepEqual(text('f'), ['1.5', 'PLAIN']);
    assert.deepEqual(text('m'), ['3e+06', 'PLAIN']);
    assert.deepEqual(text('d'), ['2024-01-02T00:00:00Z', 'QUOTE_DOUBLE']);
    assert.deepEqual(text('q'), ['7', 'QUOTE_DOUBLE']);
    assert.deepEqual(text('z'), ['1', 'PLAIN']);
  });
});

describe('parseJson6902', () => {
  test('reads JSON when the text starts with [', () => {
    const ops = parseJson6902('[{"op":"add","path":"/a","value":{"b":[1,true,null]}}]');
    assert.deepEqual(ops[0]?.get('value'), new Map([['b', [1, true, null]]]));
  });

  test('reads YAML with go-yaml v2 typing', () => {
    const ops = parseJson6902('- op: add\n  path: /a\n  value: [yes, off, "on", 0x10, 1_000, 2024-01-02, ~]\n');
    assert.deepEqual(ops[0]?.get('value'), [true, false, 'on', 16, 1000, '2024-01-02', null]);
  });

  test('expands YAML aliases', () => {
    const ops = parseJson6902('- op: add\n  path: /a\n  value: &v {k: x}\n- op: add\n  path: /b\n  value: *v\n');
    assert.deepEqual(ops[1]?.get('value'), new Map([['k', 'x']]));
  });

  test('rejects text that is not a list of operations', () => {
    assert.throws(() => parseJson6902('op: add\npath: /a\n'), /expected a list of operations/);
    assert.throws(() => parseJson6902('[{"op": '), /invalid JSON/);
  });
});
