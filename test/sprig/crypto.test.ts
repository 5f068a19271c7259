// Sprig's crypto and random functions: deterministic results and every error text compared with Go; generated
// keys, certificates, hashes and random strings checked for their properties (and fed back to Go to parse).
import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { after, before, test } from 'node:test';

import bcryptjs from 'bcryptjs';

import { compareAll, ours, theirs } from './harness.ts';
import { SprigRef } from './sprigref.ts';

let ref: SprigRef;
before(async () => {
  ref = await SprigRef.start();
});
after(() => ref.close());

const out = (tpl: string, data?: unknown): string => {
  const r = ours({ tpl, data });
  if ('err' in r) throw new Error(r.err);
  return r.out;
};

test('sprig crypto: deterministic functions and errors match Go', async () => {
  await compareAll(ref, [
    '{{ derivePassword 1 "long" "password" "user" "example.com" }}|{{ derivePassword 2 "maximum" "pässword" "üser" "site" }}|{{ derivePassword 0 "pin" "" "" "" }}',
    '{{ derivePassword 1 "medium" "p" "u" "s" }}|{{ derivePassword 7 "short" "p" "u" "s" }}|{{ derivePassword 1 "basic" "p" "u" "s" }}|{{ derivePassword 1 "nope" "p" "u" "s" }}',
    '{{ htpasswd "a:b" "x" }}|{{ bcrypt (repeat 73 "x") }}|{{ htpasswd "u" (repeat 80 "é") }}|{{ genPrivateKey "foo" }}',
    '{{ encryptAES "k" "" }}|{{ decryptAES "k" "" }}',
    ...[
      '!!',
      'YQ==',
      'AAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      'AAAAAAAAAAAAAAAAAAAAAA==',
      'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
      'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
    ].map((c) => ({ tpl: '{{ decryptAES "key" .c }}', data: { c } })),
    '{{ genCAWithKey "x" 1 "junk" }}',
    '{{ genCAWithKey "x" 1 "-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----\\n" }}',
    '{{ genCAWithKey "x" 1 "-----BEGIN FOO PRIVATE KEY-----\\nAAAA\\n-----END FOO PRIVATE KEY-----\\n" }}',
    '{{ genSelfSignedCertWithKey "x" (list 1) nil 1 (genPrivateKey "ecdsa") }}',
    '{{ genSelfSignedCertWithKey "x" (list "1.2.3.400") nil 1 (genPrivateKey "ecdsa") }}',
    '{{ genSelfSignedCertWithKey "x" nil (list 5) 1 (genPrivateKey "ecdsa") }}',
    '{{ genSelfSignedCertWithKey "x" nil (list "é.com") 1 (genPrivateKey "ecdsa") }}',
    '{{ genSelfSignedCertWithKey "x" nil nil 1 (genPrivateKey "dsa") }}',
    '{{ buildCustomCert "!!" "" }}',
    '{{ buildCustomCert "aGk=" "!!" }}',
    '{{ buildCustomCert "aGk=" "aGk=" }}',
    '{{ genSignedCertWithKey "x" nil nil 1 (buildCustomCert "aGk=" "aGk=") (genPrivateKey "ecdsa") }}',
  ]);
});

test('sprig crypto: Go decrypts what fluxts encrypts and the other way round', async () => {
  for (const text of ['hello', 'exactly sixteen!', 'ünïcödé ✓', 'x'.repeat(100)]) {
    const enc = out('{{ encryptAES "secret" .t }}', { t: text });
    const fromGo = await theirs(ref, { tpl: '{{ decryptAES "secret" .e }}', data: { e: enc } });
    assert.deepEqual(fromGo, { out: text });
    const goEnc = await theirs(ref, { tpl: '{{ encryptAES "secret" .t }}', data: { t: text } });
    assert.ok('out' in goEnc);
    assert.equal(out('{{ decryptAES "secret" .e }}', { e: goEnc.out }), text);
  }
});

test('sprig crypto: bcrypt and htpasswd produce verifiable $2a$10$ hashes', () => {
  const hash = out('{{ bcrypt "pässword" }}');
  assert.match(hash, /^\$2a\$10\$[./A-Za-z0-9]{53}$/);
  assert.ok(bcryptjs.compareSync('pässword', hash));
  const line = out('{{ htpasswd "admin" "pw" }}');
  assert.match(line, /^admin:\$2a\$10\$/);
  assert.ok(bcryptjs.compareSync('pw', line.slice('admin:'.length)));
  assert.notEqual(out('{{ bcrypt "x" }}'), out('{{ bcrypt "x" }}'));
});

test('sprig crypto: private keys parse and certificates verify, also in Go', async () => {
  for (const [type, pemType, keyType] of [
    ['ecdsa', 'EC PRIVATE KEY', 'ec'],
    ['ed25519', 'PRIVATE KEY', 'ed25519'],
    ['dsa', 'DSA PRIVATE KEY', 'dsa'],
    ['rsa', 'RSA PRIVATE KEY', 'rsa'],
  ] as const) {
    const pem = out(`{{ genPrivateKey "${type}" }}`);
    assert.match(
      pem,
      new RegExp(
        `^-----BEGIN ${pemType}-----\\n([A-Za-z0-9+/=]{64}\\n)*[A-Za-z0-9+/=]{1,64}\\n-----END ${pemType}-----\\n$`,
      ),
    );
    assert.equal(createPrivateKey(pem).asymmetricKeyType, keyType);
    if (type === 'rsa') assert.equal(createPrivateKey(pem).asymmetricKeyDetails?.modulusLength, 4096);
    // Go reads the key back (a CA made with it parses in Go's parsePrivateKeyPEM, or fails as DSA does in Go).
    const go = await theirs(ref, { tpl: '{{ (genCAWithKey "k" 1 .k).Cert | len | lt 0 }}', data: { k: pem } });
    assert.deepEqual(
      go,
      type === 'dsa'
        ? {
            err: 'template: t:1:4: executing "t" at <genCAWithKey "k" 1 .k>: error calling genCAWithKey: error creating certificate: x509: certificate private key does not implement crypto.Signer',
          }
        : { out: 'true' },
    );
  }
  const ca = ours({ tpl: '{{ $ca := genCA "my-ca" 365 }}{{ $ca.Cert }}{{ $ca.Key }}' });
  assert.ok('out' in ca);
  const tpl =
    '{{ $ca := genCAWithKey "my-ca" 365 (genPrivateKey "ecdsa") }}' +
    '{{ $c := genSignedCert "web.example.com" (list "10.0.0.1" "::1" "::ffff:1.2.3.4") (list "web" "web.ns.svc") 30 $ca }}' +
    '{{ $s := genSelfSignedCert "self" nil (list "self.local") 10 }}' +
    '{{ $e := genSignedCertWithKey "ed" nil nil 1 $ca (genPrivateKey "ed25519") }}' +
    '{{ $ca.Cert }}{{ $c.Cert }}{{ $c.Key }}{{ $s.Cert }}{{ $e.Cert }}{{ typeOf $ca }}';
  const text = out(tpl);
  const certs = [...text.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n/g)].map(
    (m) => new X509Certificate(m[0]),
  );
  const [caCert, leaf, self, ed] = certs as [X509Certificate, X509Certificate, X509Certificate, X509Certificate];
  assert.ok(text.endsWith('sprig.certificate'));
  assert.equal(caCert.ca, true);
  assert.equal(caCert.subject, 'CN=my-ca');
  assert.ok(caCert.verify(caCert.publicKey));
  assert.equal(leaf.ca, false);
  assert.equal(leaf.subject, 'CN=web.example.com');
  assert.equal(leaf.issuer, 'CN=my-ca');
  assert.ok(leaf.checkIssued(caCert));
  assert.ok(leaf.verify(caCert.publicKey));
  assert.equal(
    leaf.subjectAltName,
    'DNS:web, DNS:web.ns.svc, IP Address:10.0.0.1, IP Address:0:0:0:0:0:0:0:1, IP Address:1.2.3.4',
  );
  const days = (Date.parse(leaf.validTo) - Date.parse(leaf.validFrom)) / 86_400_000;
  assert.equal(days, 30);
  assert.ok(Math.abs(Date.parse(leaf.validFrom) - Date.now()) < 60_000);
  assert.ok(self.verify(self.publicKey));
  assert.equal(self.subjectAltName, 'DNS:self.local');
  assert.ok(ed.verify(caCert.publicKey));
  assert.ok(/^-----BEGIN RSA PRIVATE KEY-----/.test(text.slice(text.indexOf('-----BEGIN RSA PRIVATE KEY-----'))));
  // Go parses our CA and signs with it; the result verifies against our CA.
  const caPem = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n/)?.[0] ?? '';
  const caKey = out('{{ genPrivateKey "ecdsa" }}');
  const ownCa = out('{{ $c := genCAWithKey "own" 2 .k }}{{ $c.Cert }}', { k: caKey });
  const goSigned = await theirs(ref, {
    tpl: '{{ $ca := buildCustomCert (b64enc .c) (b64enc .k) }}{{ (genSignedCert "from-go" nil (list "go.local") 3 $ca).Cert }}',
    data: { c: ownCa, k: caKey },
  });
  assert.ok('out' in goSigned, JSON.stringify(goSigned));
  const goLeaf = new X509Certificate(goSigned.out);
  assert.ok(goLeaf.verify(new X509Certificate(ownCa).publicKey));
  assert.ok(caPem.length > 0);
});

test('sprig random functions: lengths and alphabets', () => {
  const r = out(
    '{{ randAlphaNum 40 }}\n{{ randAlpha 40 }}\n{{ randNumeric 40 }}\n{{ randAscii 200 }}\n{{ randBytes 30 }}\n{{ uuidv4 }}\n{{ randAlphaNum 0 }}\n{{ randAlpha -3 }}\n{{ shuffle "abcdef" }}\n{{ randInt 5 10 }}',
  ).split('\n');
  const [
    alnum = '',
    alpha = '',
    num = '',
    ascii = '',
    bytes = '',
    uuid = '',
    empty = '',
    neg = '',
    shuffled = '',
    int = '',
  ] = r;
  assert.match(alnum, /^[A-Za-z0-9]{40}$/);
  assert.match(alpha, /^[A-Za-z]{40}$/);
  assert.match(num, /^[0-9]{40}$/);
  assert.match(ascii, /^[ -~]{200}$/);
  assert.equal(Buffer.from(bytes, 'base64').length, 30);
  assert.match(uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(empty, '');
  assert.equal(neg, '');
  assert.deepEqual([...shuffled].sort().join(''), 'abcdef');
  assert.ok(Number(int) >= 5 && Number(int) < 10);
  assert.notEqual(out('{{ randAlphaNum 20 }}'), out('{{ randAlphaNum 20 }}'));
});
