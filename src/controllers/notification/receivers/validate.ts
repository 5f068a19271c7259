// Request validation per Receiver type: signatures, tokens, ID tokens and payload shapes, with the messages Flux
// logs. Signatures and tokens are compared in constant time. Nothing here logs or returns a secret.
import { createHmac, timingSafeEqual } from 'node:crypto';

import type { Receiver } from '../../../api/index.ts';
import { CelExpression } from '../../../engines/cel/index.ts';
import { FluxtsError, errorMessage } from '../../../util/errors.ts';
import { decodeJwt, type JwksFetcher, verifyJwt } from './jwt.ts';

/** ValidationError is a request the Receiver refuses (answered 400). */
export class ValidationError extends FluxtsError {}

/** IncomingWebhook is what validation looks at. */
export interface IncomingWebhook {
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Validated is a request that passed: the body later steps see, and the verified claims (generic-oidc). */
export interface Validated {
  body: Buffer;
  contentType: string;
  claims?: Record<string, unknown>;
  event?: string;
}

export interface ValidateContext {
  /** secret is the Receiver's Secret data (absent for generic-oidc). */
  secret?: Record<string, Buffer>;
  fetchJwks: JwksFetcher;
  /** discover returns an issuer's jwks_uri (OpenID discovery, issuer checked). */
  discover(issuer: string): Promise<string>;
  /** googleCertsUrl is where Google publishes the keys of its ID tokens (gcr). */
  googleCertsUrl: string;
}

function header(req: IncomingWebhook, name: string): string {
  const v = req.headers[name.toLowerCase()];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const HASHES: Record<string, string> = { sha1: 'sha1', sha256: 'sha256', sha512: 'sha512' };

/** checkSignature is go-github's ValidateSignature: `<sha1|sha256|sha512>=<hex HMAC(body, token)>`. */
export function checkSignature(signature: string, body: Buffer, token: string): void {
  if (signature === '') throw new ValidationError('missing signature');
  const eq = signature.indexOf('=');
  if (eq < 0) throw new ValidationError('error parsing signature');
  const hash = HASHES[signature.slice(0, eq)];
  if (!hash) throw new ValidationError(`unknown hash type prefix: "${signature.slice(0, eq).slice(0, 16)}"`);
  const given = signature.slice(eq + 1);
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(given)) throw new ValidationError('error decoding signature');
  const expected = createHmac(hash, token).update(body).digest();
  const provided = Buffer.from(given, 'hex');
  if (provided.length !== expected.length || !timingSafeEqual(provided, expected)) {
    throw new ValidationError('payload signature check failed');
  }
}

/** str reads a JSON string field, empty for anything else (Go's decoder into a string field). */
function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function mediaType(req: IncomingWebhook): string {
  return header(req, 'content-type').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** githubPayload is go-github's ValidatePayload: JSON or form-encoded `payload`, signature over the raw body. */
function githubPayload(req: IncomingWebhook, token: string): Buffer {
  const signature = header(req, 'x-hub-signature-256') || header(req, 'x-hub-signature');
  const type = mediaType(req);
  let payload: Buffer;
  if (type === 'application/json') payload = req.body;
  else if (type === 'application/x-www-form-urlencoded') {
    payload = Buffer.from(new URLSearchParams(req.body.toString('utf8')).get('payload') ?? '');
  } else throw new ValidationError(`webhook request has unsupported Content-Type "${type.slice(0, 64)}"`);
  // Unlike go-github, a signature is required even with an empty token: an unsigned request is never trusted.
  checkSignature(signature, req.body, token);
  return payload;
}

function allowEvent(receiver: Receiver, event: string, what: string): void {
  const events = receiver.spec.events ?? [];
  if (events.length > 0 && !events.some((e) => e.toLowerCase() === event.toLowerCase())) {
    throw new ValidationError(`the ${what} "${event.slice(0, 128)}" is not authorised`);
  }
}

function parseJson(body: Buffer, what: string): Record<string, unknown> {
  try {
    const v = JSON.parse(body.toString('utf8')) as unknown;
    if (typeof v !== 'object' || v === null) throw new Error('not an object');
    return v as Record<string, unknown>;
  } catch (err) {
    throw new ValidationError(`cannot decode ${what} webhook payload: ${errorMessage(err)}`);
  }
}

function bearer(req: IncomingWebhook): string {
  const auth = header(req, 'authorization');
  if (!auth.startsWith('Bearer ')) throw new ValidationError('the Authorization header is missing or malformed');
  const token = auth.slice(7).trim();
  if (!token) throw new ValidationError('the Authorization header is missing a bearer token');
  return token;
}

const CDEVENT_TYPE = /^dev\.cdevents\.[a-z]+\.[a-z]+\.0\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

function validateCdEvent(body: Buffer): void {
  const ev = parseJson(body, 'CDEvent');
  const context = ev['context'] as Record<string, unknown> | undefined;
  const subject = ev['subject'] as Record<string, unknown> | undefined;
  const bad = (why: string) => new ValidationError(`unable to validate CDEvent event: ${why}`);
  if (typeof context !== 'object' || context === null) throw bad('missing context');
  for (const key of ['id', 'source', 'type', 'timestamp', 'specversion']) {
    if (typeof context[key] !== 'string' || context[key] === '') throw bad(`context.${key} is required`);
  }
  if (!/^0\.4\.\d+$/.test(String(context['specversion']))) throw bad('context.specversion must be 0.4.x');
  if (!CDEVENT_TYPE.test(String(context['type']))) throw bad('context.type is not a CDEvents type');
  if (Number.isNaN(Date.parse(String(context['timestamp'])))) throw bad('context.timestamp is not RFC 3339');
  if (typeof subject !== 'object' || subject === null) throw bad('missing subject');
  if (typeof subject['id'] !== 'string' || subject['id'] === '') throw bad('subject.id is required');
  if (typeof subject['content'] !== 'object' || subject['content'] === null) throw bad('subject.content is required');
}

/** validateRequest authenticates a webhook request for its Receiver, as Flux's receiver handlers do per type. */
export async function validateRequest(
  receiver: Receiver,
  req: IncomingWebhook,
  ctx: ValidateContext,
): Promise<Validated> {
  const token = ctx.secret?.['token']?.toString('utf8');
  if (receiver.spec.secretRef && token === undefined) {
    throw new ValidationError(
      `unable to read secret, error: invalid "${receiver.metadata.namespace}/${receiver.spec.secretRef.name}" secret data: required field 'token'`,
    );
  }
  const secretToken = token ?? '';
  const ok = (body: Buffer = req.body, extra: Partial<Validated> = {}): Validated => ({
    body,
    contentType: header(req, 'content-type'),
    ...extra,
  });
  switch (receiver.spec.type) {
    case 'generic':
      return ok();
    case 'generic-hmac':
      try {
        checkSignature(header(req, 'x-signature'), req.body, secretToken);
      } catch (err) {
        throw new ValidationError(`unable to validate HMAC signature: ${errorMessage(err)}`);
      }
      return ok();
    case 'github': {
      let payload: Buffer;
      try {
        payload = githubPayload(req, secretToken);
      } catch (err) {
        throw new ValidationError(`the GitHub signature header is invalid, err: ${errorMessage(err)}`);
      }
      const event = header(req, 'x-github-event');
      allowEvent(receiver, event, 'GitHub event');
      return ok(payload, { event });
    }
    case 'gitlab': {
      if (!safeEqual(header(req, 'x-gitlab-token'), secretToken)) {
        throw new ValidationError('the X-Gitlab-Token header value does not match the receiver token');
      }
      const event = header(req, 'x-gitlab-event');
      allowEvent(receiver, event, 'GitLab event');
      return ok(req.body, { event });
    }
    case 'bitbucket': {
      let payload: Buffer;
      try {
        payload = githubPayload(req, secretToken);
      } catch (err) {
        throw new ValidationError(`the Bitbucket server signature header is invalid, err: ${errorMessage(err)}`);
      }
      const event = header(req, 'x-event-key');
      allowEvent(receiver, event, 'Bitbucket server event');
      return ok(payload, { event });
    }
    case 'harbor':
      if (!safeEqual(header(req, 'authorization'), secretToken)) {
        throw new ValidationError('the Harbor Authorization header value does not match the receiver token');
      }
      return ok();
    case 'dockerhub':
      parseJson(req.body, 'DockerHub');
      return ok();
    case 'quay':
      parseJson(req.body, 'Quay');
      return ok();
    case 'acr':
      parseJson(req.body, 'ACR');
      return ok();
    case 'nexus': {
      const signature = header(req, 'x-nexus-webhook-signature');
      if (!signature) throw new ValidationError('the Nexus signature is missing from header');
      const expected = createHmac('sha1', secretToken).update(req.body).digest('hex');
      if (!safeEqual(signature, expected)) throw new ValidationError('invalid Nexus signature');
      parseJson(req.body, 'Nexus');
      return ok();
    }
    case 'cdevents': {
      validateCdEvent(req.body);
      const event = header(req, 'ce-type');
      allowEvent(receiver, event, 'CDEvent');
      return ok(req.body, { event });
    }
    case 'gcr':
      return ok(await validateGcr(req, ctx));
    case 'generic-oidc':
      return ok(req.body, { claims: await validateOidc(receiver, req, ctx) });
  }
  throw new ValidationError(`recevier type "${String(receiver.spec.type)}" not supported`);
}

async function validateGcr(req: IncomingWebhook, ctx: ValidateContext): Promise<Buffer> {
  const email = ctx.secret?.['email']?.toString('utf8') ?? '';
  if (!email) throw new ValidationError("invalid secret data: required field 'email' for GCR receiver");
  const audience = ctx.secret?.['audience']?.toString('utf8') ?? '';
  if (!audience) throw new ValidationError("invalid secret data: required field 'audience' for GCR receiver");
  let claims: Record<string, unknown>;
  try {
    const token = bearer(req);
    claims = await verifyJwt(token, {
      jwksUrl: ctx.googleCertsUrl,
      fetchJwks: ctx.fetchJwks,
      issuers: ['accounts.google.com', 'https://accounts.google.com'],
      audience,
    });
  } catch (err) {
    throw new ValidationError(`cannot authenticate GCR request: ${errorMessage(err)}`);
  }
  if (claims['email'] !== email) {
    throw new ValidationError(
      `cannot authenticate GCR request: token email is '${String(claims['email'])}', want '${email}'`,
    );
  }
  if (claims['email_verified'] !== true) {
    throw new ValidationError(`cannot authenticate GCR request: token email '${email}' is not verified`);
  }
  const push = parseJson(req.body, 'GCR');
  const message = push['message'] as { data?: unknown } | undefined;
  const raw = Buffer.from(typeof message?.data === 'string' ? message.data : '', 'base64');
  const data = parseJson(raw, 'GCR');
  // Only the unwrapped event reaches the resource filters, in Go's field order.
  return Buffer.from(
    JSON.stringify({
      action: str(data['action']),
      digest: str(data['digest']),
      tag: str(data['tag']),
    }),
  );
}

async function validateOidc(receiver: Receiver, req: IncomingWebhook, ctx: ValidateContext) {
  const providers = receiver.spec.oidcProviders ?? [];
  if (providers.length === 0) throw new ValidationError('generic-oidc receiver has no oidcProviders configured');
  const token = bearer(req);
  let issuer: unknown;
  try {
    issuer = decodeJwt(token).claims['iss'];
  } catch (err) {
    throw new ValidationError(`failed to parse bearer token: ${errorMessage(err)}`);
  }
  if (typeof issuer !== 'string' || issuer === '') {
    throw new ValidationError("failed to parse bearer token: token is missing the 'iss' claim");
  }
  const provider = providers.find((p) => p.issuerURL === issuer);
  if (!provider) throw new ValidationError(`no oidcProvider configured for issuer "${issuer.slice(0, 256)}"`);
  let claims: Record<string, unknown>;
  try {
    claims = await verifyJwt(token, {
      jwksUrl: await ctx.discover(provider.issuerURL),
      fetchJwks: ctx.fetchJwks,
      issuers: [provider.issuerURL],
      audience: provider.audience || 'notification-controller',
    });
  } catch (err) {
    throw new ValidationError(`failed to verify OIDC token: ${errorMessage(err)}`);
  }
  const vars: Record<string, unknown> = {};
  const data = { claims, vars };
  for (const v of provider.variables ?? []) {
    try {
      vars[v.name] = new CelExpression(v.expression, { variables: ['claims', 'vars'] }).evaluate(data);
    } catch (err) {
      throw new ValidationError(`failed to evaluate variable "${v.name}": ${errorMessage(err)}`);
    }
  }
  const failures: string[] = [];
  for (const v of provider.validations) {
    let passed: boolean;
    try {
      passed = new CelExpression(v.expression, { variables: ['claims', 'vars'], boolOutput: true }).evaluateBoolean(
        data,
      );
    } catch (err) {
      throw new ValidationError(`failed to evaluate validation: ${errorMessage(err)}`);
    }
    if (!passed) failures.push(v.message);
  }
  if (failures.length > 0) throw new ValidationError(`token validation failed: ${failures.join('; ')}`);
  return claims;
}
