import assert from 'node:assert/strict';
import { test } from 'node:test';

import { EnvsubstSyntaxError, EnvsubstUnsetError } from './errors.ts';
import { envsubst, lenientLookup, strictLookup } from './eval.ts';

// Expectations from fluxcd/pkg/envsubst's README and tests; test/envsubst compares a larger corpus with Flux itself.
const vars = new Map([
  ['name', 'podinfo'],
  ['file', 'bash.string.txt'],
  ['empty', ''],
]);
const strict = strictLookup(vars);

test('envsubst: only ${ opens an expression; $$ escapes', () => {
  assert.equal(envsubst('$name ${name}', strict), '$name podinfo');
  assert.equal(envsubst('$${name}', strict), '${name}');
});

test('envsubst: defaults and case operators', () => {
  assert.equal(envsubst('${tag:=latest} ${tag:-x} ${tag=y}', strict), 'latest x y');
  assert.equal(envsubst('${empty:=filled}', strict), 'filled');
  assert.equal(envsubst('${name^^} ${name^} ${#name}', strict), 'PODINFO Podinfo 7');
});

test('envsubst: trims, substrings and replacement', () => {
  assert.equal(envsubst('${file%%.*} ${file##*.} ${file:5:6} ${file/./-}', strict), 'bash txt string bash-string.txt');
});

test('envsubst: strict mode names the undefined variable; lenient mode empties it', () => {
  assert.throws(
    () => envsubst('a: ${missing}', strict),
    (err: unknown) => {
      return err instanceof EnvsubstUnsetError && err.message === 'variable not set (strict mode): "missing"';
    },
  );
  assert.equal(envsubst('a: ${missing}', lenientLookup(vars)), 'a: ');
});

test('envsubst: syntax errors carry Flux wording', () => {
  assert.throws(
    () => envsubst('${name', strict),
    (err: unknown) => err instanceof EnvsubstSyntaxError && err.message === 'missing closing brace',
  );
  assert.throws(() => envsubst('${name-x}', strict), /missing closing brace/);
  assert.throws(() => envsubst('${}', strict), /unable to parse variable name/);
});
