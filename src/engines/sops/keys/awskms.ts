import { parse } from 'yaml';

import { SopsKeyError } from '../errors.ts';
import type { AwsCredentials } from '../../sigv4/index.ts';
import type { KeyService, MasterKey, Recipient } from './keyservice.ts';

/**
 * AWS KMS master keys (sops `kms` entries: `arn`, optional `role`, `context`, `aws_profile`), as sops 3.x handles
 * them: the data key is wrapped with KMS Encrypt and unwrapped with KMS Decrypt under the key's ARN and encryption
 * context, after assuming `role` when one is set. The engine holds the sops side only; the calls to AWS go through
 * a KmsApi the caller passes in (fetchers/aws-kms signs them with SigV4 and sends them), so the engine itself never
 * touches the network. The region comes from the ARN. The plaintext data key never appears in an error.
 */

export type { AwsCredentials } from '../../sigv4/index.ts';

/** KmsRequest names the key, the role to assume first (or ''), and the encryption context. */
export interface KmsRequest {
  arn: string;
  role: string;
  context?: Record<string, string>;
}

/**
 * KmsApi is the AWS KMS the sops keys use. Both calls throw a SopsKeyError naming the key (`kms key <arn>: …`),
 * never key material.
 */
export interface KmsApi {
  /** decrypt unwraps a base64 ciphertext blob (KMS Decrypt). */
  decrypt(request: KmsRequest & { blob: string }): Promise<Uint8Array>;
  /** encrypt wraps a data key and returns the base64 ciphertext blob (KMS Encrypt). */
  encrypt(request: KmsRequest & { plaintext: Uint8Array }): Promise<string>;
}

/** ARN_RE is sops' arnRegex; the first group is the region. */
const ARN_RE = /^arn:aws[\w-]*:kms:(.+):[0-9]+:(key|alias)\/.+$/;

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

/** contextOf reads a stanza's encryption context (a string map), or undefined. */
function contextOf(key: MasterKey): Record<string, string> | undefined {
  const c = key.attrs['context'];
  return typeof c === 'object' && Object.keys(c).length > 0 ? c : undefined;
}

/** AwsKmsKeyService unwraps data keys wrapped by AWS KMS (sops `kms` entries). */
export class AwsKmsKeyService implements KeyService {
  readonly type = 'kms' as const;
  private readonly api: KmsApi;

  constructor(api: KmsApi) {
    this.api = api;
  }

  async decrypt(key: MasterKey): Promise<Uint8Array> {
    const arn = typeof key.attrs['arn'] === 'string' ? key.attrs['arn'] : '';
    const role = typeof key.attrs['role'] === 'string' ? key.attrs['role'] : '';
    const who = `kms key ${arn}`;
    const blob = key.enc.trim();
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(blob) || blob === '') {
      throw new SopsKeyError(`${who}: error base64-decoding encrypted data key`);
    }
    regionOf(arn);
    const context = contextOf(key);
    return this.api.decrypt({ arn, role, blob, ...(context ? { context } : {}) });
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
  private readonly api: KmsApi;

  constructor(spec: AwsKmsKeySpec, api: KmsApi) {
    regionOf(spec.arn);
    this.spec = spec;
    this.describe = spec.arn;
    this.api = api;
  }

  async encrypt(dataKey: Uint8Array): Promise<MasterKey> {
    const { arn, role = '', context, awsProfile = '' } = this.spec;
    const blob = await this.api.encrypt({ arn, role, plaintext: dataKey, ...(context ? { context } : {}) });
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
