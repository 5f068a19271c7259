import assert from 'node:assert/strict';
import { test } from 'node:test';

import { lineDiff } from './linediff.ts';

test('lineDiff prints removals before additions, with context and gaps', () => {
  const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'replicas: 1', 'j'].join('\n');
  const after = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'replicas: 3', 'j'].join('\n');
  assert.deepEqual(lineDiff(before, after, 1), [
    { op: '…', text: '' },
    { op: ' ', text: 'i' },
    { op: '-', text: 'replicas: 1' },
    { op: '+', text: 'replicas: 3' },
    { op: ' ', text: 'j' },
  ]);
  // A new object: every line added.
  assert.deepEqual(lineDiff('', 'x: 1\n'), [{ op: '+', text: 'x: 1' }]);
});
