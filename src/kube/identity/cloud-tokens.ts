// Workload identity for cloud APIs, as fluxcd/pkg auth does it for a Kubernetes ServiceAccount: a token of the
// ServiceAccount (TokenRequest API, the cloud's audience) exchanged for a cloud access token.
// - Azure (Entra ID workload identity federation): audience `api://AzureADTokenExchange`; the account's
//   `azure.workload.identity/client-id` and `…/tenant-id` annotations (tenant falling back to AZURE_TENANT_ID) name
//   the app; the client-credentials grant at `<authority>/<tenant>/oauth2/v2.0/token` with the ServiceAccount token
//   as `client_assertion` (RFC 7523) returns the token for the requested scope.
// - GCP (workload identity federation): audience `//iam.googleapis.com/<provider>` from the account's
//   `gcp.auth.fluxcd.io/workload-identity-provider` annotation; an RFC 8693 token exchange at Google STS returns a
//   federated token, which `iam.gke.io/gcp-service-account` (when annotated) trades for the service account's own
//   token through IAM Credentials generateAccessToken.
// Tokens are cached per account and scope until five minutes before they expire. Errors name the account, the
// endpoint and the service's error code, never a token.
import { readFile } from 'node:fs/promises';

import { FluxtsError, errorMessage } from '../../util/errors.ts';
import { requestToken } from '../../fetchers/bucket/index.ts';
import { HttpClient, readBody } from '../../fetchers/oci/index.ts';
import { isNotFound, type KubeClient, type KubeObject } from '../client/index.ts';
import { serviceAccountToken } from './workload-identity.ts';

/** WorkloadIdentityError is a token that could not be had: missing annotation, refused exchange, unreachable API. */
export class WorkloadIdentityError extends FluxtsError {}

/** CloudToken is an access token and when it expires. */
export interface CloudToken {
  token: string;
  expiresAt: Date;
}

/** CloudEndpoints replace the public token endpoints (tests, sovereign clouds). */
export interface CloudEndpoints {
  /** azureAuthorityHost is AZURE_AUTHORITY_HOST (default https://login.microsoftonline.com/). */
  azureAuthorityHost?: string;
  /** googleSts is the STS token URL (default https://sts.googleapis.com/v1/token). */
  googleSts?: string;
  /** googleIamCredentials is the IAM Credentials API base (default https://iamcredentials.googleapis.com). */
  googleIamCredentials?: string;
}

/** ServiceAccountRef names the Kubernetes ServiceAccount whose identity is used. */
export interface ServiceAccountRef {
  namespace: string;
  name: string;
}

export interface TokenOptions {
  endpoints?: CloudEndpoints;
  /** proxy is an http(s) proxy URL (credentials in its userinfo) for the token requests. */
  proxy?: string;
  signal?: AbortSignal;
}

export const AZURE_AUDIENCE = 'api://AzureADTokenExchange';
const AZURE_AUTHORITY = 'https://login.microsoftonline.com/';
const GOOGLE_STS = 'https://sts.googleapis.com/v1/token';
const GOOGLE_IAM_CREDENTIALS = 'https://iamcredentials.googleapis.com';
/** GOOGLE_SCOPES are the scopes Flux asks Google for. */
export const GOOGLE_SCOPES = [
  'https://www.googleapis.com/auth/cloud-platform',
  'https://www.googleapis.com/auth/userinfo.email',
];
const WIP_PATTERN =
  /^projects\/\d{1,30}\/locations\/global\/workloadIdentityPools\/[^/]{1,100}\/providers\/[^/]{1,100}$/u;
const EMAIL_PATTERN = /^[a-zA-Z0-9-]{1,100}@[a-zA-Z0-9-]{1,100}\.iam\.gserviceaccount\.com$/u;
const RENEW_BEFORE_MS = 5 * 60_000;

const cache = new Map<string, CloudToken>();

/** clearCloudTokenCache forgets every cached cloud token (tests, Provider deletion). */
export function clearCloudTokenCache(): void {
  cache.clear();
}

async function cached(key: string, fetch: () => Promise<CloudToken>): Promise<CloudToken> {
  const hit = cache.get(key);
  if (hit && hit.expiresAt.getTime() - Date.now() > RENEW_BEFORE_MS) return hit;
  const token = await fetch();
  if (cache.size > 1024) cache.clear();
  cache.set(key, token);
  return token;
}

function httpClient(proxy: string | undefined): HttpClient {
  return new HttpClient({ ...(proxy ? { proxy: { url: proxy } } : {}), userAgent: 'fluxts-notification-controller' });
}

async function readServiceAccount(client: KubeClient, sa: ServiceAccountRef): Promise<KubeObject> {
  try {
    return await client.get({ apiVersion: 'v1', kind: 'ServiceAccount' }, sa);
  } catch (err) {
    const why = isNotFound(err) ? 'not found' : errorMessage(err);
    throw new WorkloadIdentityError(`failed to get service account '${sa.namespace}/${sa.name}': ${why}`, {
      cause: err,
    });
  }
}

async function kubernetesToken(client: KubeClient, sa: ServiceAccountRef, audience: string): Promise<string> {
  try {
    return await serviceAccountToken(client, sa.namespace, sa.name, [audience]);
  } catch (err) {
    throw new WorkloadIdentityError(errorMessage(err), { cause: err });
  }
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/** entraToken is the client-credentials grant with a federated assertion (what azidentity's assertion credential does). */
async function entraToken(
  tenantId: string,
  clientId: string,
  assertion: string,
  scope: string,
  opts: TokenOptions,
): Promise<CloudToken> {
  const authority = withSlash(opts.endpoints?.azureAuthorityHost || AZURE_AUTHORITY);
  const url = new URL(`${encodeURIComponent(tenantId)}/oauth2/v2.0/token`, authority);
  const form = new URLSearchParams({
    client_assertion: assertion,
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_id: clientId,
    grant_type: 'client_credentials',
    scope,
  });
  const subject = `token request to ${url.origin} for client '${clientId}' of tenant '${tenantId}'`;
  try {
    const t = await requestToken(httpClient(opts.proxy), url, form, subject, opts.signal);
    return { token: t.value, expiresAt: new Date(Date.now() + t.expiresIn * 1000) };
  } catch (err) {
    throw new WorkloadIdentityError(errorMessage(err), { cause: err });
  }
}

/**
 * azureServiceAccountToken is an Entra ID access token for `scope`, for the app federated with the ServiceAccount.
 * `tenantFallback` is the controller's AZURE_TENANT_ID.
 */
export async function azureServiceAccountToken(
  client: KubeClient,
  sa: ServiceAccountRef,
  scope: string,
  opts: TokenOptions & { tenantFallback?: string } = {},
): Promise<CloudToken> {
  return cached(
    JSON.stringify(['azure', sa.namespace, sa.name, scope, opts.endpoints?.azureAuthorityHost]),
    async () => {
      const account = await readServiceAccount(client, sa);
      const annotations = account.metadata.annotations ?? {};
      const clientId = annotations['azure.workload.identity/client-id'];
      const tenantId = annotations['azure.workload.identity/tenant-id'] || opts.tenantFallback;
      const name = `'${sa.namespace}/${sa.name}'`;
      if (!clientId) {
        throw new WorkloadIdentityError(
          `service account ${name}: client ID not found in the annotation 'azure.workload.identity/client-id'`,
        );
      }
      if (!tenantId) {
        throw new WorkloadIdentityError(
          `service account ${name}: tenant ID not found in the annotation 'azure.workload.identity/tenant-id' nor in the environment variable AZURE_TENANT_ID`,
        );
      }
      const assertion = await kubernetesToken(client, sa, AZURE_AUDIENCE);
      return entraToken(tenantId, clientId, assertion, scope, opts);
    },
  );
}

/** AzureControllerIdentity is what the Azure workload identity webhook injects into a controller's pod. */
export interface AzureControllerIdentity {
  tenantId: string;
  clientId: string;
  tokenFile: string;
}

/** azureControllerIdentity reads AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_FEDERATED_TOKEN_FILE, when all are set. */
export function azureControllerIdentity(env: NodeJS.ProcessEnv): AzureControllerIdentity | undefined {
  const tenantId = env['AZURE_TENANT_ID'];
  const clientId = env['AZURE_CLIENT_ID'];
  const tokenFile = env['AZURE_FEDERATED_TOKEN_FILE'];
  return tenantId && clientId && tokenFile ? { tenantId, clientId, tokenFile } : undefined;
}

/** azureControllerToken exchanges the controller's own projected token (re-read each time: the kubelet rotates it). */
export async function azureControllerToken(
  id: AzureControllerIdentity,
  scope: string,
  opts: TokenOptions = {},
): Promise<CloudToken> {
  return cached(
    JSON.stringify(['azure-controller', id.clientId, scope, opts.endpoints?.azureAuthorityHost]),
    async () => {
      let assertion: string;
      try {
        assertion = (await readFile(id.tokenFile, 'utf8')).trim();
      } catch (err) {
        throw new WorkloadIdentityError(`failed to read AZURE_FEDERATED_TOKEN_FILE: ${errorMessage(err)}`, {
          cause: err,
        });
      }
      return entraToken(id.tenantId, id.clientId, assertion, scope, opts);
    },
  );
}

/** googleAudience is the workload identity provider's audience from the ServiceAccount annotation. */
function googleAudience(account: KubeObject, name: string): string {
  const key = 'gcp.auth.fluxcd.io/workload-identity-provider';
  const wip = account.metadata.annotations?.[key];
  if (!wip) {
    throw new WorkloadIdentityError(
      `service account ${name}: annotation '${key}' is required (fluxts has no GKE metadata server to find the workload identity pool)`,
    );
  }
  if (!WIP_PATTERN.test(wip)) {
    throw new WorkloadIdentityError(`invalid ${key} annotation: '${wip}'. must match ${WIP_PATTERN.source}`);
  }
  return `//iam.googleapis.com/${wip}`;
}

/**
 * gcpServiceAccountToken is a Google access token for the ServiceAccount: the STS exchange of its token, then,
 * when `iam.gke.io/gcp-service-account` names a service account, that account's token (impersonation).
 */
export async function gcpServiceAccountToken(
  client: KubeClient,
  sa: ServiceAccountRef,
  opts: TokenOptions = {},
): Promise<CloudToken> {
  return cached(JSON.stringify(['gcp', sa.namespace, sa.name, opts.endpoints?.googleSts]), async () => {
    const account = await readServiceAccount(client, sa);
    const name = `'${sa.namespace}/${sa.name}'`;
    const audience = googleAudience(account, name);
    const email = account.metadata.annotations?.['iam.gke.io/gcp-service-account'] ?? '';
    if (email && !EMAIL_PATTERN.test(email)) {
      throw new WorkloadIdentityError(
        `invalid iam.gke.io/gcp-service-account annotation: '${email}'. must match ${EMAIL_PATTERN.source}`,
      );
    }
    const subjectToken = await kubernetesToken(client, sa, audience);
    const sts = new URL(opts.endpoints?.googleSts || GOOGLE_STS);
    const form = new URLSearchParams({
      audience,
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      requested_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      // Impersonation needs only cloud-platform on the federated token; direct access gets Flux's scopes.
      scope: email ? (GOOGLE_SCOPES[0] ?? '') : GOOGLE_SCOPES.join(' '),
      subject_token: subjectToken,
      subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
    });
    let federated: CloudToken;
    try {
      const t = await requestToken(
        httpClient(opts.proxy),
        sts,
        form,
        `token exchange at ${sts.origin} for ${name}`,
        opts.signal,
      );
      federated = { token: t.value, expiresAt: new Date(Date.now() + t.expiresIn * 1000) };
    } catch (err) {
      throw new WorkloadIdentityError(errorMessage(err), { cause: err });
    }
    return email ? impersonate(email, federated.token, opts) : federated;
  });
}

/** impersonate calls IAM Credentials generateAccessToken for the service account with the federated token. */
async function impersonate(email: string, federated: string, opts: TokenOptions): Promise<CloudToken> {
  const base = opts.endpoints?.googleIamCredentials || GOOGLE_IAM_CREDENTIALS;
  const url = new URL(
    `${withSlash(base)}v1/projects/-/serviceAccounts/${encodeURIComponent(email)}:generateAccessToken`,
  );
  const subject = `generateAccessToken at ${url.origin} for '${email}'`;
  const body = Buffer.from(JSON.stringify({ lifetime: '3600s', scope: GOOGLE_SCOPES }));
  let status: number;
  let text: string;
  try {
    const res = await httpClient(opts.proxy).send({
      method: 'POST',
      url,
      headers: {
        authorization: `Bearer ${federated}`,
        'content-type': 'application/json',
        'content-length': String(body.length),
      },
      body,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    status = res.status;
    text = (await readBody(res, 1024 * 1024, subject)).toString('utf8');
  } catch (err) {
    throw new WorkloadIdentityError(`${subject} failed: ${errorMessage(err)}`, { cause: err });
  }
  let answer: { accessToken?: string; expireTime?: string; error?: { status?: string; message?: string } } = {};
  try {
    answer = JSON.parse(text) as typeof answer;
  } catch {
    // Not JSON: the status says enough.
  }
  if (status !== 200 || !answer.accessToken) {
    const why = answer.error ? `${answer.error.status ?? ''}: ${answer.error.message ?? ''}` : `HTTP ${status}`;
    throw new WorkloadIdentityError(`${subject} failed: ${why}`);
  }
  const expires = answer.expireTime ? Date.parse(answer.expireTime) : NaN;
  return { token: answer.accessToken, expiresAt: new Date(Number.isNaN(expires) ? Date.now() + 3600_000 : expires) };
}
