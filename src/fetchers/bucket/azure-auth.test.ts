import assert from 'node:assert/strict';
import { test } from 'node:test';

import { accountNameFromEndpoint, azureCredentialFromSecret } from './azure-auth.ts';

const data = (o: Record<string, string>): Record<string, Uint8Array> =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Buffer.from(v)]));
const cloud = new URL('https://myaccount.blob.core.windows.net');

test('credentials are picked in source-controller order', () => {
  const all = { tenantId: 't', clientId: 'c', clientSecret: 's', accountKey: 'a2V5', sasKey: 'sv=1' };
  assert.equal(azureCredentialFromSecret('s', data(all), cloud)?.type, 'client-secret');
  const cert = { tenantId: 't', clientId: 'c', clientSecret: '', clientCertificate: 'PEM', accountKey: 'a2V5' };
  assert.equal(azureCredentialFromSecret('s', data(cert), cloud)?.type, 'client-certificate');
  assert.equal(
    azureCredentialFromSecret('s', data({ clientId: 'c', accountKey: 'a2V5' }), cloud)?.type,
    'managed-identity',
  );
  const key = azureCredentialFromSecret('s', data({ accountKey: 'a2V5', sasKey: 'sv=1' }), cloud);
  assert.deepEqual(key, { type: 'shared-key', account: 'myaccount', key: Buffer.from('key') });
  const sas = azureCredentialFromSecret('s', data({ sasKey: '?sv=1&sig=x' }), cloud);
  assert.equal(sas?.type === 'sas' && sas.query.get('sig'), 'x');
  assert.equal(azureCredentialFromSecret('s', data({ authorityHost: 'https://login' }), cloud), undefined);
});

test('a Secret without any credential field is refused by name, without values', () => {
  assert.throws(
    () => azureCredentialFromSecret('creds', data({ accesskey: 'AKIA', secretkey: 'shh' }), cloud),
    (e: Error) =>
      e.message.startsWith("invalid 'creds' secret data: requires a 'clientId' or 'accountKey' field") &&
      !e.message.includes('shh'),
  );
});

test('the account is the first DNS label, or the first path segment of an IP or localhost endpoint', () => {
  assert.equal(accountNameFromEndpoint('s', cloud), 'myaccount');
  assert.equal(accountNameFromEndpoint('s', new URL('http://127.0.0.1:10000/devstoreaccount1')), 'devstoreaccount1');
  assert.equal(accountNameFromEndpoint('s', new URL('http://localhost:10000/acct/')), 'acct');
  assert.throws(
    () => accountNameFromEndpoint('s', new URL('https://example.com')),
    /expected 'example.com' to be a subdomain/,
  );
  assert.throws(
    () => accountNameFromEndpoint('s', new URL('http://127.0.0.1:10000')),
    /failed to extract account name/,
  );
});
