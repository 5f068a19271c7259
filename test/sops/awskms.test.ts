// AWS KMS master keys against a real KMS API (local-kms) and the real sops CLI pointed at it with
// AWS_ENDPOINT_URL: sops encrypts with a KMS key (ARN, alias, encryption context), we decrypt; we encrypt, sops
// decrypts; a wrong encryption context or key fails without leaking the data key; Flux's `sops.aws-kms` Secret
// entry supplies the credentials; unsupported cloud keys are named.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  AwsKmsKeyService,
  AwsKmsRecipient,
  decrypt,
  encrypt,
  keyServicesFromSecret,
  parseKmsArns,
  SopsKeyError,
  type Format,
} from '../../src/engines/sops/index.ts';
import { awsKmsApi } from '../../src/fetchers/aws-kms/index.ts';
import { type LocalKms, localKmsBinary, startLocalKms } from './local-kms.ts';
import { sopsBinary } from './support.ts';

const sops = await sopsBinary();
const lkms = await localKmsBinary();

const ENTRY = join(import.meta.dirname, '../../src/cli/commands/sops.ts');
const CREDS = { accessKeyId: 'AKIDFLUXTSTEST', secretAccessKey: 'fluxts-test-secret-access-key' };
const YAML = 'db:\n    user: admin\n    password: kms-secret-value-1\nport: 5432\n';

describe('AWS KMS keys, differential with sops against local-kms', () => {
  let kms: LocalKms;
  let dir: string;
  let n = 0;
  before(async () => {
    kms = await startLocalKms(lkms);
    dir = mkdtempSync(join(tmpdir(), 'fxsopskms-'));
  });
  after(async () => {
    await kms?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const runSops = (args: string[], input: string | Uint8Array, ext: string) => {
    const file = join(dir, `f${++n}${ext}`);
    writeFileSync(file, input);
    const r = spawnSync(sops, [...args, file], {
      cwd: dir,
      env: {
        PATH: process.env['PATH'],
        HOME: dir,
        AWS_ENDPOINT_URL: kms.endpoint,
        AWS_ACCESS_KEY_ID: CREDS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: CREDS.secretAccessKey,
        AWS_EC2_METADATA_DISABLED: 'true',
      },
    });
    assert.equal(r.status, 0, `sops ${args.join(' ')}: ${r.stderr.toString()}`);
    return r.stdout;
  };
  const service = () => new AwsKmsKeyService(awsKmsApi({ credentials: CREDS, endpoint: kms.endpoint }));

  for (const [name, arn, context] of [
    ['a key ARN', () => kms.keyArn, undefined],
    ['an alias ARN with an encryption context', () => kms.aliasArn, 'app:fluxts,env:test'],
  ] as const) {
    test(`sops encrypts with ${name}, we decrypt`, async () => {
      const args = ['encrypt', '--kms', arn(), ...(context ? ['--encryption-context', context] : [])];
      const enc = runSops(args, YAML, '.yaml');
      assert.match(enc.toString(), /kms:\n\s+- arn: arn:aws:kms:/);
      if (context) assert.match(enc.toString(), /context:\n\s+app: fluxts\n\s+env: test/);
      const plain = await decrypt(enc, { format: 'yaml', keys: [service()] });
      assert.equal(Buffer.from(plain).toString(), YAML);
    });
  }

  for (const format of ['yaml', 'json', 'dotenv', 'binary'] as Format[]) {
    test(`we encrypt ${format} with a KMS key and context, sops decrypts`, async () => {
      const text =
        format === 'json'
          ? '{\n\t"password": "kms-secret-value-2"\n}\n'
          : format === 'dotenv'
            ? 'PASSWORD=kms-secret-value-2\n'
            : format === 'binary'
              ? 'raw kms-secret-value-2\n'
              : 'password: kms-secret-value-2\n';
      const [spec] = parseKmsArns(kms.keyArn, { purpose: 'differential' });
      const enc = await encrypt(Buffer.from(text), {
        format,
        recipients: [new AwsKmsRecipient(spec!, awsKmsApi({ credentials: CREDS, endpoint: kms.endpoint }))],
      });
      const ext = { yaml: '.yaml', json: '.json', dotenv: '.env', binary: '.bin', ini: '.ini' }[format];
      const out = runSops(['decrypt'], enc, ext);
      assert.equal(out.toString(), text);
    });
  }

  test('the kms entry we write has the fields sops writes', async () => {
    const ours = Buffer.from(
      await encrypt(Buffer.from('a: b\n'), {
        format: 'yaml',
        recipients: [
          new AwsKmsRecipient(
            { arn: kms.keyArn, context: { k: 'v' } },
            awsKmsApi({ credentials: CREDS, endpoint: kms.endpoint }),
          ),
        ],
      }),
    ).toString();
    const theirs = runSops(['encrypt', '--kms', kms.keyArn, '--encryption-context', 'k:v'], 'a: b\n', '.yaml');
    const fields = (doc: string) =>
      (/ {4}kms:\n((?: {8}.*\n)+)/.exec(doc)?.[1] ?? '')
        .replace(/enc: \S+/, 'enc: X')
        .replace(/created_at: "[^"]+"/, 'created_at: T');
    assert.notEqual(fields(theirs.toString()), '');
    assert.equal(fields(ours), fields(theirs.toString()));
  });

  test('fluxts sops encrypt --kms --encryption-context, sops decrypts; fluxts sops decrypt reads sops output', () => {
    const env = {
      PATH: process.env['PATH'],
      HOME: dir,
      AWS_ENDPOINT_URL: kms.endpoint,
      AWS_ACCESS_KEY_ID: CREDS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDS.secretAccessKey,
    };
    const file = join(dir, `f${++n}.yaml`);
    writeFileSync(file, YAML);
    const r = spawnSync(
      process.execPath,
      [ENTRY, 'encrypt', '--kms', kms.aliasArn, '--encryption-context', 'app:cli', file],
      {
        env,
        encoding: 'utf8',
      },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /context:\n\s+app: cli/);
    assert.equal(runSops(['decrypt'], r.stdout, '.yaml').toString(), YAML);

    const theirs = join(dir, `f${++n}.yaml`);
    writeFileSync(theirs, runSops(['encrypt', '--kms', kms.keyArn], YAML, '.yaml'));
    const d = spawnSync(process.execPath, [ENTRY, 'decrypt', theirs], { env, encoding: 'utf8' });
    assert.equal(d.status, 0, d.stderr);
    assert.equal(d.stdout, YAML);
  });

  test('a different encryption context or a key that did not wrap it fails, naming the key only', async () => {
    const enc = runSops(['encrypt', '--kms', kms.keyArn, '--encryption-context', 'app:fluxts'], YAML, '.yaml');
    const tampered = enc.toString().replace('app: fluxts', 'app: other');
    const err = await decrypt(Buffer.from(tampered), { format: 'yaml', keys: [service()] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof SopsKeyError, String(err));
    assert.match(err.message, new RegExp(`kms key ${kms.keyArn}: failed to decrypt sops data key with AWS KMS`));
    assert.doesNotMatch(err.message, /kms-secret-value|secret-access-key/);

    const other = enc.toString().split(kms.keyArn).join(kms.otherKeyArn);
    await assert.rejects(decrypt(Buffer.from(other), { format: 'yaml', keys: [service()] }), SopsKeyError);
  });

  test("Flux's sops.aws-kms Secret entry supplies the credentials", async () => {
    const enc = runSops(['encrypt', '--kms', kms.keyArn], YAML, '.yaml');
    const entry = `aws_access_key_id: ${CREDS.accessKeyId}\naws_secret_access_key: ${CREDS.secretAccessKey}\n`;
    const keys = keyServicesFromSecret({ 'sops.aws-kms': Buffer.from(entry) }, 'flux-system/sops-kms', {
      kms: (credentials) => awsKmsApi({ credentials, endpoint: kms.endpoint }),
    });
    assert.equal(Buffer.from(await decrypt(enc, { format: 'yaml', keys })).toString(), YAML);
    // Without it, the kms entry names what is missing.
    await assert.rejects(decrypt(enc, { format: 'yaml', keys: [] }), /no AWS credentials provided/);
    assert.throws(
      () => keyServicesFromSecret({ 'sops.aws-kms': Buffer.from('a: [') }, 'flux-system/sops-kms'),
      (e: Error) => /sops\.aws-kms/.test(e.message) && !/a: \[/.test(e.message),
    );
  });
});

describe('AWS KMS keys without a server', () => {
  test('ARNs and roles are read as sops reads --kms', () => {
    assert.deepEqual(
      parseKmsArns('arn:aws:kms:us-east-1:1:key/a+arn:aws:iam::1:role/r, arn:aws:kms:eu-west-1:2:alias/b'),
      [
        { arn: 'arn:aws:kms:us-east-1:1:key/a', role: 'arn:aws:iam::1:role/r' },
        { arn: 'arn:aws:kms:eu-west-1:2:alias/b' },
      ],
    );
    assert.throws(
      () => new AwsKmsRecipient({ arn: 'not-an-arn' }, awsKmsApi({ credentials: CREDS })),
      /no valid ARN found/,
    );
  });

  test('a role is assumed through STS with the given credentials before KMS is called', async () => {
    const calls: { url: string; body: string; auth: string }[] = [];
    const fakeFetch = ((input: string | URL, init?: RequestInit): Promise<Response> => {
      const url = input.toString();
      const headers = new Headers(init?.headers);
      calls.push({
        url,
        body: typeof init?.body === 'string' ? init.body : '',
        auth: headers.get('authorization') ?? '',
      });
      if (url.startsWith('https://sts.')) {
        return Promise.resolve(
          new Response(
            '<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAROLE</AccessKeyId>' +
              '<SecretAccessKey>role-secret</SecretAccessKey><SessionToken>role-token</SessionToken>' +
              '</Credentials></AssumeRoleResult></AssumeRoleResponse>',
          ),
        );
      }
      assert.equal(headers.get('x-amz-security-token'), 'role-token');
      return Promise.resolve(Response.json({ Plaintext: Buffer.alloc(32, 7).toString('base64') }));
    }) as typeof fetch;
    const svc = new AwsKmsKeyService(awsKmsApi({ credentials: CREDS, fetch: fakeFetch }));
    const key = await svc.decrypt({
      type: 'kms',
      enc: Buffer.from('blob').toString('base64'),
      attrs: { arn: 'arn:aws:kms:us-east-1:111122223333:key/k', role: 'arn:aws:iam::111122223333:role/sops' },
    });
    assert.deepEqual(Buffer.from(key), Buffer.alloc(32, 7));
    assert.equal(calls[0]?.url, 'https://sts.us-east-1.amazonaws.com/');
    assert.match(calls[0]?.body ?? '', /Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fsops/);
    assert.match(calls[0]?.auth ?? '', /Credential=AKIDFLUXTSTEST\/\d{8}\/us-east-1\/sts\/aws4_request/);
    assert.equal(calls[1]?.url, 'https://kms.us-east-1.amazonaws.com/');
    assert.match(calls[1]?.auth ?? '', /Credential=ASIAROLE\/\d{8}\/us-east-1\/kms\/aws4_request/);
  });

  test('GCP KMS, Azure Key Vault, Vault transit and HuaweiCloud KMS keys are reported as not supported', async () => {
    const doc = [
      'a: ENC[AES256_GCM,data:AAAA,iv:AAAAAAAAAAAAAAAAAAAAAA==,tag:AAAAAAAAAAAAAAAAAAAAAA==,type:str]',
      'sops:',
      '    gcp_kms:',
      '        - resource_id: projects/p/locations/global/keyRings/r/cryptoKeys/k',
      '          created_at: "2024-01-01T00:00:00Z"',
      '          enc: AAAA',
      '    azure_kv:',
      '        - vault_url: https://v.vault.azure.net',
      '          name: k',
      '          version: "1"',
      '          created_at: "2024-01-01T00:00:00Z"',
      '          enc: AAAA',
      '    hc_vault:',
      '        - vault_address: http://127.0.0.1:8200',
      '          engine_path: sops',
      '          key_name: k',
      '          created_at: "2024-01-01T00:00:00Z"',
      '          enc: AAAA',
      '    lastmodified: "2024-01-01T00:00:00Z"',
      '    mac: ENC[AES256_GCM,data:AAAA,iv:AAAAAAAAAAAAAAAAAAAAAA==,tag:AAAAAAAAAAAAAAAAAAAAAA==,type:str]',
      '    version: 3.13.3',
      '',
    ].join('\n');
    const err = await decrypt(Buffer.from(doc), { format: 'yaml', keys: [] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof SopsKeyError);
    for (const t of ['gcp_kms', 'azure_kv', 'hc_vault'])
      assert.match(err.message, new RegExp(`${t} master keys are not supported`));
  });
});
