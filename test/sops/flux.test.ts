// The Kustomization decryption entry points, checked against the sops CLI: resources decrypted as JSON (MAC not
// checked, as Flux does, because kustomize edits cleartext fields), Secret data values that are sops documents
// (format from marker bytes, output format from the key), and secretGenerator sources.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  AgeKeyService,
  decrypt,
  decryptGeneratorSource,
  decryptResourceJson,
  decryptSecretField,
  detectFormat,
  isSopsResource,
  SopsMacError,
  type Format,
} from '../../src/engines/sops/index.ts';
import { EXT, setup, sopsBinary, sopsOk, writeTemp, type Fixture } from './support.ts';

const sops = await sopsBinary();

const SECRET = `apiVersion: v1
kind: Secret
metadata:
    name: db
    namespace: apps
type: Opaque
stringData:
    password: hunter2
    port: "5432"
`;

describe('Flux decryption entry points', () => {
  let fx: Fixture;
  let keys: AgeKeyService[];
  before(async () => {
    fx = await setup(sops, false);
    keys = [new AgeKeyService([fx.age.identity])];
  });
  after(() => fx.cleanup());

  const enc = (format: Format, doc: string | Uint8Array, ...flags: string[]): Buffer =>
    sopsOk(fx, ['encrypt', '--age', fx.age.recipient, ...flags, writeTemp(fx, EXT[format], doc)]);

  test('a Secret manifest, as the JSON of the built resource, even after kustomize edited cleartext fields', async () => {
    const yamlEnc = enc('yaml', SECRET, '--encrypted-regex', '^(data|stringData)$');
    // The built resource as JSON, as kustomize hands it over: same values, kustomize's own layout.
    const asJson = sopsOk(
      fx,
      ['decrypt', '--ignore-mac', '--input-type', 'yaml', '--output-type', 'json', writeTemp(fx, '.yaml', yamlEnc)],
      { age: [fx.age] },
    );
    const resource = JSON.parse(await jsonOfEncrypted(yamlEnc)) as Record<string, unknown>;
    assert.equal(isSopsResource(resource), true);
    assert.equal(isSopsResource({ kind: 'Secret', sops: { mac: '' } }), false);
    const json = Buffer.from(JSON.stringify(resource));
    const ours = await decryptResourceJson(json, keys);
    assert.deepEqual(JSON.parse(Buffer.from(ours).toString()), JSON.parse(asJson.toString()));

    // kustomize adds a label: the MAC no longer matches, which Flux ignores and sops --ignore-mac too.
    (resource['metadata'] as Record<string, unknown>)['labels'] = { 'app.kubernetes.io/part-of': 'demo' };
    const edited = Buffer.from(JSON.stringify(resource, null, 2));
    await assert.rejects(decrypt(edited, { format: 'json', keys }), SopsMacError);
    const theirs = sopsOk(fx, ['decrypt', '--ignore-mac', writeTemp(fx, '.json', edited)], { age: [fx.age] });
    assert.equal(Buffer.from(await decryptResourceJson(edited, keys)).toString(), theirs.toString());
  });

  test('Secret data values that are sops documents, emitted in the format of their key', async () => {
    const cases: { key: string; format: Format; doc: string; out: Format }[] = [
      { key: 'app.env', format: 'dotenv', doc: 'A=1\nB=two\n', out: 'dotenv' },
      { key: 'config.yaml', format: 'json', doc: '{"a": {"b": [1, 2]}}', out: 'yaml' },
      { key: 'settings.json', format: 'yaml', doc: 'x: 1\ny: [a, b]\n', out: 'json' },
      { key: 'app.ini', format: 'ini', doc: '[s]\nk = v\n', out: 'ini' },
      { key: 'token', format: 'binary', doc: 'raw-token\n', out: 'binary' },
      { key: '.dockerconfigjson', format: 'json', doc: '{"auths": {}}', out: 'json' },
    ];
    for (const c of cases) {
      const e = enc(c.format, c.doc);
      assert.equal(detectFormat(e), c.format === 'binary' ? 'json' : c.format);
      const inType = c.format;
      const expected = sopsOk(
        fx,
        ['decrypt', '--input-type', inType, '--output-type', c.out, writeTemp(fx, EXT[c.format], e)],
        { age: [fx.age] },
      );
      const ours = await decryptSecretField(c.key, e, keys);
      assert.equal(Buffer.from(ours ?? []).toString(), expected.toString(), c.key);
    }
    assert.equal(await decryptSecretField('plain.yaml', Buffer.from('a: 1\n'), keys), undefined);
  });

  test('secretGenerator files and env files', async () => {
    const envEnc = enc('dotenv', 'USER=admin\nPASS=hunter2\n');
    const expected = sopsOk(fx, ['decrypt', writeTemp(fx, '.env', envEnc)], { age: [fx.age] });
    assert.equal(
      Buffer.from((await decryptGeneratorSource('secrets.env', 'env', envEnc, keys)) ?? []).toString(),
      expected.toString(),
    );
    // An env source without a known extension is dotenv.
    assert.equal(
      Buffer.from((await decryptGeneratorSource('secrets', 'env', envEnc, keys)) ?? []).toString(),
      expected.toString(),
    );
    const binEnc = enc('binary', 'tls-key-bytes\n');
    assert.equal(
      Buffer.from((await decryptGeneratorSource('tls.key', 'file', binEnc, keys)) ?? []).toString(),
      'tls-key-bytes\n',
    );
    assert.equal(await decryptGeneratorSource('plain.env', 'env', Buffer.from('A=1\n'), keys), undefined);
  });

  async function jsonOfEncrypted(yamlEnc: Buffer): Promise<string> {
    // Re-express the encrypted YAML document as JSON (values untouched), the way kustomize serialises a resource.
    const { parse } = await import('yaml');
    return JSON.stringify(parse(yamlEnc.toString()));
  }
});
