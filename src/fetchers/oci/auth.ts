// Registry authentication: the WWW-Authenticate challenge of `/v2/`, and bearer tokens from the challenge's realm
// as Docker's token specification describes (GET with basic auth, or the OAuth2 refresh-token POST when the docker
// config holds an identity token).
import { OCIError } from './errors.ts';
import type { RegistryCredentials } from './keychain.ts';
import {
  classifyNetworkError,
  drain,
  readBody,
  type HttpClient,
  type HttpRequest,
  type HttpResponse,
} from './transport.ts';

/** Challenge is what the registry asked for: nothing, basic credentials, or a bearer token from `realm`. */
export interface Challenge {
  scheme: 'none' | 'basic' | 'bearer';
  realm?: string;
  service?: string;
  scope?: string;
  error?: string;
}

/**
 * parseChallenge reads `WWW-Authenticate: Bearer realm="…",service="…",scope="…"` (quoted values may contain
 * commas). An unknown or missing scheme is treated as basic, as Go's registry clients do.
 */
export function parseChallenge(header: string | string[] | undefined): Challenge {
  const raw = Array.isArray(header) ? (header.find((h) => /^bearer\s/iu.test(h)) ?? header[0]) : header;
  if (raw === undefined || raw.trim() === '') return { scheme: 'basic' };
  const m = /^\s*([A-Za-z]+)\s*(.*)$/su.exec(raw);
  const scheme = (m?.[1] ?? '').toLowerCase();
  const params: Record<string, string> = {};
  const re = /([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))\s*,?\s*/gsu;
  for (const p of (m?.[2] ?? '').matchAll(re)) {
    params[(p[1] ?? '').toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/gsu, '$1') : (p[3] ?? '');
  }
  if (scheme !== 'bearer') return { scheme: 'basic' };
  const c: Challenge = { scheme: 'bearer' };
  if (params['realm']) c.realm = params['realm'];
  if (params['service']) c.service = params['service'];
  if (params['scope']) c.scope = params['scope'];
  if (params['error']) c.error = params['error'];
  return c;
}

/** basicAuthorization is the `Authorization` value for username/password, or undefined without them. */
export function basicAuthorization(creds: RegistryCredentials | undefined): string | undefined {
  if (creds?.username === undefined && creds?.password === undefined) return undefined;
  return `Basic ${Buffer.from(`${creds.username ?? ''}:${creds.password ?? ''}`).toString('base64')}`;
}

/** Token is a bearer token and when it stops being usable (epoch ms). */
export interface Token {
  value: string;
  expiresAt: number;
}

interface TokenResponse {
  token?: string;
  access_token?: string;
  expires_in?: number;
}

/**
 * fetchToken asks the challenge's realm for a token covering `scopes`. Credentials with an identity token use the
 * OAuth2 POST (falling back to GET when the realm has no such endpoint); username/password go as basic auth on
 * the GET; no credentials asks anonymously. Refusals are `auth` errors without any credential in the message.
 */
export async function fetchToken(
  http: HttpClient,
  challenge: Challenge,
  scopes: string[],
  creds: RegistryCredentials | undefined,
  signal: AbortSignal | undefined,
): Promise<Token> {
  if (creds?.registryToken) return { value: creds.registryToken, expiresAt: Number.POSITIVE_INFINITY };
  if (!challenge.realm) throw new OCIError('auth', 'registry asked for a bearer token but named no realm');
  let realm: URL;
  try {
    realm = new URL(challenge.realm);
  } catch (cause) {
    throw new OCIError('auth', `registry token realm '${challenge.realm}' is not a URL`, { cause });
  }
  const subject = `token request to ${realm.origin}${realm.pathname}`;
  const started = Date.now();
  let body: Buffer | undefined;
  if (creds?.identityToken) {
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: creds.identityToken,
      client_id: 'fluxts',
    });
    if (challenge.service) form.set('service', challenge.service);
    if (scopes.length > 0) form.set('scope', scopes.join(' '));
    const res = await send(http, subject, {
      method: 'POST',
      url: realm,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: Buffer.from(form.toString()),
      ...(signal ? { signal } : {}),
    });
    if (res.status === 404) drain(res);
    else body = await tokenBody(res, subject);
  }
  if (body === undefined) {
    const url = new URL(realm);
    if (challenge.service) url.searchParams.set('service', challenge.service);
    for (const s of scopes) url.searchParams.append('scope', s);
    const headers: Record<string, string> = { accept: 'application/json' };
    const basic = basicAuthorization(creds);
    if (basic) headers['authorization'] = basic;
    body = await tokenBody(
      await send(http, subject, { method: 'GET', url, headers, ...(signal ? { signal } : {}) }),
      subject,
    );
  }
  let parsed: TokenResponse;
  try {
    parsed = JSON.parse(body.toString('utf8')) as TokenResponse;
  } catch (cause) {
    throw new OCIError('auth', `${subject}: answer is not JSON`, { cause });
  }
  const value = parsed.token ?? parsed.access_token;
  if (!value) throw new OCIError('auth', `${subject}: answer has no token`);
  const ttl = typeof parsed.expires_in === 'number' && parsed.expires_in > 0 ? parsed.expires_in : 60;
  return { value, expiresAt: started + ttl * 1000 };
}

async function send(http: HttpClient, subject: string, req: HttpRequest): Promise<HttpResponse> {
  try {
    return await http.send(req);
  } catch (err) {
    throw classifyNetworkError(subject, err);
  }
}

async function tokenBody(res: HttpResponse, subject: string): Promise<Buffer> {
  if (res.status === 401 || res.status === 403) {
    drain(res);
    throw new OCIError('auth', `${subject}: HTTP ${res.status}: the registry refused the credentials`, {
      status: res.status,
    });
  }
  if (res.status !== 200) {
    drain(res);
    throw new OCIError('auth', `${subject}: unexpected HTTP ${res.status}`, { status: res.status });
  }
  return readBody(res, 1 << 20, subject);
}
