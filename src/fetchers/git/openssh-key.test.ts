import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { opensshIdentity } from './openssh-key.ts';

test('opensshIdentity: a PKCS#8 ed25519 key (as flux writes it) becomes one ssh-keygen reads; others are kept', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fluxts-openssh-key-'));
  try {
    const pair = generateKeyPairSync('ed25519');
    const pkcs8 = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const x = Buffer.from(pair.publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
    const converted = opensshIdentity(pkcs8);
    assert.match(converted, /^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    const file = join(dir, 'id');
    writeFileSync(file, converted, { mode: 0o600 });
    const pub = execFileSync('ssh-keygen', ['-y', '-f', file], { encoding: 'utf8' }).trim().split(' ');
    assert.equal(pub[0], 'ssh-ed25519');
    // The public key ssh derives is the one of the original key (last 32 bytes of the wire blob).
    assert.deepEqual(Buffer.from(pub[1] ?? '', 'base64').subarray(-32), x);

    const ec = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    assert.equal(opensshIdentity(ec.toString()), ec.toString());
    assert.equal(opensshIdentity('not a key'), 'not a key');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
