import assert from 'node:assert/strict';
import { test } from 'node:test';

import { formatDuration, parseDuration } from './duration.ts';
import { intervalJitter, JitterError } from './jitter.ts';

void test('jitter moves the interval by at most ±p%', () => {
  const jitter = intervalJitter(5);
  for (let i = 0; i < 1000; i++) {
    const d = jitter(600_000);
    assert.ok(d >= 570_000 && d <= 630_000, `${d}`);
  }
});

void test('jitter maps the random draw onto [-p%, +p%] linearly', () => {
  assert.equal(intervalJitter(10, () => 0)(60_000), 54_000);
  assert.equal(intervalJitter(10, () => 0.5)(60_000), 60_000);
  assert.equal(intervalJitter(10, () => 1)(60_000), 66_000);
});

void test('jitter of 0% is the identity and 100% is rejected', () => {
  assert.equal(intervalJitter(0)(1234), 1234);
  assert.throws(() => intervalJitter(100), JitterError);
  assert.throws(() => intervalJitter(-1), JitterError);
});

void test('jitter spreads values rather than returning a constant', () => {
  const jitter = intervalJitter(5);
  const values = new Set(Array.from({ length: 50 }, () => jitter(60_000)));
  assert.ok(values.size > 10);
});

void test('parseDuration reads Go durations', () => {
  assert.equal(parseDuration('1m'), 60_000);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('750ms'), 750);
  assert.equal(parseDuration('1.5s'), 1500);
  assert.equal(parseDuration('0'), 0);
  assert.throws(() => parseDuration('5'));
  assert.throws(() => parseDuration('5 m'));
  assert.throws(() => parseDuration(''));
});

void test('formatDuration prints like Go', () => {
  assert.equal(formatDuration(300_000), '5m0s');
  assert.equal(formatDuration(3_600_000), '1h0m0s');
  assert.equal(formatDuration(1500), '1.5s');
  assert.equal(formatDuration(750), '750ms');
});
