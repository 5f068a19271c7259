import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as openpgp from 'openpgp';

import { GitBadSecretError } from './errors.ts';
import { parseCommitObject } from './objects.ts';
import { openPgpSigner, withSignature } from './sign.ts';
import { verifySignature } from './verify.ts';

const COMMIT =
  'tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor A <a@x> 1 +0000\ncommitter A <a@x> 1 +0000\n\nmsg\n';

test('openPgpSigner: an encrypted key with its passphrase signs commits that verify', async () => {
  const key = await openpgp.generateKey({
    type: 'ecc',
    curve: 'ed25519Legacy',
    userIDs: [{ name: 'Bot', email: 'bot@example.com' }],
    passphrase: 'pw',
    format: 'armored',
  });
  const sign = await openPgpSigner('signing', { 'git.asc': key.privateKey, passphrase: 'pw' });
  const signed = withSignature(COMMIT, await sign(COMMIT));
  assert.match(signed, /^tree .*\ncommitter A <a@x> 1 \+0000\ngpgsig -----BEGIN PGP SIGNATURE-----\n /su);
  assert.ok(signed.endsWith('\n -----END PGP SIGNATURE-----\n\nmsg\n'));
  const parsed = parseCommitObject(signed);
  assert.equal(parsed.payload, COMMIT);
  const verified = await verifySignature(parsed, [key.publicKey]);
  assert.match(verified.keyId, /^[0-9A-F]{16}$/u);

  const wrong = openPgpSigner('signing', { 'git.asc': key.privateKey, passphrase: 'nope' });
  await assert.rejects(wrong, (e: unknown) => {
    assert.ok(e instanceof GitBadSecretError);
    assert.equal(
      e.message,
      'could not decrypt private key of the signing key present in secret signing: incorrect key passphrase',
    );
    return true;
  });
  await assert.rejects(openPgpSigner('signing', { 'git.asc': key.privateKey }), /without 'passphrase' field/u);
});

test('openPgpSigner: Flux messages for a missing or unreadable key', async () => {
  await assert.rejects(openPgpSigner('s', {}), /signing key secret 's' does not contain a 'git.asc' key/u);
  await assert.rejects(openPgpSigner('s', { 'git.asc': 'garbage' }), /could not read signing key from secret 's'/u);
});
