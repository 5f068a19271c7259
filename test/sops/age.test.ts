// Differential tests with age keys: everything sops encrypts we decrypt to exactly what `sops decrypt` prints, and
// everything we encrypt sops decrypts to the same, laid out exactly as sops lays out its own encryption.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  AgeKeyService,
  AgeRecipient,
  decrypt,
  encrypt,
  isEncrypted,
  type Format,
} from '../../src/engines/sops/index.ts';
import {
  BINARY_DOC,
  COMPLEX_KEYS_DOC,
  COMMENTS_DOC,
  DOTENV_DOC,
  SCALARS_DOC,
  SCALARS_JSON,
  INI_DOC,
  JSON_DOC,
  NUMBERS_DOC,
  TEXT_BINARY_DOC,
  YAML_DOC,
} from './docs.ts';
import { EXT, setup, shape, sopsBinary, sopsOk, writeTemp, type Fixture } from './support.ts';

const sops = await sopsBinary();

const CASES: { name: string; format: Format; doc: string | Uint8Array }[] = [
  { name: 'yaml: nested, every type, comments, two documents', format: 'yaml', doc: YAML_DOC },
  { name: 'yaml: comments in every position', format: 'yaml', doc: COMMENTS_DOC },
  { name: 'yaml: strings that need quoting or escapes', format: 'yaml', doc: SCALARS_DOC },
  { name: 'yaml: long and multi-line keys', format: 'yaml', doc: COMPLEX_KEYS_DOC },
  { name: 'yaml: number limits and float formatting', format: 'yaml', doc: NUMBERS_DOC },
  { name: 'json: nested, numbers, escapes', format: 'json', doc: JSON_DOC },
  { name: 'json: strings that need escapes', format: 'json', doc: SCALARS_JSON },
  { name: 'dotenv: comments, escaped newlines', format: 'dotenv', doc: DOTENV_DOC },
  { name: 'ini: sections, comments, quoting', format: 'ini', doc: INI_DOC },
  { name: 'binary: arbitrary bytes', format: 'binary', doc: BINARY_DOC },
  { name: 'binary: a text file', format: 'binary', doc: TEXT_BINARY_DOC },
];

describe('sops differential (age)', () => {
  let fx: Fixture;
  before(async () => {
    fx = await setup(sops, false);
  });
  after(() => fx.cleanup());

  for (const c of CASES) {
    test(c.name, async () => {
      const plainPath = writeTemp(fx, EXT[c.format], c.doc);
      const theirsEnc = sopsOk(fx, ['encrypt', '--age', fx.age.recipient, plainPath]);
      const theirsEncPath = writeTemp(fx, EXT[c.format], theirsEnc);
      const expected = sopsOk(fx, ['decrypt', theirsEncPath], { age: [fx.age] });
      const keys = [new AgeKeyService([fx.age.identity])];

      const plainBytes = typeof c.doc === 'string' ? Buffer.from(c.doc) : c.doc;
      assert.equal(isEncrypted(theirsEnc, c.format), true, 'sops output is detected as encrypted');
      assert.equal(isEncrypted(plainBytes, c.format), false, 'plaintext is not detected as encrypted');

      const ours = await decrypt(theirsEnc, { format: c.format, keys });
      assert.equal(Buffer.from(ours).toString('base64'), expected.toString('base64'), 'we decrypt what sops encrypted');
      assert.equal(Buffer.from(ours).toString(), expected.toString());

      const oursEnc = await encrypt(typeof c.doc === 'string' ? Buffer.from(c.doc) : c.doc, {
        format: c.format,
        recipients: [new AgeRecipient(fx.age.recipient)],
      });
      const oursEncPath = writeTemp(fx, EXT[c.format], oursEnc);
      const sopsOfOurs = sopsOk(fx, ['decrypt', oursEncPath], { age: [fx.age] });
      assert.equal(sopsOfOurs.toString(), expected.toString(), 'sops decrypts what we encrypted');
      assert.equal(shape(Buffer.from(oursEnc), c.format), shape(theirsEnc, c.format), 'same layout as sops');
    });
  }

  test('a document for two age recipients decrypts with either identity', async () => {
    const plainPath = writeTemp(fx, '.yaml', 'a: 1\nb: [x, y]\n');
    const enc = await encrypt(Buffer.from('a: 1\nb: [x, y]\n'), {
      format: 'yaml',
      recipients: [new AgeRecipient(fx.age.recipient), new AgeRecipient(fx.age2.recipient)],
    });
    const encPath = writeTemp(fx, '.yaml', enc);
    const expected = sopsOk(fx, ['decrypt', encPath], { age: [fx.age2] });
    const theirs = sopsOk(fx, ['encrypt', '--age', `${fx.age.recipient},${fx.age2.recipient}`, plainPath]);
    for (const id of [fx.age, fx.age2]) {
      const ours = await decrypt(theirs, { format: 'yaml', keys: [new AgeKeyService([id.identity])] });
      assert.equal(Buffer.from(ours).toString(), expected.toString());
    }
  });
});

describe('sops differential (age post-quantum hybrid keys)', () => {
  let fx: Fixture;
  before(async () => {
    fx = await setup(sops, false);
  });
  after(() => fx.cleanup());

  test('sops encrypts for an age1pq1 recipient, we decrypt; and back', async () => {
    const { generateHybridIdentity, identityToRecipient } = await import('age-encryption');
    const identity = await generateHybridIdentity();
    const key = { identity, recipient: await identityToRecipient(identity) };
    assert.match(key.recipient, /^age1pq1/);
    const doc = 'user: admin\npassword: hunter2\n';
    const theirs = sopsOk(fx, ['encrypt', '--age', key.recipient, writeTemp(fx, '.yaml', doc)]);
    const ours = await decrypt(theirs, { format: 'yaml', keys: [new AgeKeyService([identity])] });
    assert.equal(Buffer.from(ours).toString(), doc);
    const oursEnc = await encrypt(Buffer.from(doc), { format: 'yaml', recipients: [new AgeRecipient(key.recipient)] });
    assert.equal(sopsOk(fx, ['decrypt', writeTemp(fx, '.yaml', oursEnc)], { age: [key] }).toString(), doc);
  });
});
