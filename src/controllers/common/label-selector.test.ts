import assert from 'node:assert/strict';
import { test } from 'node:test';

import { compileLabelSelector, InvalidLabelSelectorError } from './label-selector.ts';

test('compileLabelSelector: matchLabels and every operator, ANDed; empty selects all', () => {
  const m = compileLabelSelector({
    matchLabels: { app: 'web' },
    matchExpressions: [
      { key: 'tier', operator: 'In', values: ['front', 'edge'] },
      { key: 'env', operator: 'NotIn', values: ['prod'] },
      { key: 'team', operator: 'Exists' },
      { key: 'legacy', operator: 'DoesNotExist' },
    ],
  });
  assert.equal(m({ app: 'web', tier: 'edge', team: 'a' }), true);
  assert.equal(m({ app: 'web', tier: 'edge', team: 'a', env: 'prod' }), false);
  assert.equal(m({ app: 'web', tier: 'back', team: 'a' }), false);
  assert.equal(m({ app: 'web', tier: 'edge' }), false);
  assert.equal(m({ app: 'web', tier: 'edge', team: 'a', legacy: '' }), false);
  assert.equal(m(undefined), false);
  assert.equal(compileLabelSelector(undefined)(undefined), true);
  assert.equal(compileLabelSelector({})({ any: 'x' }), true);
});

test('compileLabelSelector: apimachinery refuses unknown operators and misplaced values', () => {
  assert.throws(
    () => compileLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Like', values: ['x'] }] }),
    (e: unknown) =>
      e instanceof InvalidLabelSelectorError && e.message === '"Like" is not a valid label selector operator',
  );
  assert.throws(() => compileLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In' }] }), /can't be empty/u);
  assert.throws(
    () => compileLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }),
    /must be empty/u,
  );
});
