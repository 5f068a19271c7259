// AWS KMS over HTTPS for the sops engine's KmsApi: KMS Decrypt and Encrypt, after STS AssumeRole when a key names a
// role (session `sops@<hostname>`, as sops names it), every request signed with SigV4 (engines/sigv4). Endpoints default
// to the key's region; AWS_ENDPOINT_URL_KMS / _STS overrides are the caller's to pass. Errors name the key and the
// AWS error code, never key material or credentials.
import { hostname } from 'node:os';

import { sign, type AwsCredentials } from '../../engines/sigv4/index.ts';
import { regionOf, SopsKeyError, type KmsApi } from '../../engines/sops/index.ts';

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

/** stsSessionName is sops' `sops@<hostname>`: the hostname sanitized, cut to 64 characters. */
export function stsSessionName(host = hostname()): string {
  const name = `sops@${host.replace(/[^a-zA-Z0-9=,.@-_]+/g, '')}`;
  return name.length >= 64 ? name.slice(0, 64) : name;
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
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    try {
      res = await (this.options.fetch ?? fetch)(u, {
        method: 'POST',
        headers: send,
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      // Say when the bound was hit: "failed" alone reads like a refusal, not like an endpoint that never answered.
      const timedOut = err instanceof Error && err.name === 'TimeoutError';
      const why = timedOut ? `: no answer within ${timeoutMs} ms` : '';
      throw new SopsKeyError(`${who}: ${service.toUpperCase()} request to ${u.origin} failed${why}`, {
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

/**
 * awsKmsApi is the KmsApi the sops engine's AWS KMS keys call.
 *
 * @example
 *   new AwsKmsKeyService(awsKmsApi({ credentials: parseAwsCredentials(text), endpoint: env.AWS_ENDPOINT_URL_KMS }))
 */
export function awsKmsApi(options: AwsKmsOptions): KmsApi {
  const client = new AwsClient(options);
  return {
    async decrypt({ arn, role, blob, context }) {
      const who = `kms key ${arn}`;
      const out = await client.kms(who, arn, role, 'Decrypt', {
        KeyId: arn,
        CiphertextBlob: blob,
        ...(context ? { EncryptionContext: context } : {}),
      });
      const plain = out['Plaintext'];
      if (typeof plain !== 'string') throw new SopsKeyError(`${who}: AWS KMS returned no plaintext`);
      return new Uint8Array(Buffer.from(plain, 'base64'));
    },
    async encrypt({ arn, role, plaintext, context }) {
      const who = `kms key ${arn}`;
      const out = await client.kms(who, arn, role, 'Encrypt', {
        KeyId: arn,
        Plaintext: Buffer.from(plaintext).toString('base64'),
        ...(context ? { EncryptionContext: context } : {}),
      });
      const blob = out['CiphertextBlob'];
      if (typeof blob !== 'string') throw new SopsKeyError(`${who}: AWS KMS returned no ciphertext`);
      return blob;
    },
  };
}
