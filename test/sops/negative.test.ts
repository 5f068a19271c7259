// Failure cases: tampered ciphertext, tampered MAC, swapped or removed values, wrong key, missing key, truncated
// files. Each fails with a typed error, returns nothing decrypted, and leaks neither values nor key material; sops
// rejects the same inputs.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  AgeKeyService,
  AgeRecipient,
  decrypt,
  encrypt,
  SopsDecryptError,
  SopsError,
  SopsKeyError,
  SopsMacError,
  type Format,
} from '../../src/engines/sops/index.ts';
import { EXT, runSops, setup, sopsBinary, sopsOk, writeTemp, type AgeKey, type Fixture } from './support.ts';

const sops = await sopsBinary();

const MARK = 'S3CRET-MARKER';
const DOCS: Record<Format, string> = {
  yaml: `password: ${MARK}-pw\ntoken: ${MARK}-token\nnested:\n    key: ${MARK}-nested\n`,
  json: `{"password": "${MARK}-pw", "token": "${MARK}-token", "nested": {"key": "${MARK}-nested"}}`,
  dotenv: `PASSWORD=${MARK}-pw\nTOKEN=${MARK}-token\n`,
  ini: `[db]\npassword = ${MARK}-pw\ntoken = ${MARK}-token\n`,
  binary: `raw ${MARK}-binary payload\n`,
};

/** errorText renders an error and its whole cause chain, as anything that logs it might. */
function errorText(err: unknown): string {
  let out = '';
  for (let e: unknown = err; e; e = e instanceof Error ? e.cause : undefined) {
    out += e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}\n` : `${JSON.stringify(e)}\n`;
    if (!(e instanceof Error)) break;
  }
  return out;
}

describe('sops failure cases', () => {
  let fx: Fixture;
  const enc: Partial<Record<Format, Buffer>> = {};
  before(async () => {
    fx = await setup(sops, false);
    for (const f of Object.keys(DOCS) as Format[]) {
      enc[f] = sopsOk(fx, ['encrypt', '--age', fx.age.recipient, writeTemp(fx, EXT[f], DOCS[f])]);
    }
  });
  after(() => fx.cleanup());

  /** rejects checks that we and sops both refuse `data`, with our error of `type` and no secret in it. */
  async function rejects(format: Format, data: Buffer | string, type: typeof SopsError, ids?: AgeKey[]) {
    const buf = Buffer.from(data);
    const held = ids ?? [fx.age];
    const keys = held.length > 0 ? [new AgeKeyService(held.map((k) => k.identity))] : [];
    let caught: unknown;
    try {
      const out = await decrypt(buf, { format, keys });
      assert.fail(`decrypt returned ${out.length} bytes instead of failing`);
    } catch (err) {
      caught = err;
    }
    assert.ok(caught instanceof type, `expected ${type.name}, got ${errorText(caught)}`);
    const text = errorText(caught);
    assert.ok(!text.includes(MARK), `error leaks a secret value: ${text}`);
    assert.ok(!text.includes(fx.age.identity) && !text.includes(fx.age2.identity), 'error leaks an identity');
    const theirs = runSops(fx, ['decrypt', writeTemp(fx, EXT[format], buf)], { age: held });
    assert.notEqual(theirs.status, 0, 'sops accepts what we reject');
  }

  const flipData = (s: string, key: string): string =>
    s.replace(
      new RegExp(`(${key}\\W+ENC\\[AES256_GCM,data:)(.)`),
      (_m, p: string, c: string) => p + (c === 'A' ? 'B' : 'A'),
    );

  test('tampered ciphertext of a value', async () => {
    for (const f of ['yaml', 'json', 'dotenv', 'ini'] as const) {
      const t = flipData((enc[f] as Buffer).toString(), f === 'dotenv' ? 'PASSWORD' : 'password');
      assert.notEqual(t, (enc[f] as Buffer).toString());
      await rejects(f, t, SopsDecryptError);
    }
    await rejects('binary', flipData((enc.binary as Buffer).toString(), '"data"'), SopsDecryptError);
  });

  test('a value moved to another key (its key path is authenticated)', async () => {
    const s = (enc.yaml as Buffer).toString();
    const pw = /password: (ENC\[[^\]]+\])/.exec(s)?.[1] ?? '';
    const tok = /token: (ENC\[[^\]]+\])/.exec(s)?.[1] ?? '';
    const swapped = s.replace(pw, 'PW').replace(tok, pw).replace('PW', tok);
    await rejects('yaml', swapped, SopsDecryptError);
  });

  test('tampered MAC, missing MAC, changed lastmodified, removed value', async () => {
    const s = (enc.yaml as Buffer).toString();
    await rejects(
      'yaml',
      s.replace(/(mac: ENC\[AES256_GCM,data:)(.)/, (_m, p: string, c: string) => p + (c === 'A' ? 'B' : 'A')),
      SopsMacError,
    );
    await rejects('yaml', s.replace(/ {4}mac: .*\n/, ''), SopsMacError);
    await rejects(
      'yaml',
      s.replace(/lastmodified: "(\d{4})/, (_m, y: string) => `lastmodified: "${Number(y) + 1}`),
      SopsMacError,
    );
    await rejects('yaml', s.replace(/token: .*\n/, ''), SopsMacError);
    const j = (enc.json as Buffer).toString();
    await rejects('json', j.replace(/\t"token": .*\n/, ''), SopsMacError);
  });

  test('wrong key and missing key', async () => {
    for (const f of Object.keys(DOCS) as Format[]) {
      await rejects(f, enc[f] as Buffer, SopsKeyError, [fx.age2]);
      await rejects(f, enc[f] as Buffer, SopsKeyError, []);
    }
  });

  test('truncated files', async () => {
    for (const f of Object.keys(DOCS) as Format[]) {
      const full = enc[f] as Buffer;
      for (const frac of [0.3, 0.6, 0.95])
        await rejects(f, full.subarray(0, Math.floor(full.length * frac)), SopsError);
    }
  });

  test('a plaintext document is not mistaken for an encrypted one', async () => {
    await rejects('yaml', DOCS.yaml.replaceAll(MARK, 'x'), SopsError);
  });

  test('our own encryption fails closed the same way', async () => {
    const ours = Buffer.from(
      await encrypt(Buffer.from(DOCS.json), { format: 'json', recipients: [new AgeRecipient(fx.age.recipient)] }),
    );
    await rejects('json', flipData(ours.toString(), 'password'), SopsDecryptError);
    await rejects('json', ours, SopsKeyError, [fx.age2]);
  });
});
