// Local stand-ins for the cloud token services workload identity talks to, checking requests as Microsoft and
// Google document them: Entra ID's v2.0 token endpoint (client-credentials grant with a federated client assertion),
// Google STS (RFC 8693 token exchange) and IAM Credentials generateAccessToken. The Kubernetes ServiceAccount token
// they receive is verified for real: its signature against the API server's JWKS (/openid/v1/jwks), issuer,
// audience, subject and expiry, as the clouds do with the cluster's OIDC discovery.
import { createPublicKey, randomBytes, verify, type JsonWebKey } from 'node:crypto';
import { type IncomingMessage, createServer, type Server } from 'node:http';
import { get, type RequestOptions } from 'node:https';
import type { AddressInfo } from 'node:net';

import type { TestCluster } from './cluster.ts';

interface Claims {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
}

/** ServiceAccountVerifier checks Kubernetes ServiceAccount tokens (RS256 or ES256) against the cluster's keys. */
export interface ServiceAccountVerifier {
  /** verify returns the claims, or why the token is refused. */
  verify(token: string, audience: string): { claims?: Claims; error?: string };
}

/** fetchJson GETs a path of the API server with the kubeconfig's credentials and the given Accept header. */
async function fetchJson<T>(cluster: TestCluster, path: string, accept: string): Promise<T> {
  const kc = cluster.clientNode;
  const opts: RequestOptions = { headers: { accept } };
  await kc.applyToHTTPSOptions(opts);
  const url = new URL(path, kc.getCurrentCluster()?.server);
  return new Promise<T>((resolve, reject) => {
    get(url, opts, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) reject(new Error(`GET ${path}: ${res.statusCode ?? 0} ${text}`));
        else resolve(JSON.parse(text) as T);
      });
    }).on('error', reject);
  });
}

/** clusterVerifier reads the API server's issuer and JWKS (OIDC discovery) once. */
export async function clusterVerifier(cluster: TestCluster): Promise<ServiceAccountVerifier> {
  const discovery = await fetchJson<{ issuer: string }>(
    cluster,
    '/.well-known/openid-configuration',
    'application/json',
  );
  const jwks = await fetchJson<{ keys: (JsonWebKey & { kid?: string })[] }>(
    cluster,
    '/openid/v1/jwks',
    'application/jwk-set+json',
  );
  return {
    verify(token, audience) {
      const [h, c, s] = token.split('.');
      if (!h || !c || !s) return { error: 'not a JWT' };
      const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as { alg?: string; kid?: string };
      const jwk = jwks.keys.find((k) => k.kid === header.kid);
      if (!jwk || (header.alg !== 'RS256' && header.alg !== 'ES256')) {
        return { error: `unknown signing key (${header.alg ?? ''} ${header.kid ?? ''})` };
      }
      const key = createPublicKey({ key: jwk, format: 'jwk' });
      // JWS carries ECDSA signatures as r||s (IEEE P1363), not DER.
      const ok = verify(
        'sha256',
        Buffer.from(`${h}.${c}`),
        header.alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key,
        Buffer.from(s, 'base64url'),
      );
      if (!ok) return { error: 'bad signature' };
      const claims = JSON.parse(Buffer.from(c, 'base64url').toString()) as Claims;
      const auds = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
      if (claims.iss !== discovery.issuer) return { error: `issuer ${claims.iss ?? ''} is not the cluster's` };
      if (!auds.includes(audience)) return { error: `audience is not ${audience}` };
      if ((claims.exp ?? 0) * 1000 < Date.now()) return { error: 'expired' };
      return { claims };
    },
  };
}

export interface TokenServer {
  url: string;
  /** issued are the access tokens handed out, in order. */
  issued: string[];
  /** requests are the checked requests' paths and forms (or JSON bodies). */
  requests: { path: string; form: Record<string, string>; authorization?: string }[];
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

async function listen(
  handler: (req: IncomingMessage, body: string) => { status: number; body: unknown },
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const answer = handler(req, body);
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function closer(server: Server): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
}

/** Federation is one federated identity credential: which ServiceAccount may act as which app (Entra) or pool. */
export interface Federation {
  subject: string;
}

/**
 * startEntraId serves `POST /<tenant>/oauth2/v2.0/token`. Apps are `tenant/clientId` → the subject their federated
 * credential trusts. Errors answer as Entra ID does: `error` + `error_description` with an AADSTS code.
 */
export async function startEntraId(
  verifier: ServiceAccountVerifier,
  apps: Record<string, Federation>,
): Promise<TokenServer> {
  const issued: string[] = [];
  const requests: TokenServer['requests'] = [];
  const fail = (status: number, error: string, description: string) => ({
    status,
    body: { error, error_description: `${description}\r\nTrace ID: 00000000-0000-0000-0000-000000000000` },
  });
  const { server, url } = await listen((req, body) => {
    const m = /^\/([^/]+)\/oauth2\/v2\.0\/token$/u.exec(req.url ?? '');
    if (req.method !== 'POST' || !m) return { status: 404, body: {} };
    if (!req.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) {
      return fail(400, 'invalid_request', 'AADSTS900144: The request body must be form encoded.');
    }
    const form = Object.fromEntries(new URLSearchParams(body));
    requests.push({ path: req.url ?? '', form });
    if (form['grant_type'] !== 'client_credentials') return fail(400, 'unsupported_grant_type', 'AADSTS70003');
    if (form['client_assertion_type'] !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
      return fail(400, 'invalid_request', 'AADSTS50027: Invalid client_assertion_type.');
    }
    if (!form['scope']?.endsWith('/.default'))
      return fail(400, 'invalid_scope', 'AADSTS1002012: scope must be /.default');
    const app = apps[`${m[1] ?? ''}/${form['client_id'] ?? ''}`];
    if (!app)
      return fail(
        400,
        'unauthorized_client',
        `AADSTS700016: Application with identifier '${form['client_id'] ?? ''}' was not found.`,
      );
    const checked = verifier.verify(form['client_assertion'] ?? '', 'api://AzureADTokenExchange');
    if (checked.error) return fail(401, 'invalid_client', `AADSTS700211: assertion refused: ${checked.error}`);
    if (checked.claims?.sub !== app.subject) {
      return fail(
        400,
        'invalid_request',
        `AADSTS70021: No matching federated identity record found for presented assertion subject '${checked.claims?.sub ?? ''}'.`,
      );
    }
    const token = `entra-${randomBytes(8).toString('hex')}`;
    issued.push(token);
    return { status: 200, body: { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token } };
  });
  return { url, issued, requests, close: closer(server) };
}

/**
 * startGoogle serves STS `POST /v1/token` (the pool provider's audience; the subject must be federated) and IAM
 * Credentials `POST /v1/projects/-/serviceAccounts/<email>:generateAccessToken` (the federated token may act as the
 * emails in `impersonable`).
 */
export async function startGoogle(
  verifier: ServiceAccountVerifier,
  audience: string,
  federation: Federation,
  impersonable: string[],
): Promise<TokenServer> {
  const issued: string[] = [];
  const requests: TokenServer['requests'] = [];
  const federated = new Set<string>();
  const error = (status: number, code: string, message: string) => ({
    status,
    body:
      status === 400 || status === 401
        ? { error: code, error_description: message }
        : { error: { code: status, status: code, message } },
  });
  const { server, url } = await listen((req, body) => {
    if (req.method === 'POST' && req.url === '/v1/token') {
      const form = Object.fromEntries(new URLSearchParams(body));
      requests.push({ path: req.url, form });
      if (form['grant_type'] !== 'urn:ietf:params:oauth:grant-type:token-exchange')
        return error(400, 'unsupported_grant_type', 'grant_type');
      if (form['subject_token_type'] !== 'urn:ietf:params:oauth:token-type:jwt')
        return error(400, 'invalid_request', 'subject_token_type');
      if (form['requested_token_type'] !== 'urn:ietf:params:oauth:token-type:access_token')
        return error(400, 'invalid_request', 'requested_token_type');
      if (form['audience'] !== audience)
        return error(400, 'invalid_target', 'The target service indicated by the "audience" parameters is invalid.');
      if (!form['scope']?.split(' ').includes('https://www.googleapis.com/auth/cloud-platform'))
        return error(400, 'invalid_scope', 'scope');
      const checked = verifier.verify(form['subject_token'] ?? '', audience);
      if (checked.error) return error(400, 'invalid_grant', `The subject token is invalid: ${checked.error}`);
      if (checked.claims?.sub !== federation.subject)
        return error(400, 'invalid_grant', 'The principal is not federated.');
      const token = `sts-${randomBytes(8).toString('hex')}`;
      federated.add(token);
      issued.push(token);
      return {
        status: 200,
        body: {
          access_token: token,
          issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
          token_type: 'Bearer',
          expires_in: 3600,
        },
      };
    }
    const m = /^\/v1\/projects\/-\/serviceAccounts\/([^/:]+):generateAccessToken$/u.exec(req.url ?? '');
    if (req.method === 'POST' && m) {
      const email = decodeURIComponent(m[1] ?? '');
      const authorization = req.headers['authorization'] ?? '';
      const json = JSON.parse(body || '{}') as { scope?: string[]; lifetime?: string };
      requests.push({
        path: req.url ?? '',
        form: { scope: (json.scope ?? []).join(' '), lifetime: json.lifetime ?? '' },
        authorization,
      });
      if (!federated.has(authorization.replace(/^Bearer /u, '')))
        return error(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
      if (!impersonable.includes(email))
        return error(
          403,
          'PERMISSION_DENIED',
          `Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist).`,
        );
      if (!Array.isArray(json.scope) || json.scope.length === 0)
        return error(400, 'INVALID_ARGUMENT', 'Scope required.');
      const token = `ya29.${randomBytes(8).toString('hex')}`;
      issued.push(token);
      return { status: 200, body: { accessToken: token, expireTime: new Date(Date.now() + 3600_000).toISOString() } };
    }
    return { status: 404, body: {} };
  });
  return { url, issued, requests, close: closer(server) };
}
