// Differential tests with OpenPGP keys (sops uses GnuPG from a throw-away GNUPGHOME), including keys handed over the
// way Flux reads them from a decryption Secret (`*.asc` entries).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  decrypt,
  decryptWithSecret,
  encrypt,
  PgpKeyService,
  PgpRecipient,
  type Format,
} from '../../src/engines/sops/index.ts';
import { BINARY_DOC, DOTENV_DOC, INI_DOC, JSON_DOC, YAML_DOC } from './docs.ts';
import { EXT, setup, shape, sopsBinary, sopsOk, writeTemp, type Fixture } from './support.ts';

const sops = await sopsBinary();

const CASES: { format: Format; doc: string | Uint8Array }[] = [
  { format: 'yaml', doc: YAML_DOC },
  { format: 'json', doc: JSON_DOC },
  { format: 'dotenv', doc: DOTENV_DOC },
  { format: 'ini', doc: INI_DOC },
  { format: 'binary', doc: BINARY_DOC },
];

describe('sops differential (PGP)', () => {
  let fx: Fixture;
  before(async () => {
    fx = await setup(sops, true);
  });
  after(() => fx.cleanup());

  for (const c of CASES) {
    test(`${c.format}: sops encrypts, we decrypt; we encrypt, sops decrypts`, async () => {
      const plainPath = writeTemp(fx, EXT[c.format], c.doc);
      const theirsEnc = sopsOk(fx, ['encrypt', '--pgp', fx.pgpFp, plainPath], { pgp: true });
      const theirsEncPath = writeTemp(fx, EXT[c.format], theirsEnc);
      const expected = sopsOk(fx, ['decrypt', theirsEncPath], { pgp: true });

      const ours = await decrypt(theirsEnc, { format: c.format, keys: [new PgpKeyService([fx.pgpPrivate])] });
      assert.equal(Buffer.from(ours).toString('base64'), expected.toString('base64'));

      const recipients = await PgpRecipient.fromArmored(fx.pgpPublic);
      assert.equal(recipients[0]?.describe, fx.pgpFp);
      const oursEnc = await encrypt(typeof c.doc === 'string' ? Buffer.from(c.doc) : c.doc, {
        format: c.format,
        recipients,
      });
      const sopsOfOurs = sopsOk(fx, ['decrypt', writeTemp(fx, EXT[c.format], oursEnc)], { pgp: true });
      assert.equal(sopsOfOurs.toString('base64'), expected.toString('base64'));
      assert.equal(shape(Buffer.from(oursEnc), c.format), shape(theirsEnc, c.format));
    });
  }

  test('keys from a Flux decryption Secret: *.asc and *.agekey entries', async () => {
    const plainPath = writeTemp(fx, '.yaml', 'stringData:\n    token: abc\n');
    const enc = sopsOk(fx, ['encrypt', '--pgp', fx.pgpFp, plainPath], { pgp: true });
    const expected = sopsOk(fx, ['decrypt', writeTemp(fx, '.yaml', enc)], { pgp: true });
    const secret = {
      'identity.asc': Buffer.from(fx.pgpPrivate).toString('base64'),
      'age.agekey': Buffer.from(`# created: now\n${fx.age.identity}\n`).toString('base64'),
      README: Buffer.from('ignored').toString('base64'),
    };
    const ours = await decryptWithSecret(enc, 'yaml', secret, 'flux-system/sops-keys');
    assert.equal(Buffer.from(ours).toString(), expected.toString());
  });
});
