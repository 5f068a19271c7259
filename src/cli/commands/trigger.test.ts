import assert from 'node:assert/strict';
import { test } from 'node:test';

import { shownUrl, type TriggerFlags, validateTriggerFlags } from './trigger.ts';

const flags = (extra: Partial<TriggerFlags>): TriggerFlags => ({
  token: '',
  url: 'https://hooks.example.com',
  type: 'generic',
  oidcProvider: '',
  oidcToken: '',
  oidcAudience: '',
  payload: '{}',
  retries: 10,
  retryDelay: 10_000,
  ...extra,
});

test('shownUrl keeps the first 8 hex digits of the hook digest and nothing else of it', () => {
  const digest = 'a'.repeat(8) + 'b'.repeat(56);
  assert.equal(shownUrl(`https://h.example.com/base/hook/${digest}`), 'https://h.example.com/base/hook/aaaaaaaa…');
  assert.equal(shownUrl('https://h.example.com/other'), 'https://h.example.com/other');
});

test('validateTriggerFlags: the token belongs to every type but generic-oidc', () => {
  assert.doesNotThrow(() => validateTriggerFlags(flags({ token: 't' })));
  assert.doesNotThrow(() => validateTriggerFlags(flags({ type: 'generic-oidc', oidcProvider: 'forgejo' })));
  assert.throws(() => validateTriggerFlags(flags({})), /^CliInputError: --token is required for --type=generic$/);
  assert.throws(
    () => validateTriggerFlags(flags({ type: 'generic-oidc', oidcToken: 'x', oidcProvider: 'github' })),
    /mutually exclusive/,
  );
  assert.throws(() => validateTriggerFlags(flags({ url: '', token: 't' })), /--url is required/);
});
