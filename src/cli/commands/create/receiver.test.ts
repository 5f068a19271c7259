import assert from 'node:assert/strict';
import { test } from 'node:test';

import { RECEIVER_TYPES as API_RECEIVER_TYPES } from '../../../api/index.ts';
import { RECEIVER_TYPES } from './receiver.ts';

test('create receiver accepts exactly the Receiver types of the API', () => {
  assert.deepEqual([...RECEIVER_TYPES], [...API_RECEIVER_TYPES]);
});
