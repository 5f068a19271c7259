// Differential tests of the encryption rules (encrypted/unencrypted regex and suffix, comment regex,
// mac_only_encrypted) and of key groups with Shamir sharing, against the sops CLI.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  AgeKeyService,
  AgeRecipient,
  decrypt,
  encrypt,
  PgpKeyService,
  PgpRecipient,
  SopsKeyError,
  SopsMacError,
  type Format,
  type Rules,
} from '../../src/engines/sops/index.ts';
import { EXT, runSops, setup, shape, sopsBinary, sopsOk, writeTemp, type Fixture } from './support.ts';

const sops = await sopsBinary();

const YAML = `# sops:enc
password: hunter2
token_secret: abc
name_public: web
kind: Secret
data:
    key: dmFsdWU=
    nested_secret:
        inner: 1
list:
    - password: p1
    - plain
`;
const JSON_DOC = `{"password": "hunter2", "token_secret": "abc", "name_public": "web", "kind": "Secret",
 "data": {"key": "dmFsdWU=", "nested_secret": {"inner": 1.5}}, "list": [{"password": true}, "plain"]}`;
const DOTENV = 'password=hunter2\ntoken_secret=abc\nname_public=web\nkind=Secret\n';

const DOCS: { format: Format; doc: string }[] = [
  { format: 'yaml', doc: YAML },
  { format: 'json', doc: JSON_DOC },
  { format: 'dotenv', doc: DOTENV },
];

// The sops CLI has flags for the regex and suffix rules; mac_only_encrypted and the comment regexes are set in
// .sops.yaml creation rules (`config`).
const RULES: { name: string; flags: string[]; config?: string; rules: Rules; formats?: Format[] }[] = [
  {
    name: 'encrypted_regex',
    flags: ['--encrypted-regex', '^(data|password)$'],
    rules: { encryptedRegex: '^(data|password)$' },
  },
  {
    name: 'unencrypted_regex',
    flags: ['--unencrypted-regex', '^(kind|name_.*)$'],
    rules: { unencryptedRegex: '^(kind|name_.*)$' },
  },
  { name: 'encrypted_suffix', flags: ['--encrypted-suffix', '_secret'], rules: { encryptedSuffix: '_secret' } },
  { name: 'unencrypted_suffix', flags: ['--unencrypted-suffix', '_public'], rules: { unencryptedSuffix: '_public' } },
  {
    name: 'mac_only_encrypted with encrypted_regex',
    flags: [],
    config: "mac_only_encrypted: true\n    encrypted_regex: '^password$'",
    rules: { macOnlyEncrypted: true, encryptedRegex: '^password$' },
  },
  {
    name: 'encrypted_comment_regex',
    flags: [],
    config: "encrypted_comment_regex: 'sops:enc'",
    rules: { encryptedCommentRegex: 'sops:enc' },
    formats: ['yaml'],
  },
];

describe('sops differential: encryption rules', () => {
  let fx: Fixture;
  before(async () => {
    fx = await setup(sops, false);
  });
  after(() => fx.cleanup());

  for (const r of RULES) {
    for (const d of DOCS.filter((x) => !r.formats || r.formats.includes(x.format))) {
      test(`${r.name} (${d.format})`, async () => {
        const plainPath = writeTemp(fx, EXT[d.format], d.doc);
        const args = ['encrypt', '--age', fx.age.recipient, ...r.flags, plainPath];
        if (r.config) args.unshift('--config', writeTemp(fx, '.sops.yaml', `creation_rules:\n  - ${r.config}\n`));
        const theirsEnc = sopsOk(fx, args);
        const expected = sopsOk(fx, ['decrypt', writeTemp(fx, EXT[d.format], theirsEnc)], { age: [fx.age] });
        const keys = [new AgeKeyService([fx.age.identity])];
        const ours = await decrypt(theirsEnc, { format: d.format, keys });
        assert.equal(Buffer.from(ours).toString(), expected.toString());

        const oursEnc = await encrypt(Buffer.from(d.doc), {
          format: d.format,
          recipients: [new AgeRecipient(fx.age.recipient)],
          rules: r.rules,
        });
        assert.equal(shape(Buffer.from(oursEnc), d.format), shape(theirsEnc, d.format), 'same values encrypted');
        const sopsOfOurs = sopsOk(fx, ['decrypt', writeTemp(fx, EXT[d.format], oursEnc)], { age: [fx.age] });
        assert.equal(sopsOfOurs.toString(), expected.toString());
      });
    }
  }

  test('mac_only_encrypted lets cleartext values change; otherwise the MAC catches it (sops agrees)', async () => {
    const keys = [new AgeKeyService([fx.age.identity])];
    for (const macOnly of [true, false]) {
      const enc = await encrypt(Buffer.from(YAML), {
        format: 'yaml',
        recipients: [new AgeRecipient(fx.age.recipient)],
        rules: { encryptedRegex: '^password$', macOnlyEncrypted: macOnly },
      });
      const edited = Buffer.from(Buffer.from(enc).toString().replace('kind: Secret', 'kind: Other'));
      assert.notEqual(edited.toString(), Buffer.from(enc).toString());
      const theirs = runSops(fx, ['decrypt', writeTemp(fx, '.yaml', edited)], { age: [fx.age] });
      if (macOnly) {
        assert.equal(theirs.status, 0, theirs.stderr);
        const ours = await decrypt(edited, { format: 'yaml', keys });
        assert.equal(Buffer.from(ours).toString(), theirs.stdout.toString());
        assert.match(theirs.stdout.toString(), /kind: Other/);
      } else {
        assert.notEqual(theirs.status, 0);
        assert.match(theirs.stderr, /MAC mismatch/);
        await assert.rejects(decrypt(edited, { format: 'yaml', keys }), SopsMacError);
      }
    }
  });
});

describe('sops differential: key groups and Shamir threshold', () => {
  let fx: Fixture;
  before(async () => {
    fx = await setup(sops, true);
  });
  after(() => fx.cleanup());

  const DOC = 'user: admin\npassword: hunter2\nport: 5432\n';

  test('sops splits the data key across three groups (threshold 2); any two groups decrypt', async () => {
    const config = writeTemp(
      fx,
      '.sops.yaml',
      `creation_rules:\n  - shamir_threshold: 2\n    key_groups:\n      - age: [${fx.age.recipient}]\n      - age: [${fx.age2.recipient}]\n      - pgp: [${fx.pgpFp}]\n`,
    );
    const plainPath = writeTemp(fx, '.yaml', DOC);
    const enc = sopsOk(fx, ['--config', config, 'encrypt', plainPath], { pgp: true });
    assert.match(enc.toString(), /key_groups:/);
    assert.match(enc.toString(), /shamir_threshold: 2/);
    const expected = sopsOk(fx, ['decrypt', writeTemp(fx, '.yaml', enc)], { age: [fx.age, fx.age2] });
    const age1 = new AgeKeyService([fx.age.identity]);
    const age2 = new AgeKeyService([fx.age2.identity]);
    const pgp = new PgpKeyService([fx.pgpPrivate]);
    for (const keys of [[new AgeKeyService([fx.age.identity, fx.age2.identity])], [age1, pgp], [age2, pgp]]) {
      const ours = await decrypt(enc, { format: 'yaml', keys });
      assert.equal(Buffer.from(ours).toString(), expected.toString());
    }
    await assert.rejects(decrypt(enc, { format: 'yaml', keys: [age1] }), SopsKeyError);
  });

  test('we split the data key the same way; sops decrypts with two groups and not with one', async () => {
    const pgp = await PgpRecipient.fromArmored(fx.pgpPublic);
    const enc = await encrypt(Buffer.from(DOC), {
      format: 'yaml',
      keyGroups: [[new AgeRecipient(fx.age.recipient)], [new AgeRecipient(fx.age2.recipient)], pgp],
      shamirThreshold: 2,
    });
    const path = writeTemp(fx, '.yaml', enc);
    const theirs = runSops(fx, ['decrypt', path], { age: [fx.age2], pgp: true });
    assert.equal(theirs.status, 0, theirs.stderr);
    assert.equal(theirs.stdout.toString(), DOC);
    const one = runSops(fx, ['decrypt', path], { age: [fx.age] });
    assert.notEqual(one.status, 0);
    // Our metadata is laid out as sops lays out its own key groups.
    const plainPath = writeTemp(fx, '.yaml', DOC);
    const config = writeTemp(
      fx,
      '.sops.yaml',
      `creation_rules:\n  - shamir_threshold: 2\n    key_groups:\n      - age: [${fx.age.recipient}]\n      - age: [${fx.age2.recipient}]\n      - pgp: [${fx.pgpFp}]\n`,
    );
    const sopsEnc = sopsOk(fx, ['--config', config, 'encrypt', plainPath], { pgp: true });
    const meta = (s: string): string =>
      s
        .slice(s.indexOf('sops:'))
        .replace(/-----BEGIN[\s\S]*?-----END [A-Z ]+-----\n/g, 'ARMOR')
        .replace(/(created_at|lastmodified): .*/g, '$1: T')
        .replace(/mac: ENC\[.*\]/, 'mac: M');
    assert.equal(meta(Buffer.from(enc).toString()), meta(sopsEnc.toString()));
  });
});
