import assert from 'node:assert/strict';
import { test } from 'node:test';

import { collectVariables, invalidVariableName, VariablesError } from './vars.ts';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

test('collectVariables: substituteFrom in order, later sources win, inline substitute wins over all', () => {
  const vars = collectVariables(
    [
      { ref: { kind: 'ConfigMap', name: 'cluster' }, data: { env: 'staging', region: 'eu-1' } },
      { ref: { kind: 'Secret', name: 'creds' }, data: { token: b64('s3cr3t\n'), env: b64('prod') } },
    ],
    { region: 'us-2\n' },
  );
  assert.deepEqual(Object.fromEntries(vars), { env: 'prod', region: 'us-2', token: 's3cr3t' });
});

test('collectVariables: newlines are stripped, carriage returns kept', () => {
  const vars = collectVariables([{ ref: { kind: 'ConfigMap', name: 'c' }, data: { multi: 'a\nb\r\nc' } }]);
  assert.equal(vars.get('multi'), 'ab\rc');
});

test('collectVariables: a missing optional source is skipped, a required one fails with Flux wording', () => {
  const vars = collectVariables([
    { ref: { kind: 'Secret', name: 'maybe', optional: true }, data: undefined },
    { ref: { kind: 'ConfigMap', name: 'there' }, data: { a: '1' } },
  ]);
  assert.deepEqual(Object.fromEntries(vars), { a: '1' });
  assert.throws(
    () => collectVariables([{ ref: { kind: 'ConfigMap', name: 'vars' }, data: undefined }]),
    (err: unknown) =>
      err instanceof VariablesError &&
      err.message === `substitute from 'ConfigMap/vars' error: configmaps "vars" not found`,
  );
  assert.throws(
    () => collectVariables([{ ref: { kind: 'Secret', name: 'vars' }, data: undefined }]),
    /^VariablesError: substitute from 'Secret\/vars' error: secrets "vars" not found$/,
  );
});

test('invalidVariableName: ASCII letters, digits and underscore, not starting with a digit', () => {
  assert.equal(
    invalidVariableName(
      new Map([
        ['_ok', ''],
        ['A1', ''],
      ]),
    ),
    undefined,
  );
  assert.equal(
    invalidVariableName(
      new Map([
        ['ok', ''],
        ['1bad', ''],
      ]),
    ),
    '1bad',
  );
  assert.equal(invalidVariableName(new Map([['dash-ed', '']])), 'dash-ed');
  assert.equal(invalidVariableName(new Map([['héllo', '']])), 'héllo');
});
