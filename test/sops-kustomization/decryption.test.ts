// SOPS decryption in Kustomizations end to end (issue 6): secrets encrypted with our engine and with the real sops
// CLI, for age, PGP and AWS KMS keys (local-kms), are committed to Git and arrive in the cluster decrypted;
// secretGenerator files and env files that are sops files are decrypted before the build, in memory; a wrong key leaves Ready=False (BuildFailed) and the applied Secret untouched; and
// no secret material reaches the Ready message, the Kubernetes Events, the controller's logs, or the disk.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { type FSWatcher, watch } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { Command } from 'commander';
import * as openpgp from 'openpgp';

import type { Kustomization } from '../../src/api/index.ts';
import { type ControllerServices, findController, startControllers } from '../../src/controllers/index.ts';
import { kustomizationType } from '../../src/controllers/kustomize/index.ts';
import { kustomizeController } from '../../src/controllers/kustomize/setup.ts';
import { gitRepositoryType } from '../../src/controllers/source/setup.ts';
import { AgeRecipient, encrypt, type Format, PgpRecipient, type Recipient } from '../../src/engines/sops/index.ts';
import { KubeClient, type KubeObject } from '../../src/kube/index.ts';
import {
  controllerOptionsFrom,
  createLogger,
  registerControllerFlags,
  type RunningManager,
  startManager,
} from '../../src/runtime/index.ts';
import { type TestCluster, useCluster, useNamespace } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';
import type { FileChange, TestRepo } from '../support/git-repo.ts';
import { type GitServer, startGitServer } from '../support/git-server.ts';
import { localKmsBinary, startLocalKms } from '../sops/local-kms.ts';
import { setup as sopsFixture, sopsBinary, sopsOk, writeTemp } from '../sops/support.ts';

/** SECRET_FIELDS is the rule Flux documents: kustomize needs apiVersion/kind/metadata in cleartext. */
const SECRET_FIELDS = '^(data|stringData)$';

const CONFIGMAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\ndata:\n  a: "1"\n';

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

let cluster: TestCluster;
let client: KubeClient;
let git: GitServer;
let services: ControllerServices;
let running: RunningManager;
let storageDir: string;
let workDir: string;
// Built in before(): a failed build fails the file, never skips its comparisons.
let sops: string;
let kmsBinary: string;
/** logs is everything the controllers logged, at debug level, as JSON lines. */
let logs = '';

/**
 * The disk watch: every file that appears or changes under the controller's work directory or the artifact
 * storage while the suite runs is read at once and searched for the secrets registered in `needles`.
 */
const needles = new Set<string>();
const diskHits: string[] = [];
const watchers: FSWatcher[] = [];
let filesRead = 0;
let ciphertextSeen = false;

async function inspect(path: string): Promise<void> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    return; // a directory, or already removed
  }
  filesRead++;
  // The artifact in storage is gzipped; the extracted copy in the work directory is what proves the watch works.
  if (path.startsWith(workDir) && bytes.includes('ENC[AES256_GCM,')) ciphertextSeen = true;
  for (const needle of needles) if (bytes.includes(needle)) diskHits.push(`${path} holds a registered secret`);
}

function watchTree(root: string): void {
  const w = watch(root, { recursive: true }, (_event, name) => {
    if (name) void inspect(join(root, name));
  });
  watchers.push(w);
}

/** scanTree reads every file still under root (the final sweep, after the watch). */
async function scanTree(root: string): Promise<void> {
  for (const entry of await readdir(root, { recursive: true })) await inspect(join(root, entry));
}

/** secretMaterial registers strings that must never appear in status, events, logs or on disk. */
function secretMaterial(...values: string[]): void {
  for (const v of values) {
    needles.add(v);
    if (v.length >= 8) needles.add(Buffer.from(v).toString('base64'));
  }
}

before(async () => {
  cluster = await useCluster();
  client = new KubeClient(cluster.kubeConfig);
  git = await startGitServer();
  storageDir = await mkdtemp(join(tmpdir(), 'fluxts-sops-ks-storage-'));
  workDir = await mkdtemp(join(tmpdir(), 'fluxts-sops-ks-work-'));
  watchTree(storageDir);
  watchTree(workDir);
  services = await startControllers([findController('source-controller')!], {
    storagePath: storageDir,
    storageAddr: '127.0.0.1:0',
    storageAdvAddr: '',
    artifactRetentionTtl: 60_000,
    artifactRetentionRecords: 2,
  });
  const flags = registerControllerFlags(new Command()).parse(
    ['--metrics-addr=127.0.0.1:0', '--health-addr=127.0.0.1:0', '--max-retry-delay=3s', '--log-level=debug'],
    { from: 'user' },
  );
  const logger = createLogger('debug', {
    write(line: string) {
      logs += line;
    },
  });
  running = await startManager(
    controllerOptionsFrom(flags.opts()),
    [...services.setups, kustomizeController({ workDir, healthCheckIntervalMs: 1000 })],
    { kubeConfig: cluster.kubeConfig, logger },
  );
  sops = await sopsBinary();
  kmsBinary = await localKmsBinary();
});

after(async () => {
  await running?.stop();
  await services?.close();
  await git?.close();
  for (const w of watchers) w.close();
  await rm(storageDir, { recursive: true, force: true });
  await rm(workDir, { recursive: true, force: true });
});

// --- helpers -------------------------------------------------------------------------------------------------------

interface AgeKey {
  identity: string;
  recipient: string;
}

async function ageKey(): Promise<AgeKey> {
  const identity = await generateX25519Identity();
  secretMaterial(identity);
  return { identity, recipient: await identityToRecipient(identity) };
}

async function encryptWith(text: string, format: Format, recipients: Recipient[], secretFields = true) {
  const out = await encrypt(new TextEncoder().encode(text), {
    format,
    recipients,
    ...(secretFields ? { rules: { encryptedRegex: SECRET_FIELDS } } : {}),
  });
  return new TextDecoder().decode(out);
}

/** wrappedKeyLines are the lines of the armored data keys (age/PGP `enc:` blocks) of a sops YAML document. */
function wrappedKeyLines(encrypted: string): string[] {
  const lines: string[] = [];
  for (const block of encrypted.matchAll(/-----BEGIN [A-Z ]+-----([\s\S]*?)-----END/g)) {
    for (const line of (block[1] ?? '').split(/\\n|\n/)) {
      const l = line.trim();
      if (l.length >= 16) lines.push(l);
    }
  }
  assert.ok(lines.length > 0, 'the document carries a wrapped data key');
  return lines;
}

function secretManifest(name: string, data: Record<string, string>, field: 'data' | 'stringData'): string {
  const body = Object.entries(data)
    .map(([k, v]) => `  ${k}: ${field === 'data' ? Buffer.from(v).toString('base64') : JSON.stringify(v)}`)
    .join('\n');
  return `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\ntype: Opaque\n${field}:\n${body}\n`;
}

async function createSecret(ns: string, name: string, data: Record<string, string>): Promise<void> {
  const body = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: ns },
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  };
  try {
    await client.create(body);
  } catch {
    await client.update(body);
  }
}

async function setup(ns: string, files: Record<string, FileChange>, decryptionSecret = 'sops-keys'): Promise<TestRepo> {
  const repo = git.createRepo(`${ns}-repo`);
  await repo.commit({ files });
  await client.create({
    apiVersion: gitRepositoryType.apiVersion,
    kind: 'GitRepository',
    metadata: { name: 'repo', namespace: ns },
    spec: { url: git.repoUrl(`${ns}-repo`), interval: '2s', ref: { branch: 'main' } },
  });
  await client.create({
    apiVersion: kustomizationType.apiVersion,
    kind: 'Kustomization',
    metadata: { name: 'app', namespace: ns },
    spec: {
      interval: '10m',
      prune: true,
      path: './app',
      targetNamespace: ns,
      sourceRef: { kind: 'GitRepository', name: 'repo' },
      decryption: { provider: 'sops', secretRef: { name: decryptionSecret } },
    },
  });
  return repo;
}

function readyOf(ks: Kustomization): Condition | undefined {
  return (ks.status?.conditions as Condition[] | undefined)?.find((c) => c.type === 'Ready');
}

async function waitReady(
  ns: string,
  status: 'True' | 'False',
  reason?: string,
  revision?: string,
): Promise<Kustomization> {
  let last: Condition | undefined;
  return eventually(
    `Kustomization ${ns}/app Ready=${status}${reason ? ` (${reason})` : ''}`,
    async () => {
      const ks = await client.get<Kustomization>(kustomizationType, { namespace: ns, name: 'app' });
      const ready = readyOf(ks);
      last = ready;
      if (ready?.status !== status || (reason && ready.reason !== reason)) return undefined;
      if (revision && !ks.status?.lastAttemptedRevision?.endsWith(revision)) return undefined;
      return ks;
    },
    { timeoutMs: 60_000 },
  ).catch((err: unknown) => {
    // The last Ready condition says why; it is the controller's own (secret-free) message.
    throw new Error(`${(err as Error).message}; last Ready: ${JSON.stringify(last)}`, { cause: err });
  });
}

async function secretData(ns: string, name: string): Promise<Record<string, string>> {
  const obj = await client.get<KubeObject>({ apiVersion: 'v1', kind: 'Secret' }, { namespace: ns, name });
  assert.equal(obj['sops'], undefined, 'no sops metadata in the applied Secret');
  const data = (obj['data'] ?? {}) as Record<string, string>;
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
}

async function eventMessages(ns: string): Promise<string[]> {
  const list = await client.list<KubeObject>({ apiVersion: 'v1', kind: 'Event' }, { namespace: ns });
  return list.items
    .filter((e) => (e['involvedObject'] as { kind?: string } | undefined)?.kind === 'Kustomization')
    .map((e) => (typeof e['message'] === 'string' ? e['message'] : ''));
}

function assertNoSecret(where: string, text: string, secrets: readonly string[]): void {
  for (const s of secrets) assert.ok(!text.includes(s), `${where} contains secret material`);
}

// --- tests ---------------------------------------------------------------------------------------------------------

describe('Kustomization SOPS decryption', { concurrency: 3 }, () => {
  test('an age-encrypted Secret (fluxts engine) arrives decrypted', async (t) => {
    const ns = await useNamespace(t, cluster);
    const key = await ageKey();
    const plain = { password: 'age-engine-plaintext-1', 'config.json': '{"token":"age-engine-token-2"}' };
    secretMaterial(...Object.values(plain));
    const enc = await encryptWith(secretManifest('db', plain, 'stringData'), 'yaml', [new AgeRecipient(key.recipient)]);
    for (const v of Object.values(plain)) assert.ok(!enc.includes(v), 'the committed file is encrypted');
    await createSecret(ns, 'sops-keys', { 'age.agekey': `# created: now\n${key.identity}\n` });
    await setup(ns, { 'app/secret.yaml': enc });
    await waitReady(ns, 'True', 'ReconciliationSucceeded');
    assert.deepEqual(await secretData(ns, 'db'), plain);
  });

  test('an age-encrypted Secret written by the sops CLI arrives decrypted', async (t) => {
    const ns = await useNamespace(t, cluster);
    const key = await ageKey();
    const plain = { username: 'admin', password: 'sops-cli-plaintext-3' };
    secretMaterial(plain.password);
    const dir = await mkdtemp(join(tmpdir(), 'fluxts-sops-ks-input-'));
    let enc: string;
    try {
      const file = join(dir, 'secret.yaml');
      await writeFile(file, secretManifest('db', plain, 'data'));
      const r = spawnSync(sops, ['encrypt', '--age', key.recipient, '--encrypted-regex', SECRET_FIELDS, file], {
        cwd: dir,
        env: { PATH: process.env['PATH'], HOME: dir },
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, `sops encrypt failed: ${r.stderr}`);
      enc = r.stdout;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    assert.match(enc, /ENC\[AES256_GCM,/);
    assert.ok(!enc.includes(Buffer.from(plain.password).toString('base64')));
    await createSecret(ns, 'sops-age', { 'age.agekey': key.identity });
    await setup(ns, { 'app/secret.yaml': enc }, 'sops-age');
    await waitReady(ns, 'True', 'ReconciliationSucceeded');
    assert.deepEqual(await secretData(ns, 'db'), plain);
  });

  test('a PGP-encrypted Secret is decrypted with the *.asc key, without gpg', async (t) => {
    const ns = await useNamespace(t, cluster);
    const { privateKey, publicKey } = await openpgp.generateKey({
      type: 'ecc',
      curve: 'ed25519Legacy',
      userIDs: [{ name: 'fluxts sops e2e', email: 'sops@fluxts.test' }],
      format: 'armored',
    });
    secretMaterial(...wrappedKeyLines(privateKey));
    const plain = { password: 'pgp-plaintext-value-4' };
    secretMaterial(plain.password);
    const recipients = await PgpRecipient.fromArmored(publicKey);
    const enc = await encryptWith(secretManifest('db', plain, 'data'), 'yaml', recipients);
    assert.match(enc, /pgp:/);
    await createSecret(ns, 'sops-gpg', { 'sops.asc': privateKey });
    await setup(ns, { 'app/secret.yaml': enc }, 'sops-gpg');
    await waitReady(ns, 'True', 'ReconciliationSucceeded');
    assert.deepEqual(await secretData(ns, 'db'), plain);
  });

  test('a PGP-encrypted Secret written by the sops CLI (with gpg) is decrypted with the *.asc key', async (t) => {
    const ns = await useNamespace(t, cluster);
    // A throw-away GnuPG home with one key, as the sops differential tests make it.
    const fx = await sopsFixture(sops);
    t.after(() => fx.cleanup());
    secretMaterial(...wrappedKeyLines(fx.pgpPrivate));
    const plain = { password: 'sops-cli-pgp-plaintext-13' };
    secretMaterial(plain.password);
    const file = writeTemp(fx, '.yaml', secretManifest('db', plain, 'data'));
    const enc = sopsOk(fx, ['encrypt', '--pgp', fx.pgpFp, '--encrypted-regex', SECRET_FIELDS, file], {
      pgp: true,
    }).toString('utf8');
    await rm(file);
    assert.match(enc, /pgp:/);
    await createSecret(ns, 'sops-gpg', { 'sops.asc': fx.pgpPrivate });
    await setup(ns, { 'app/secret.yaml': enc }, 'sops-gpg');
    await waitReady(ns, 'True', 'ReconciliationSucceeded');
    assert.deepEqual(await secretData(ns, 'db'), plain);
  });

  test('an AWS KMS-encrypted Secret written by the sops CLI is decrypted with the sops.aws-kms credentials', async (t) => {
    const ns = await useNamespace(t, cluster);
    const kms = await startLocalKms(kmsBinary);
    t.after(() => kms.stop());
    // The controller reaches KMS where Flux's AWS SDK would with this variable set.
    const before = process.env['AWS_ENDPOINT_URL_KMS'];
    process.env['AWS_ENDPOINT_URL_KMS'] = kms.endpoint;
    t.after(() => {
      if (before === undefined) delete process.env['AWS_ENDPOINT_URL_KMS'];
      else process.env['AWS_ENDPOINT_URL_KMS'] = before;
    });
    const creds = { id: 'AKIDKUSTOMIZATION', secret: 'kustomization-kms-secret-access-key-16' };
    const plain = { password: 'sops-cli-kms-plaintext-17' };
    secretMaterial(plain.password, creds.secret);
    const dir = await mkdtemp(join(tmpdir(), 'fxkmsks-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'secret.yaml');
    await writeFile(file, secretManifest('db', plain, 'stringData'));
    const r = spawnSync(
      sops,
      ['encrypt', '--kms', kms.keyArn, '--encryption-context', 'app:db', '--encrypted-regex', SECRET_FIELDS, file],
      {
        cwd: dir,
        env: {
          PATH: process.env['PATH'],
          HOME: dir,
          AWS_ENDPOINT_URL: kms.endpoint,
          AWS_ACCESS_KEY_ID: creds.id,
          AWS_SECRET_ACCESS_KEY: creds.secret,
        },
      },
    );
    assert.equal(r.status, 0, r.stderr.toString());
    await rm(file);
    const enc = r.stdout.toString('utf8');
    assert.match(enc, /kms:/);
    await createSecret(ns, 'sops-kms', {
      'sops.aws-kms': `aws_access_key_id: ${creds.id}\naws_secret_access_key: ${creds.secret}\n`,
    });
    await setup(ns, { 'app/secret.yaml': enc }, 'sops-kms');
    await waitReady(ns, 'True', 'ReconciliationSucceeded');
    assert.deepEqual(await secretData(ns, 'db'), plain);
  });

  test('a secretGenerator with sops-encrypted files (binary, YAML) is generated decrypted', async (t) => {
    const ns = await useNamespace(t, cluster);
    const key = await ageKey();
    const r = [new AgeRecipient(key.recipient)];
    const token = 'generator-binary-token-5\n';
    const yaml = 'user: admin\npassword: generator-yaml-secret-6\n';
    secretMaterial('generator-binary-token-5', 'generator-yaml-secret-6');
    await createSecret(ns, 'sops-keys', { 'keys.agekey': key.identity });
    await setup(ns, {
      'app/kustomization.yaml': [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        // A resource besides the generator: the controller adds buildMetadata to a kustomization.yaml without
        // resources, which the kustomize engine does not support yet (see report).
        'resources: [cm.yaml]',
        'generatorOptions:',
        '  disableNameSuffixHash: true',
        'secretGenerator:',
        '  - name: files',
        '    files:',
        '      - token=token.bin',
        '      - config.yaml',
        '',
      ].join('\n'),
      'app/cm.yaml': CONFIGMAP,
      'app/token.bin': await encryptWith(token, 'binary', r, false),
      'app/config.yaml': await encryptWith(yaml, 'yaml', r, false),
    });
    await waitReady(ns, 'True', 'ReconciliationSucceeded');
    assert.deepEqual(await secretData(ns, 'files'), { token, 'config.yaml': yaml });
  });

  test('a secretGenerator file is decrypted before the build in the format its key names', async (t) => {
    // Flux takes a generator file's format from its key (kustomize-controller #636): `settings.yaml=settings.enc`
    // is a YAML document whatever the file is called.
    const ns = await useNamespace(t, cluster);
    const key = await ageKey();
    const yaml = 'user: admin\npassword: generator-renamed-secret-14\n';
    secretMaterial('generator-renamed-secret-14');
    await createSecret(ns, 'sops-keys', { 'keys.agekey': key.identity });
    await setup(ns, {
      'app/kustomization.yaml': [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        'resources: [cm.yaml]',
        'generatorOptions:',
        '  disableNameSuffixHash: true',
        'secretGenerator:',
        '  - name: renamed',
        '    files:',
        '      - settings.yaml=settings.enc',
        '',
      ].join('\n'),
      'app/cm.yaml': CONFIGMAP,
      'app/settings.enc': await encryptWith(yaml, 'yaml', [new AgeRecipient(key.recipient)], false),
    });
    await waitReady(ns, 'True', 'ReconciliationSucceeded');
    assert.deepEqual(await secretData(ns, 'renamed'), { 'settings.yaml': yaml });
  });

  test('a secretGenerator with a sops-encrypted env file is generated decrypted', async (t) => {
    const ns = await useNamespace(t, cluster);
    const key = await ageKey();
    const env = 'DB_USER=admin\nDB_PASSWORD=generator-env-secret-7\n';
    secretMaterial('generator-env-secret-7');
    await createSecret(ns, 'sops-keys', { 'keys.agekey': key.identity });
    await setup(ns, {
      'app/kustomization.yaml': [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        // A resource besides the generator: the controller adds buildMetadata to a kustomization.yaml without
        // resources, which the kustomize engine does not support yet (see report).
        'resources: [cm.yaml]',
        'generatorOptions:',
        '  disableNameSuffixHash: true',
        'secretGenerator:',
        '  - name: env',
        '    envs:',
        '      - app.env',
        '',
      ].join('\n'),
      'app/cm.yaml': CONFIGMAP,
      'app/app.env': await encryptWith(env, 'dotenv', [new AgeRecipient(key.recipient)], false),
    });
    await waitReady(ns, 'True', 'ReconciliationSucceeded');
    assert.deepEqual(await secretData(ns, 'env'), { DB_USER: 'admin', DB_PASSWORD: 'generator-env-secret-7' });
  });

  test('an env source the keys cannot decrypt fails the build before it, naming the file only', async (t) => {
    const ns = await useNamespace(t, cluster);
    const key = await ageKey();
    const wrong = await ageKey();
    secretMaterial('generator-env-secret-15');
    await createSecret(ns, 'sops-keys', { 'keys.agekey': wrong.identity });
    await setup(ns, {
      'app/kustomization.yaml': 'resources: [cm.yaml]\nsecretGenerator:\n  - name: env\n    envs: [app.env]\n',
      'app/cm.yaml': CONFIGMAP,
      'app/app.env': await encryptWith(
        'DB_PASSWORD=generator-env-secret-15\n',
        'dotenv',
        [new AgeRecipient(key.recipient)],
        false,
      ),
    });
    const ks = await waitReady(ns, 'False', 'BuildFailed');
    const message = readyOf(ks)?.message ?? '';
    assert.match(message, /^error decrypting sources: app\/app\.env: /);
    assertNoSecret('the Ready message', message, ['generator-env-secret-15', key.identity, wrong.identity]);
  });

  test('a wrong key fails the build with no secret material anywhere, and the applied Secret stays', async (t) => {
    const ns = await useNamespace(t, cluster);
    const key = await ageKey();
    const wrong = await ageKey();
    const first = { password: 'wrong-key-first-value-8' };
    const second = { password: 'wrong-key-second-value-9' };
    secretMaterial(first.password, second.password);
    const r = [new AgeRecipient(key.recipient)];
    const enc1 = await encryptWith(secretManifest('db', first, 'stringData'), 'yaml', r);
    await createSecret(ns, 'sops-keys', { 'age.agekey': key.identity });
    const repo = await setup(ns, { 'app/secret.yaml': enc1 });
    await waitReady(ns, 'True', 'ReconciliationSucceeded');
    assert.deepEqual(await secretData(ns, 'db'), first);

    // The decryption Secret now holds a key the document was not encrypted for; a new revision must fail.
    await createSecret(ns, 'sops-keys', { 'age.agekey': wrong.identity });
    const enc2 = await encryptWith(secretManifest('db', second, 'stringData'), 'yaml', r);
    const keyLines = wrappedKeyLines(enc2);
    const tip = await repo.commit({ files: { 'app/secret.yaml': enc2 } });
    const ks = await waitReady(ns, 'False', 'BuildFailed', tip);
    const message = readyOf(ks)?.message ?? '';
    assert.match(message, /Secret\/.*db/, 'the message names the Secret');

    const secrets = [first.password, second.password, key.identity, wrong.identity, ...keyLines];
    const b64 = [first.password, second.password].map((v) => Buffer.from(v).toString('base64'));
    assertNoSecret('the Ready message', message, [...secrets, ...b64]);
    t.diagnostic(`Ready message: ${message}`);
    const events = await eventually('the failure event', async () => {
      const msgs = await eventMessages(ns);
      return msgs.some((m) => m.includes('db')) ? msgs : undefined;
    });
    for (const m of events) assertNoSecret('an event of the Kustomization', m, [...secrets, ...b64]);
    assert.ok(logs.includes(ns), 'the controller logged about this Kustomization');
    assertNoSecret('the controller log', logs, [...secrets, ...b64]);
    assert.deepEqual(await secretData(ns, 'db'), first, 'the previously applied Secret is unchanged');
  });

  test('a tampered value fails the build without leaking the values decrypted before it', async (t) => {
    const ns = await useNamespace(t, cluster);
    const key = await ageKey();
    const plain = { first: 'tamper-first-value-10', second: 'tamper-second-value-11' };
    secretMaterial(...Object.values(plain));
    const enc = await encryptWith(secretManifest('db', plain, 'stringData'), 'yaml', [new AgeRecipient(key.recipient)]);
    // One character of the second value's ciphertext changes: its GCM tag no longer matches, while the first value
    // (earlier in the document) still decrypts and so exists in memory when the error is raised.
    const tampered = enc.replace(
      /(second: ENC\[AES256_GCM,data:)(.)/,
      (_m, p: string, c: string) => p + (c === 'A' ? 'B' : 'A'),
    );
    assert.notEqual(tampered, enc);
    await createSecret(ns, 'sops-keys', { 'age.agekey': key.identity });
    await setup(ns, { 'app/secret.yaml': tampered });
    const ks = await waitReady(ns, 'False', 'BuildFailed');
    const message = readyOf(ks)?.message ?? '';
    t.diagnostic(`Ready message: ${message}`);
    const secrets = [...Object.values(plain), key.identity, ...wrappedKeyLines(enc)];
    assertNoSecret('the Ready message', message, secrets);
    const events = await eventually('the failure event', async () => {
      const msgs = await eventMessages(ns);
      return msgs.some((m) => m.includes('db')) ? msgs : undefined;
    });
    for (const m of events) assertNoSecret('an event of the Kustomization', m, secrets);
    await assert.rejects(client.get({ apiVersion: 'v1', kind: 'Secret' }, { namespace: ns, name: 'db' }));
  });

  test('a missing decryption Secret fails the build, naming the Secret', async (t) => {
    const ns = await useNamespace(t, cluster);
    const key = await ageKey();
    const enc = await encryptWith(secretManifest('db', { password: 'missing-key-value-12' }, 'stringData'), 'yaml', [
      new AgeRecipient(key.recipient),
    ]);
    secretMaterial('missing-key-value-12');
    await setup(ns, { 'app/secret.yaml': enc }, 'absent');
    const ks = await waitReady(ns, 'False', 'BuildFailed');
    assert.match(readyOf(ks)?.message ?? '', /absent/);
    await assert.rejects(client.get({ apiVersion: 'v1', kind: 'Secret' }, { namespace: ns, name: 'db' }));
  });
});

describe('decrypted material on disk', () => {
  test('no file the controllers wrote holds a secret', async () => {
    await scanTree(storageDir);
    await scanTree(workDir);
    // The watch must have seen the controller's files, including the committed ciphertext, to mean anything.
    assert.ok(filesRead > 0, 'the controllers wrote files under the watched directories');
    assert.ok(ciphertextSeen, 'the encrypted manifests were seen in the work directory');
    assert.ok(needles.size > 0);
    assert.deepEqual(diskHits, []);
  });

  test('the controller log holds none of the secrets of the whole suite', () => {
    assert.ok(logs.length > 0, 'the controllers logged');
    for (const needle of needles) assert.ok(!logs.includes(needle), 'the controller log contains secret material');
  });
});
