// JWT verification for the token-authenticated receivers (generic-oidc, gcr): signature against the issuer's
// JWKS (RS256/384/512, PS256, ES256/384), then issuer, audience, expiry and not-before.
import { createPublicKey, type JsonWebKey, type KeyObject, verify } from 'node:crypto';

import { FluxtsError } from '../../../util/errors.ts';

/** TokenError is a bearer token that does not verify; its message never contains the token. */
export class TokenError extends FluxtsError {}

interface Jwk extends JsonWebKey {
  kid?: string;
  alg?: string;
}

/** Jwks fetches (and caches) key sets by URL. */
export type JwksFetcher = (url: string) => Promise<{ keys: Jwk[] }>;

/** DecodedJwt is a JWT split and parsed, not yet trusted. */
export interface DecodedJwt {
  header: { alg?: string; kid?: string };
  claims: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

export function decodeJwt(token: string): DecodedJwt {
  const parts = token.split('.');
  if (parts.length !== 3) throw new TokenError('token is not a JWT');
  try {
    const header = JSON.parse(Buffer.from(parts[0] ?? '', 'base64url').toString('utf8')) as DecodedJwt['header'];
    const claims = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw new Error('claims');
    return {
      header,
      claims,
      signingInput: `${parts[0]}.${parts[1]}`,
      signature: Buffer.from(parts[2] ?? '', 'base64url'),
    };
  } catch (cause) {
    throw new TokenError('failed to parse token payload', { cause });
  }
}

const ALGORITHMS: Record<string, { hash: string; dsa?: 'ieee-p1363'; pss?: boolean }> = {
  RS256: { hash: 'sha256' },
  RS384: { hash: 'sha384' },
  RS512: { hash: 'sha512' },
  PS256: { hash: 'sha256', pss: true },
  ES256: { hash: 'sha256', dsa: 'ieee-p1363' },
  ES384: { hash: 'sha384', dsa: 'ieee-p1363' },
};

function checkSignature(jwt: DecodedJwt, key: KeyObject): boolean {
  const alg = ALGORITHMS[jwt.header.alg ?? ''];
  if (!alg) return false;
  return verify(
    alg.hash,
    Buffer.from(jwt.signingInput),
    {
      key,
      ...(alg.dsa ? { dsaEncoding: alg.dsa } : {}),
      ...(alg.pss ? { padding: 6, saltLength: 32 } : {}),
    },
    jwt.signature,
  );
}

export interface VerifyOptions {
  jwksUrl: string;
  fetchJwks: JwksFetcher;
  issuers: readonly string[];
  audience: string;
  nowMs?: number;
}

/** verifyJwt checks the signature with the matching JWKS key and the standard claims; returns the claims. */
export async function verifyJwt(token: string, opts: VerifyOptions): Promise<Record<string, unknown>> {
  const jwt = decodeJwt(token);
  if (!ALGORITHMS[jwt.header.alg ?? '']) throw new TokenError(`unsupported signing algorithm "${jwt.header.alg}"`);
  const { keys } = await opts.fetchJwks(opts.jwksUrl);
  const candidates = keys.filter((k) => jwt.header.kid === undefined || k.kid === jwt.header.kid);
  const valid = candidates.some((jwk) => {
    try {
      return checkSignature(jwt, createPublicKey({ key: jwk, format: 'jwk' }));
    } catch {
      return false;
    }
  });
  if (!valid) throw new TokenError('failed to verify signature: no key of the issuer matches');
  const c = jwt.claims;
  if (typeof c['iss'] !== 'string' || !opts.issuers.includes(c['iss'])) {
    throw new TokenError(`id token issued by a different provider, expected ${JSON.stringify(opts.issuers[0])}`);
  }
  const aud = c['aud'];
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (!audiences.includes(opts.audience)) {
    throw new TokenError(`expected audience "${opts.audience}" got ${JSON.stringify(audiences)}`);
  }
  const now = (opts.nowMs ?? Date.now()) / 1000;
  if (typeof c['exp'] !== 'number') throw new TokenError('token has no expiry');
  if (now > c['exp'])
    throw new TokenError(`token is expired (Token Expiry: ${new Date(c['exp'] * 1000).toISOString()})`);
  if (typeof c['nbf'] === 'number' && now + 300 < c['nbf']) throw new TokenError('token is not valid yet');
  return c;
}

/** cachedJwksFetcher caches key sets for five minutes and refetches once on an unknown key id. */
export function cachedJwksFetcher(fetchJson: (url: string) => Promise<unknown>, ttlMs = 300_000): JwksFetcher {
  const cache = new Map<string, { at: number; value: { keys: Jwk[] } }>();
  return async (url) => {
    const hit = cache.get(url);
    if (hit && Date.now() - hit.at < ttlMs) return hit.value;
    const body = (await fetchJson(url)) as { keys?: Jwk[] };
    if (!Array.isArray(body.keys)) throw new TokenError(`no keys in the key set at ${url}`);
    const value = { keys: body.keys };
    cache.set(url, { at: Date.now(), value });
    return value;
  };
}
