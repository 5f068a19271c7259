import assert from 'node:assert/strict';
import { test } from 'node:test';

import { goParseInt, parseTimestamp, plainWouldRetype, resolvePlain } from './resolve.ts';

test('resolvePlain types plain scalars as go-yaml v3 does', () => {
  assert.equal(resolvePlain('0x10'), 16n);
  assert.equal(resolvePlain('017'), 15n);
  assert.equal(resolvePlain('0o17'), 15n);
  assert.equal(resolvePlain('1_000'), 1000n);
  assert.equal(resolvePlain('1e3'), 1000);
  assert.equal(resolvePlain('yes'), 'yes');
  assert.equal(resolvePlain('True'), true);
  assert.equal(resolvePlain('~'), null);
  assert.equal(resolvePlain('12345678901234567890'), 12345678901234567890n);
  assert.equal(resolvePlain('2001-12-14'), '2001-12-14T00:00:00Z');
  assert.equal(resolvePlain('1.2.3'), '1.2.3');
});

test('plainWouldRetype follows go-yaml v2 (YAML 1.1 booleans, base-60 floats)', () => {
  for (const s of ['y', 'on', 'Off', 'null', '1', '-1.5', '.5', '0b101', '1:20', '2002-12-14'])
    assert.ok(plainWouldRetype(s), s);
  for (const s of ['yesno', 'x', '1.2.3', '<<', '0x', '2002-13-14']) assert.ok(!plainWouldRetype(s), s);
});

test('goParseInt implements base prefixes and ranges', () => {
  assert.equal(goParseInt('-0x10', false), -16n);
  assert.equal(goParseInt('9223372036854775808', false), undefined);
  assert.equal(goParseInt('9223372036854775808', true), 9223372036854775808n);
  assert.equal(goParseInt('08', false), undefined);
  assert.equal(parseTimestamp('2024-02-30'), undefined);
});
