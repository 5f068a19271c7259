import assert from 'node:assert/strict';
import { test } from 'node:test';

import { CONTROLLER_NODE_OPTIONS, controllerProcessEnv } from './process-tuning.ts';

void test('a controller process gets the V8 flags and malloc arenas, after which the user may still override', () => {
  assert.deepEqual(controllerProcessEnv(), { NODE_OPTIONS: CONTROLLER_NODE_OPTIONS, MALLOC_ARENA_MAX: '2' });
  const env = controllerProcessEnv({ PATH: '/bin', NODE_OPTIONS: '--max-old-space-size=2048', MALLOC_ARENA_MAX: '4' });
  assert.equal(env['PATH'], '/bin');
  // Node applies the last occurrence of a flag: the user's setting wins.
  assert.equal(env['NODE_OPTIONS'], `${CONTROLLER_NODE_OPTIONS} --max-old-space-size=2048`);
  assert.equal(env['MALLOC_ARENA_MAX'], '4');
});
