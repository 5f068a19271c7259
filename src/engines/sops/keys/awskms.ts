import { hostname } from 'node:os';

import { parse } from 'yaml';

import { SopsKeyError } from '../errors.ts';
import type { KeyService, MasterKey, Recipient } from './keyservice.ts';
import { sign, type AwsCredentials } from '../../sigv4/index.ts';

/**
 * AWS KMS master keys (sops `kms` entries: `arn`, optional `role`, `context`, `aws_profile`), as sops 3.x handles
 * them: the data key is wrapped with KMS Encrypt and unwrapped with KMS Decrypt under the key's ARN and encryption
 * context; a `role` is assumed through STS AssumeRole (session `sops@<hostname>`) with the given credentials first.
 * Requests are signed with SigV4 (engines/sigv4). The region comes from the ARN. Credentials are static, as Flux
 * reads them from the `sops.aws-kms` entry of a decryption Secret; `aws_profile` is kept in the metadata but not
 * read (fluxts reads no shared AWS config files). The plaintext data key never appears in an error.
 */

export type { AwsCredentials } from '../../sigv4/index.ts';

/** ARN_RE is sops' arnRegex; the first group is the region. */
const ARN_RE = /^arn:aws[\w-]*:kms:(.+):[0-9]+:(key|alias)\/.+$/;

/** AwsKmsOptions says how to reach AWS. */
export interface AwsKmsOptions {
  credentials: AwsCredentials;
  /**
   * endpoint replaces `https://kms.<region>.amazonaws.com` (as AWS_ENDPOINT_URL_KMS / AWS_ENDPOINT_URL do for the
   * AWS SDK); stsEndpoint likewise replaces `https://sts.<region>.amazonaws.com`.
   */
  endpoint?: string;
  stsEndpoint?: string;
  /** fetch defaults to the global fetch. */
  fetch?: typeof fetch;
  /** timeoutMs bounds each request (default 30 s). */
  timeoutMs?: number;
}

/** regionOf returns the region of a KMS key ARN, or throws as sops does for anything else. */
export function regionOf(arn: string): string {
  const m = ARN_RE.exec(arn);
  if (!m?.[1]) throw new SopsKeyError(`kms key ${arn}: no valid ARN found in '${arn}'`);
  return m[1];
}

/**
 * parseAwsCredentials reads the Flux `sops.aws-kms` entry: YAML with `aws_access_key_id`,
 * `aws_secret_access_key` and optionally `aws_session_token`. The error never quotes the content.
 */
export function parseAwsCredentials(text: string): AwsCredentials {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    throw new SopsKeyError('failed to unmarshal AWS credentials file: not valid YAML');
  }
  const o = (typeof doc === 'object' && doc !== null ? doc : {}) as Record<string, unknown>;
  const str = (k: string): string => (typeof o[k] === 'string' ? o[k] : '');
  const creds: AwsCredentials = {
    accessKeyId: str('aws_access_key_id'),
    secretAccessKey: str('aws_secret_access_key'),
  };
  if (str('aws_session_token')) creds.sessionToken = str('aws_session_token');
  return creds;
}

/** stsSessionName is sops' `sops@<hostname>`: the hostname sanitized, cut to 64 characters. */
export function stsSessionName(host = hostname()): string {
  const name = `sops@${host.replace(/[^a-zA-Z0-9=,.@-_]+/g, '')}`;
  return name.length >= 64 ? name.slice(0, 64) : name;
}

/** contextOf reads a stanza's encryption context (a string map), or undefined. */
function contextOf(key: MasterKey): Record<string, string> | undefined {
  const c = key.attrs['context'];
  return typeof c === 'object' && Object.keys(c).length > 0 ? c : undefined;
}

class AwsClient {
  private readonly options: AwsKmsOptions;

  constructor(options: AwsKmsOptions) {
    this.options = options;
  }

  private async post(
    who: string,
    url: string,
    service: string,
    region: string,
    credentials: AwsCredentials,
    headers: Record<string, string>,
    body: string,
  ): Promise<{ status: number; text: string }> {
    if (!credentials.accessKeyId || !credentials.secretAccessKey) {
      throw new SopsKeyError(`${who}: no AWS credentials (aws_access_key_id, aws_secret_access_key) were provided`);
    }
    const u = new URL(url);
    // content-length is signed, as the AWS SDK does, and left for fetch to send (it sets the same value).
    const length = String(Buffer.byteLength(body));
    const signed = sign({
      method: 'POST',
      url: u,
      headers: { ...headers, 'content-length': length },
      body,
      service,
      region,
      credentials,
    });
    const { host: _host, 'content-length': _length, ...send } = signed;
    let res: Response;
    try {
      res = await (this.options.fetch ?? fetch)(u, {
        method: 'POST',
        headers: send,
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (err) {
      throw new SopsKeyError(`${who}: ${service.toUpperCase()} request to ${u.origin} failed`, {
        cause: new Error(err instanceof Error ? err.message : String(err)),
      });
    }
    return { status: res.status, text: await res.text() };
  }

  /** credentialsFor returns the credentials to call KMS with: the given ones, or the role's when one is set. */
  async credentialsFor(who: string, region: string, role: string): Promise<AwsCredentials> {
    if (!role) return this.options.credentials;
    const body = new URLSearchParams({
      Action: 'AssumeRole',
      RoleArn: role,
      RoleSessionName: stsSessionName(),
      Version: '2011-06-15',
    }).toString();
    const url = this.options.stsEndpoint ?? `https://sts.${region}.amazonaws.com/`;
    const res = await this.post(
      who,
      url,
      'sts',
      region,
      this.options.credentials,
      { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body,
    );
    const tag = (name: string): string => new RegExp(`<${name}>([^<]*)</${name}>`).exec(res.text)?.[1] ?? '';
    if (res.status !== 200) {
      throw new SopsKeyError(
        `${who}: failed to assume role '${role}': ${tag('Code') || `HTTP ${res.status}`}: ${tag('Message')}`,
      );
    }
    const creds = { accessKeyId: tag('AccessKeyId'), secretAccessKey: tag('SecretAccessKey') };
    const token = tag('SessionToken');
    return token ? { ...creds, sessionToken: token } : creds;
  }

  /** kms calls a KMS JSON API action and returns the parsed response. */
  async kms(who: string, arn: string, role: string, action: string, request: object): Promise<Record<string, unknown>> {
    const region = regionOf(arn);
    const credentials = await this.credentialsFor(who, region, role);
    const url = this.options.endpoint ?? `https://kms.${region}.amazonaws.com/`;
    const res = await this.post(
      who,
      url,
      'kms',
      region,
      credentials,
      { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `TrentService.${action}` },
      JSON.stringify(request),
    );
    let out: Record<string, unknown> = {};
    try {
      out = JSON.parse(res.text) as Record<string, unknown>;
    } catch {
      // an error page: reported by status below
    }
    if (res.status !== 200) {
      const type = (typeof out['__type'] === 'string' ? out['__type'] : `HTTP ${res.status}`).replace(/^.*#/, '');
      const message = [out['message'], out['Message']].find((m): m is string => typeof m === 'string') ?? '';
      throw new SopsKeyError(
        `${who}: failed to ${action.toLowerCase()} sops data key with AWS KMS: ${type}${message ? `: ${message}` : ''}`,
      );
    }
    return out;
  }
}

/** AwsKmsKeyService unwraps data keys wrapped by AWS KMS (sops `kms` entries). */
export class AwsKmsKeyService implements KeyService {
  readonly type = 'kms' as const;
  private readonly client: AwsClient;

  constructor(options: AwsKmsOptions) {
    this.client = new AwsClient(options);
  }

  async decrypt(key: MasterKey): Promise<Uint8Array> {
    const arn = typeof key.attrs['arn'] === 'string' ? key.attrs['arn'] : '';
    const role = typeof key.attrs['role'] === 'string' ? key.attrs['role'] : '';
    const who = `kms key ${arn}`;
    const blob = key.enc.trim();
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(blob) || blob === '') {
      throw new SopsKeyError(`${who}: error base64-decoding encrypted data key`);
    }
    const context = contextOf(key);
    const out = await this.client.kms(who, arn, role, 'Decrypt', {
      KeyId: arn,
      CiphertextBlob: blob,
      ...(context ? { EncryptionContext: context } : {}),
    });
    const plain = out['Plaintext'];
    if (typeof plain !== 'string') throw new SopsKeyError(`${who}: AWS KMS returned no plaintext`);
    return new Uint8Array(Buffer.from(plain, 'base64'));
  }
}

/** AwsKmsKeySpec describes a KMS master key to encrypt for: its ARN and the optional role, context and profile. */
export interface AwsKmsKeySpec {
  arn: string;
  role?: string;
  context?: Record<string, string>;
  awsProfile?: string;
}

/**
 * parseKmsArns reads sops' `--kms` value: comma-separated ARNs, each optionally `+arn:aws:iam::…` with the role to
 * assume (spaces removed), as sops' MasterKeysFromArnString.
 */
export function parseKmsArns(list: string, context?: Record<string, string>, awsProfile?: string): AwsKmsKeySpec[] {
  if (list === '') return [];
  return list.split(',').map((raw) => {
    const s = raw.replace(/ /g, '');
    const i = s.indexOf('+arn:aws:iam::');
    const spec: AwsKmsKeySpec = i > 0 ? { arn: s.slice(0, i), role: s.slice(i + 1) } : { arn: s };
    if (context && Object.keys(context).length > 0) spec.context = context;
    if (awsProfile) spec.awsProfile = awsProfile;
    return spec;
  });
}

/** AwsKmsRecipient wraps data keys with one AWS KMS key, producing the `kms` entry sops writes. */
export class AwsKmsRecipient implements Recipient {
  readonly type = 'kms' as const;
  readonly describe: string;
  private readonly spec: AwsKmsKeySpec;
  private readonly client: AwsClient;

  constructor(spec: AwsKmsKeySpec, options: AwsKmsOptions) {
    regionOf(spec.arn);
    this.spec = spec;
    this.describe = spec.arn;
    this.client = new AwsClient(options);
  }

  async encrypt(dataKey: Uint8Array): Promise<MasterKey> {
    const { arn, role = '', context, awsProfile = '' } = this.spec;
    const out = await this.client.kms(`kms key ${arn}`, arn, role, 'Encrypt', {
      KeyId: arn,
      Plaintext: Buffer.from(dataKey).toString('base64'),
      ...(context ? { EncryptionContext: context } : {}),
    });
    const blob = out['CiphertextBlob'];
    if (typeof blob !== 'string') throw new SopsKeyError(`kms key ${arn}: AWS KMS returned no ciphertext`);
    const attrs: MasterKey['attrs'] = {
      arn,
      created_at: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      aws_profile: awsProfile,
    };
    if (role) attrs['role'] = role;
    if (context) attrs['context'] = context;
    return { type: 'kms', enc: blob, attrs };
  }
}
