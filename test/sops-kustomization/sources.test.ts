// Decryption of kustomize sources before the build (kustomize-controller DecryptSources), without a cluster:
// secretGenerator files and envs and patch files written by the real sops CLI are decrypted by Flux's format rules
// (files: by the key; envs: by extension, else dotenv; patches: by extension), plaintext files are left alone,
// nested resource directories and components are walked, sources cannot leave the root, and the kustomize build
// reads the plaintext from memory through the overlay.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { rootedFileSystem } from '../../src/controllers/kustomize/build/build.ts';
import {
  decryptSources,
  overlayFileSystem,
  securePaths,
} from '../../src/controllers/kustomize/build/decrypt-sources.ts';
import { build, memoryFileSystem } from '../../src/engines/kustomize/index.ts';
import { AgeKeyService, decrypt, type Format } from '../../src/engines/sops/index.ts';
import { EXT, setup, sopsBinary, sopsOk, writeTemp, type Fixture } from '../sops/support.ts';

const sops = await sopsBinary();
const ROOT = '/art';

describe('secretGenerator and patch sources are decrypted before the build', () => {
  let fx: Fixture;
  let keys: AgeKeyService[];
  before(async () => {
    fx = await setup(sops, false);
    keys = [new AgeKeyService([fx.age.identity])];
  });
  after(() => fx.cleanup());

  /** enc encrypts with the real sops CLI, the input type given explicitly. */
  const enc = (format: Format, text: string): Buffer =>
    sopsOk(fx, [
      'encrypt',
      '--age',
      fx.age.recipient,
      '--input-type',
      format,
      '--output-type',
      format,
      writeTemp(fx, EXT[format], text),
    ]);

  const calls: string[] = [];
  const run = async (files: Record<string, string | Uint8Array>, dir = `${ROOT}/app`) => {
    calls.length = 0;
    const fs = memoryFileSystem(files);
    const plain = await decryptSources({
      root: ROOT,
      dir,
      fs,
      decrypt: async (data, format, path) => {
        calls.push(`${path}:${format}`);
        return decrypt(data, { format, keys, verifyMac: false });
      },
    });
    return { fs, plain, text: (p: string) => Buffer.from(plain.get(p) ?? []).toString() };
  };

  const env = 'DB_USER=admin\nDB_PASSWORD=s3cret\n';
  const yaml = 'user: admin\npassword: s3cret\n';

  test('envs by extension (dotenv when none), files by key, patches by extension; the build sees plaintext', async () => {
    const patch = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\ndata:\n  b: patched\n';
    const { fs, plain, text } = await run({
      [`${ROOT}/app/kustomization.yaml`]: [
        'resources: [cm.yaml]',
        'generatorOptions: {disableNameSuffixHash: true}',
        'secretGenerator:',
        '  - name: s',
        '    envs: [app.env, noext]',
        '    files: [config.yaml, settings.yaml=settings.enc, token=token.bin, plain.txt]',
        'patches:',
        '  - path: patch.yaml',
        '',
      ].join('\n'),
      [`${ROOT}/app/cm.yaml`]: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\ndata:\n  a: "1"\n',
      [`${ROOT}/app/app.env`]: enc('dotenv', env),
      [`${ROOT}/app/noext`]: enc('dotenv', 'OTHER=value-2\n'),
      [`${ROOT}/app/config.yaml`]: enc('yaml', yaml),
      [`${ROOT}/app/settings.enc`]: enc('yaml', 'k: v\n'),
      [`${ROOT}/app/token.bin`]: enc('binary', 'tok-3\n'),
      [`${ROOT}/app/plain.txt`]: 'not encrypted\n',
      [`${ROOT}/app/patch.yaml`]: enc('yaml', patch),
    });
    assert.deepEqual(calls.sort(), [
      'app/app.env:dotenv',
      'app/config.yaml:yaml',
      'app/noext:dotenv',
      'app/patch.yaml:yaml',
      'app/settings.enc:yaml',
      'app/token.bin:binary',
    ]);
    assert.equal(text(`${ROOT}/app/app.env`), env);
    assert.equal(text(`${ROOT}/app/config.yaml`), yaml);
    assert.equal(text(`${ROOT}/app/settings.enc`), 'k: v\n');
    assert.equal(text(`${ROOT}/app/token.bin`), 'tok-3\n');
    assert.equal(plain.has(`${ROOT}/app/plain.txt`), false, 'a plaintext file is left as it is');

    const out = build(`${ROOT}/app`, { fs: overlayFileSystem(fs, plain) }).yaml;
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    assert.match(out, new RegExp(`DB_PASSWORD: ${b64('s3cret')}`));
    assert.match(out, new RegExp(`OTHER: ${b64('value-2')}`));
    assert.match(out, new RegExp(`config.yaml: ${b64(yaml)}`));
    assert.match(out, new RegExp(`token: ${b64('tok-3\n')}`));
    assert.match(out, /b: patched/);
    assert.doesNotMatch(out, /ENC\[/);
  });

  test('a file whose key names another format than its content is not decrypted before the build', async () => {
    // Flux takes the format from the key (kustomize-controller #636): `creds=settings.yaml` is binary, and a YAML
    // document does not carry the binary (JSON) marker.
    const { plain } = await run({
      [`${ROOT}/app/kustomization.yaml`]: 'secretGenerator:\n  - name: s\n    files: [creds=settings.yaml]\n',
      [`${ROOT}/app/settings.yaml`]: enc('yaml', yaml),
    });
    assert.equal(plain.size, 0);
  });

  test('nested resource directories and components are walked once; files and remote URLs are skipped', async () => {
    const { text, plain } = await run({
      [`${ROOT}/app/kustomization.yaml`]:
        'resources: [base, cm.yaml, https://example.com/x.yaml, missing, base]\ncomponents: [../comp]\n',
      [`${ROOT}/app/cm.yaml`]: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n',
      [`${ROOT}/app/base/kustomization.yml`]: 'secretGenerator:\n  - name: b\n    envs: [b.env]\n',
      [`${ROOT}/app/base/b.env`]: enc('dotenv', 'B=1\n'),
      [`${ROOT}/comp/Kustomization`]: 'secretGenerator:\n  - name: c\n    files: [c.json]\n',
      [`${ROOT}/comp/c.json`]: enc('json', '{"c": 1}'),
    });
    assert.equal(plain.size, 2);
    assert.equal(text(`${ROOT}/app/base/b.env`), 'B=1\n');
    assert.deepEqual(JSON.parse(text(`${ROOT}/comp/c.json`)), { c: 1 });
  });

  test('sources cannot leave the root; missing sources and ambiguous kustomizations fail', async () => {
    assert.deepEqual(securePaths(ROOT, '../../etc/passwd'), { abs: `${ROOT}/etc/passwd`, rel: 'etc/passwd' });
    assert.deepEqual(securePaths(ROOT, `${ROOT}/app/x`), { abs: `${ROOT}/app/x`, rel: 'app/x' });
    assert.deepEqual(securePaths(ROOT, '/etc/passwd'), { abs: `${ROOT}/etc/passwd`, rel: 'etc/passwd' });
    await assert.rejects(
      run({
        [`${ROOT}/app/kustomization.yaml`]: 'secretGenerator:\n  - name: s\n    envs: [../../../outside.env]\n',
        '/outside.env': enc('dotenv', 'X=1\n'),
      }),
      /lstat outside.env: no such file or directory/,
    );
    await assert.rejects(
      run({
        [`${ROOT}/app/kustomization.yaml`]: 'resources: [base]\n',
        [`${ROOT}/app/base/kustomization.yaml`]: '{}\n',
        [`${ROOT}/app/base/kustomization.yml`]: '{}\n',
      }),
      /found multiple kustomization files/,
    );
    await assert.rejects(
      run({ [`${ROOT}/app/kustomization.yaml`]: 'resources: [base]\n', [`${ROOT}/app/base/x.yaml`]: 'a: 1\n' }),
      /no kustomization file found/,
    );
  });

  test('on disk, a source that is a symlink out of the root is refused, naming it relative to the root', async () => {
    const base = realpathSync(mkdtempSync(join(tmpdir(), 'fxsrc-')));
    try {
      const root = join(base, 'root');
      mkdirSync(join(root, 'app'), { recursive: true });
      writeFileSync(join(base, 'outside.env'), enc('dotenv', env));
      writeFileSync(join(root, 'app/kustomization.yaml'), 'secretGenerator:\n  - name: s\n    envs: [app.env]\n');
      symlinkSync(join(base, 'outside.env'), join(root, 'app/app.env'));
      const err = await decryptSources({
        root,
        dir: join(root, 'app'),
        fs: rootedFileSystem(root),
        decrypt: (data, format) => decrypt(data, { format, keys, verifyMac: false }),
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(err instanceof Error);
      assert.equal(err.message, 'app/app.env: resolves outside the root');
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  test('a failed decryption names the file, never its content', async () => {
    const other = [new AgeKeyService([fx.age.identity])];
    const file = enc('dotenv', env);
    const err = await decryptSources({
      root: ROOT,
      dir: 'app',
      fs: memoryFileSystem({
        [`${ROOT}/app/kustomization.yaml`]: 'secretGenerator:\n  - name: s\n    envs: [app.env]\n',
        [`${ROOT}/app/app.env`]: file,
      }),
      decrypt: (data, format) => decrypt(data, { format, keys: other.slice(0, 0), verifyMac: false }),
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof Error);
    assert.match(err.message, /^app\/app\.env: /);
    assert.doesNotMatch(err.message, /s3cret|ENC\[/);
  });
});
