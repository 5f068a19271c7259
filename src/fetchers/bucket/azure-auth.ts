// Credentials of `provider: azure` Buckets, read from spec.secretRef in source-controller's order, and Azure
// Storage's Shared Key request signing. Pure: no network, no environment; the client (azure.ts) sends what these
// functions compute, and azure-token.ts exchanges the Entra ID credentials for access tokens.
import { createHmac } from 'node:crypto';
import { isIP } from 'node:net';

import { BucketError } from './errors.ts';

/** AzureCredential is one way of authenticating to Azure Blob Storage, as source-controller picks it. */
export type AzureCredential =
  | { type: 'shared-key'; account: string; key: Buffer }
  | { type: 'sas'; query: URLSearchParams }
  | { type: 'client-secret'; tenantId: string; clientId: string; clientSecret: string; authorityHost?: string }
  | {
      type: 'client-certificate';
      tenantId: string;
      clientId: string;
      certificate: string;
      password?: string;
      sendChain: boolean;
      authorityHost?: string;
    }
  | { type: 'managed-identity'; clientId: string };

// source-controller's ValidateSecret: a Secret without any of these has no usable credential.
const ANY_OF = ['clientId', 'accountKey', 'sasKey', 'authorityHost'];

/**
 * azureCredentialFromSecret picks the credential source-controller would: Entra ID client secret (tenantId,
 * clientId, clientSecret), client certificate (tenantId, clientId, clientCertificate), managed identity (clientId
 * alone), Shared Key (accountKey, the account named by the endpoint), SAS (sasKey). undefined means anonymous.
 * Errors name the Secret and field, never a value.
 */
export function azureCredentialFromSecret(
  secretName: string,
  data: Record<string, Uint8Array>,
  endpoint: URL,
): AzureCredential | undefined {
  const text = (k: string): string | undefined => (data[k] === undefined ? undefined : Buffer.from(data[k]).toString());
  if (!ANY_OF.some((f) => data[f] !== undefined)) {
    throw new BucketError(
      'bad-config',
      `invalid '${secretName}' secret data: requires a 'clientId' or 'accountKey' field, a combination of 'tenantId', 'clientId' and 'clientSecret', or 'tenantId', 'clientId' and 'clientCertificate'`,
    );
  }
  const tenantId = text('tenantId');
  const clientId = text('clientId');
  const authorityHost = text('authorityHost');
  const authority = authorityHost ? { authorityHost } : {};
  if (tenantId !== undefined && clientId !== undefined) {
    const clientSecret = text('clientSecret');
    if (clientSecret) return { type: 'client-secret', tenantId, clientId, clientSecret, ...authority };
    const certificate = text('clientCertificate');
    if (certificate) {
      const password = text('clientCertificatePassword');
      const chain = (text('clientCertificateSendChain') ?? '').toLowerCase();
      return {
        type: 'client-certificate',
        tenantId,
        clientId,
        certificate,
        ...(password ? { password } : {}),
        sendChain: chain === '1' || chain === 'true',
        ...authority,
      };
    }
  }
  if (clientId !== undefined) return { type: 'managed-identity', clientId };
  const accountKey = text('accountKey');
  if (accountKey !== undefined) {
    const key = Buffer.from(accountKey, 'base64');
    if (key.length === 0) {
      throw new BucketError('bad-config', `invalid '${secretName}' secret data: 'accountKey' is not base64`);
    }
    return { type: 'shared-key', account: accountNameFromEndpoint(secretName, endpoint), key };
  }
  const sasKey = text('sasKey');
  if (sasKey !== undefined) return { type: 'sas', query: new URLSearchParams(sasKey.replace(/^\?/u, '')) };
  return undefined;
}

/**
 * accountNameFromEndpoint is the storage account a Shared Key signs for: the first label of the endpoint's host
 * name (`https://<account>.blob.core.windows.net`), as source-controller takes it. Beyond Flux, an IP address or
 * `localhost` endpoint is path-style (Azurite, Azure Stack: `http://127.0.0.1:10000/<account>`) and names the
 * account in its first path segment; Flux would sign for an account called `127` there.
 */
export function accountNameFromEndpoint(secretName: string, endpoint: URL): string {
  const host = endpoint.hostname.replace(/^\[|\]$/gu, '');
  if (isIP(host) !== 0 || host === 'localhost') {
    const first = endpoint.pathname.split('/').find((s) => s !== '');
    if (first) return decodeURIComponent(first);
  } else {
    const parts = host.split('.');
    if (parts.length > 2 && parts[0]) return parts[0];
  }
  throw new BucketError(
    'bad-config',
    `failed to create shared credential from '${secretName}' Secret data: failed to extract account name from endpoint: expected '${host}' to be a subdomain`,
  );
}

/** SignableRequest is what Shared Key signs: the method, the URL as sent and the request headers (lowercase). */
export interface SignableRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
}

const SIGNED_STANDARD_HEADERS = [
  'content-encoding',
  'content-language',
  'content-length',
  'content-md5',
  'content-type',
  'date',
  'if-modified-since',
  'if-match',
  'if-none-match',
  'if-unmodified-since',
  'range',
];

/**
 * sharedKeyAuthorization returns the `Authorization` header value for a request (Shared Key, service version
 * 2009-09-19 and later): HMAC-SHA256 with the decoded account key over the verb, the standard headers (a zero
 * Content-Length as empty), the `x-ms-*` headers sorted, and the canonical resource `/<account><path>` followed by
 * each query parameter, lowercased and sorted, with its decoded values.
 */
export function sharedKeyAuthorization(req: SignableRequest, account: string, key: Buffer): string {
  const h = req.headers;
  const lines = [req.method.toUpperCase()];
  for (const name of SIGNED_STANDARD_HEADERS) {
    const v = h[name] ?? '';
    lines.push(name === 'content-length' && v === '0' ? '' : v);
  }
  const msHeaders = Object.keys(h)
    .filter((k) => k.startsWith('x-ms-'))
    .sort()
    .map((k) => `${k}:${(h[k] ?? '').trim()}\n`)
    .join('');
  let resource = `/${account}${req.url.pathname || '/'}`;
  const params = new Map<string, string[]>();
  for (const [k, v] of req.url.searchParams) {
    const name = k.toLowerCase();
    params.set(name, [...(params.get(name) ?? []), v]);
  }
  for (const name of [...params.keys()].sort()) {
    resource += `\n${name}:${(params.get(name) ?? []).sort().join(',')}`;
  }
  const stringToSign = `${lines.join('\n')}\n${msHeaders}${resource}`;
  const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('base64');
  return `SharedKey ${account}:${signature}`;
}
