import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DurationError, formatGoDuration, parseGoDuration } from './duration.ts';

// Expected strings are what Go's time.ParseDuration(...).String() prints (documented in the time package).
describe('Go durations', () => {
  const cases: [string, string][] = [
    ['60s', '1m0s'],
    ['1m', '1m0s'],
    ['90s', '1m30s'],
    ['1h', '1h0m0s'],
    ['1h30m', '1h30m0s'],
    ['1.5h', '1h30m0s'],
    ['1.5s', '1.5s'],
    ['500ms', '500ms'],
    ['1500ms', '1.5s'],
    ['2us', '2µs'],
    ['2µs', '2µs'],
    ['1ns', '1ns'],
    ['0', '0s'],
    ['-1m', '-1m0s'],
    ['+5m', '5m0s'],
    ['.5s', '500ms'],
    ['100h', '100h0m0s'],
    ['1h1m1s1ms', '1h1m1.001s'],
  ];
  for (const [input, want] of cases) {
    it(`${input} → ${want}`, () => assert.equal(formatGoDuration(parseGoDuration(input)), want));
  }
  for (const bad of ['', '1', '1d', 'abc', '-', '1.s.s', 'm']) {
    it(`rejects ${JSON.stringify(bad)}`, () => assert.throws(() => parseGoDuration(bad), DurationError));
  }
});
