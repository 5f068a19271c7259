import assert from 'node:assert/strict';
import { test } from 'node:test';

import { LabelSelectorError, parseLabelSelector, selectorForList } from './label-selector.ts';

test('selectorForList writes the selector back sorted by key, as the apiserver receives it', () => {
  assert.equal(selectorForList('team in (web,ops,web),!legacy'), '!legacy,team in (ops,web)');
  assert.equal(selectorForList(' b==2 , a=1,c'), 'a=1,b=2,c');
  assert.equal(selectorForList('x notin ()'), 'x notin ()');
  assert.equal(selectorForList('k in (,a)'), 'k in (,a)');
  assert.equal(selectorForList('in in (in, notin)'), 'in in (in,notin)');
  assert.equal(selectorForList(''), '');
});

test('parseLabelSelector keeps the operators selectorForList refuses', () => {
  assert.deepEqual(parseLabelSelector('a!=b,n>3'), [
    { key: 'a', operator: '!=', values: ['b'] },
    { key: 'n', operator: 'gt', values: ['3'] },
  ]);
});

test('refusals carry apimachinery wording', () => {
  const refused = (s: string): string => {
    try {
      selectorForList(s);
    } catch (err) {
      assert.ok(err instanceof LabelSelectorError);
      return err.message;
    }
    assert.fail(`${s} was accepted`);
  };
  assert.equal(
    refused('a in'),
    `couldn't parse the selector string "a in": unable to parse requirement: found '' expected: '('`,
  );
  assert.equal(refused('a!=b'), '"!=" is not a valid label selector operator');
  assert.equal(refused('a<1'), `"lt" isn't supported in label selectors`);
  assert.match(refused('app=$$'), /values\[0\]\[app\]: Invalid value: "\$\$": a valid label must be an empty string/);
  assert.match(refused('-a=b'), /<nil>: Invalid value: "-a": name part must consist of alphanumeric characters/);
  assert.equal(
    refused(','),
    `couldn't parse the selector string ",": found ',', expected: !, identifier, or 'end of string'`,
  );
});
