import assert from 'node:assert/strict';
import { test } from 'node:test';

import { goQuote } from './go-quote.ts';

test('goQuote: Go strconv.Quote escapes', () => {
  assert.equal(goQuote('a"b\\c'), String.raw`"a\"b\\c"`);
  assert.equal(goQuote('\x07\b\f\n\r\t\v\x00\x7f'), String.raw`"\a\b\f\n\r\t\v\x00\x7f"`);
  assert.equal(goQuote('é ✓ 日本'), '"é ✓ 日本"');
  assert.equal(goQuote('\u00a0\u200b\u{e0001}'), String.raw`"\u00a0\u200b\U000e0001"`);
  assert.equal(goQuote(new Uint8Array([0x61, 0xff, 0xc3])), String.raw`"a\xff\xc3"`);
});
