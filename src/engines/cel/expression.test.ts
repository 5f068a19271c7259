import assert from 'node:assert/strict';
import { test } from 'node:test';

import { CelEvaluationError, CelExpressionError } from './errors.ts';
import { CelExpression } from './expression.ts';

// test/kstatus/cel.test.ts compares a larger corpus with Flux's Go code; these pin the two modes.

const obj = { metadata: { name: 'a' }, status: { replicas: 3, conditions: [{ type: 'Ready', status: 'True' }] } };

test('parse-only mode: the object fields are variables, integers compare as ints', () => {
  assert.equal(new CelExpression('status.replicas == 3').evaluateBoolean(obj), true);
  assert.equal(new CelExpression("status.conditions.exists(c, c.type == 'Ready')").evaluateBoolean(obj), true);
  assert.throws(() => new CelExpression('status.nope == 1').evaluateBoolean(obj), CelEvaluationError);
  assert.throws(
    () => new CelExpression('metadata.name').evaluateBoolean(obj),
    /^CelEvaluationError: failed to evaluate CEL expression as boolean: 'metadata.name'$/,
  );
});

test('compiled mode: declared variables only, bool output enforced', () => {
  const vars = { variables: ['self', 'dep'], boolOutput: true } as const;
  assert.equal(
    new CelExpression('dep.metadata.name == self.metadata.name', vars).evaluateBoolean({ self: obj, dep: obj }),
    true,
  );
  assert.throws(() => new CelExpression('other.x == 1', vars), CelExpressionError);
  assert.throws(() => new CelExpression('dep.metadata.name', vars), /output type mismatch: expected bool, got dyn/);
});

test('Flux extensions: strings, sets, base64', () => {
  const t = (e: string): boolean => new CelExpression(e).evaluateBoolean({});
  assert.ok(t("'a-b-c'.replace('-', '_', 1) == 'a_b-c'"));
  assert.ok(t("'héllo'.charAt(1) == 'é' && 'héllo'.reverse() == 'olléh'"));
  assert.ok(t("sets.equivalent(['a', 'b'], ['b', 'a', 'a'])"));
  assert.ok(t("base64.decode('aGk') == b'hi'"));
});
