import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commitSubject, parseCommitObject, parseTagObject } from './objects.ts';

const sig = '-----BEGIN PGP SIGNATURE-----\n\niQEz\n=abcd\n-----END PGP SIGNATURE-----\n';

void test('parseCommitObject removes the gpgsig header and its continuation lines from the payload', () => {
  const payload = 'tree t\nparent p\nauthor A <a@b> 1 +0000\ncommitter A <a@b> 1 +0000\n\nsubject line\n\nbody\n';
  const headers = payload.slice(0, payload.indexOf('\n\n'));
  const sigLines = sig.trimEnd().split('\n');
  const raw = `${headers}\ngpgsig ${sigLines[0]}\n${sigLines
    .slice(1)
    .map((l) => ` ${l}`)
    .join('\n')}${payload.slice(headers.length)}`;
  const o = parseCommitObject(raw);
  assert.equal(o.payload, payload);
  assert.equal(o.signature, sig);
  assert.equal(commitSubject(raw), 'subject line');
  assert.equal(parseCommitObject(payload).signature, undefined);
});

void test('parseTagObject splits a trailing signature', () => {
  const payload = 'object o\ntype commit\ntag v1\ntagger A <a@b> 1 +0000\n\nrelease\n';
  const o = parseTagObject(payload + sig);
  assert.equal(o.payload, payload);
  assert.equal(o.signature, sig);
  assert.equal(parseTagObject(payload).signature, undefined);
});
