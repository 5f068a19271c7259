// GitHub App authentication for the GitHub providers: a JWT signed with the App's key buys an installation token
// (cached until shortly before it expires), as the Secret keys githubAppID, githubAppInstallationID or
// githubAppInstallationOwner, githubAppPrivateKey and githubAppBaseURL describe.
import { createSign } from 'node:crypto';

import { ProviderHttpError } from './http.ts';
import { apiCall, json } from './git.ts';
import { ProviderConfigError, type ProviderSettings, type SendContext } from './types.ts';

/** AppToken is an installation token and the App's slug (the login of its comments is `<slug>[bot]`). */
export interface AppToken {
  token: string;
  slug: string;
  expiresAt: number;
}

const cache = new Map<string, AppToken>();

function text(s: ProviderSettings, key: string): string {
  return s.secretData[key]?.toString('utf8').trim() ?? '';
}

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

/** appJwt signs the App's RS256 JWT: issued a minute in the past against clock skew, valid for nine more. */
export function appJwt(appId: string, privateKeyPem: string, nowMs = Date.now()): string {
  const now = Math.floor(nowMs / 1000);
  const unsigned = `${base64url('{"alg":"RS256","typ":"JWT"}')}.${base64url(
    JSON.stringify({ iat: now - 60, exp: now + 540, iss: appId }),
  )}`;
  let signature: string;
  try {
    signature = createSign('RSA-SHA256').update(unsigned).sign(privateKeyPem, 'base64url');
  } catch (cause) {
    throw new ProviderConfigError('githubAppPrivateKey is not a valid RSA private key', { cause });
  }
  return `${unsigned}.${signature}`;
}

/** githubAppToken returns a cached or new installation token for the Provider's App credentials. */
export async function githubAppToken(s: ProviderSettings, ctx: SendContext): Promise<AppToken> {
  const appId = text(s, 'githubAppID');
  const key = text(s, 'githubAppPrivateKey');
  if (!appId || !key) throw new ProviderConfigError('github token or github app details must be specified');
  const base = (text(s, 'githubAppBaseURL') || s.endpoints?.github || 'https://api.github.com').replace(/\/+$/, '');
  let installation = text(s, 'githubAppInstallationID');
  const owner = text(s, 'githubAppInstallationOwner');
  const cacheKey = `${s.providerNamespace}/${s.providerName}/${base}/${appId}/${installation || owner}`;
  const cached = cache.get(cacheKey);
  if (cached && cached.expiresAt - 60_000 > Date.now()) return cached;
  const headers = {
    Accept: 'application/vnd.github.v3+json',
    Authorization: `Bearer ${appJwt(appId, key)}`,
    'X-GitHub-Api-Version': '2022-11-28',
  };
  const get = async (path: string) =>
    json<unknown>(await apiCall({ method: 'GET', url: `${base}${path}`, headers, transport: s.transport, ...ctx }));
  if (!installation) {
    if (!owner) throw new ProviderConfigError('githubAppInstallationID or githubAppInstallationOwner must be set');
    const list = (await get('/app/installations?per_page=100')) as { id: number; account?: { login?: string } }[];
    const found = list.find((i) => i.account?.login?.toLowerCase() === owner.toLowerCase());
    if (!found) throw new ProviderHttpError(`no GitHub App installation found for owner '${owner}'`);
    installation = String(found.id);
  }
  const app = (await get('/app')) as { slug?: string };
  const res = await apiCall({
    method: 'POST',
    url: `${base}/app/installations/${encodeURIComponent(installation)}/access_tokens`,
    headers,
    transport: s.transport,
    ...ctx,
  });
  const body = json<{ token?: string; expires_at?: string }>(res);
  if (!body.token) throw new ProviderHttpError('GitHub App installation token missing from the answer');
  const token = {
    token: body.token,
    slug: app.slug ?? '',
    expiresAt: body.expires_at ? Date.parse(body.expires_at) : Date.now() + 3_600_000,
  };
  cache.set(cacheKey, token);
  return token;
}

/** forgetAppTokens drops the cached tokens of a Provider (when it is deleted). */
export function forgetAppTokens(namespace: string, name: string): void {
  for (const key of cache.keys()) if (key.startsWith(`${namespace}/${name}/`)) cache.delete(key);
}
