import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { applyDefaults } from './defaults.ts';
import { GO_DURATION, s, TIMEOUT_DURATION } from './dsl.ts';
import { structuralProblems } from './structural.ts';

void describe('schema DSL', () => {
  void it('lists non-optional properties as required, sorted', () => {
    const node = s.object({ b: s.string(), a: s.integer(), c: s.boolean().optional() });
    assert.deepEqual(node.openapi.required, ['a', 'b']);
    assert.deepEqual(Object.keys(node.openapi.properties ?? {}), ['b', 'a', 'c']);
    assert.equal(node.openapi.type, 'object');
  });

  void it('omits required when every property is optional', () => {
    assert.equal(s.object({ a: s.string().optional() }).openapi.required, undefined);
  });

  void it('keeps nodes immutable', () => {
    const base = s.string();
    const described = base.describe('x');
    const optional = base.optional();
    assert.equal(base.openapi.description, undefined);
    assert.equal(described.openapi.description, 'x');
    assert.equal(base.isOptional, false);
    assert.equal(optional.isOptional, true);
  });

  void it('renders enums, maps, arrays and free-form JSON', () => {
    assert.deepEqual(s.enum(['a', 'b'], { default: 'a' }).openapi, { type: 'string', enum: ['a', 'b'], default: 'a' });
    assert.deepEqual(s.map(s.string()).openapi, { type: 'object', additionalProperties: { type: 'string' } });
    assert.deepEqual(s.array(s.integer(), { maxItems: 3, listType: 'set' }).openapi, {
      type: 'array',
      items: { type: 'integer' },
      maxItems: 3,
      'x-kubernetes-list-type': 'set',
    });
    assert.deepEqual(s.json().openapi, { 'x-kubernetes-preserve-unknown-fields': true });
  });

  void it('uses Flux duration patterns that accept Go durations and reject prose', () => {
    const withHours = new RegExp(GO_DURATION);
    const noHours = new RegExp(TIMEOUT_DURATION);
    for (const ok of ['1m', '1h30m', '500ms', '1.5s', '24h']) assert.ok(withHours.test(ok), ok);
    for (const bad of ['5 minutes', '1d', '', 'm', '-1m', '1H']) assert.ok(!withHours.test(bad), bad);
    assert.ok(noHours.test('60s'));
    assert.ok(!noHours.test('1h'));
  });

  void it('flags non-structural schemas', () => {
    assert.deepEqual(structuralProblems({ type: 'object', properties: { a: {} } }), ['.a: type is missing']);
    assert.ok(structuralProblems({ type: 'object', required: ['x'] }).some((p) => p.includes('not declared')));
    assert.ok(structuralProblems({ type: 'string' }).some((p) => p.includes('root must be')));
    assert.ok(
      structuralProblems({ type: 'object', properties: { a: { type: 'string', enum: ['x'], default: 'y' } } }).some(
        (p) => p.includes('enum'),
      ),
    );
    assert.deepEqual(structuralProblems({ type: 'object', properties: { a: s.json().openapi } }), []);
  });

  void it('applies defaults like the apiserver: absent fields only, never inside absent objects', () => {
    const node = s.object({
      timeout: s.string({ default: '60s' }).optional(),
      verify: s.object({ mode: s.string({ default: 'HEAD' }).optional(), key: s.string() }).optional(),
      list: s.array(s.object({ order: s.string({ default: 'asc' }).optional() })).optional(),
      map: s.map(s.object({ n: s.integer({ default: 1 }).optional() })).optional(),
    });
    assert.deepEqual(applyDefaults(node.openapi, {}), { timeout: '60s' });
    assert.deepEqual(applyDefaults(node.openapi, { timeout: '1s', verify: { key: 'k' } }), {
      timeout: '1s',
      verify: { key: 'k', mode: 'HEAD' },
    });
    assert.deepEqual(applyDefaults(node.openapi, { list: [{}, { order: 'desc' }], map: { a: {} } }), {
      timeout: '60s',
      list: [{ order: 'asc' }, { order: 'desc' }],
      map: { a: { n: 1 } },
    });
  });

  void it('does not modify its input when applying defaults', () => {
    const input = { nested: {} };
    const node = s.object({ nested: s.object({ x: s.string({ default: 'd' }).optional() }) });
    applyDefaults(node.openapi, input);
    assert.deepEqual(input, { nested: {} });
  });
});
