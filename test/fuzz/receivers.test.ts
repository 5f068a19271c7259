// Property-based fuzzing of webhook receiver payloads (see harness.ts for the shared invariants): every Receiver
// type fed hostile headers and bodies, sometimes correctly signed.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';

import fc from 'fast-check';

import { RECEIVER_TYPES, type Receiver } from '../../src/api/index.ts';
import {
  type IncomingWebhook,
  validateRequest,
  ValidationError,
} from '../../src/controllers/notification/receivers/validate.ts';
import { checkAsync, soup } from './harness.ts';

const TOKEN = 'receiver-token';
/** TYPES: every type the API accepts, so that a new one is fuzzed too. */
const TYPES = RECEIVER_TYPES;
/** AUTHENTICATED are the types that must never accept a request made without the token. */
const AUTHENTICATED = new Set([
  'generic-hmac',
  'github',
  'gitlab',
  'bitbucket',
  'harbor',
  'nexus',
  'gcr',
  'generic-oidc',
]);

const jwtish = soup(['eyJ', 'hbGciOiJSUzI1NiJ9', '.', 'eyJpc3MiOiJodHRwczovL2lzc3VlciJ9', '==', '-', '_', 'x'], 10);
const input = fc.record({
  type: fc.constantFrom(...TYPES),
  events: fc.constantFrom([], ['push'], ['PUSH', 'ping']),
  body: fc.oneof(
    fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
    fc.constant(
      '{"context":{"id":"1","source":"s","type":"dev.cdevents.pipelinerun.queued.0.1.1","timestamp":"2024-01-01T00:00:00Z","specversion":"0.4.1"},"subject":{"id":"x","content":{}}}',
    ),
    fc.constant('{"message":{"data":"eyJhY3Rpb24iOiJJTlNFUlQiLCJ0YWciOiJ4In0="}}'),
    fc.string().map((s) => `payload=${encodeURIComponent(s)}`),
    fc.string(),
  ),
  contentType: fc.constantFrom(
    'application/json',
    'application/x-www-form-urlencoded',
    'text/plain',
    '',
    'application/json; charset=utf-8',
    'APPLICATION/JSON',
  ),
  signature: fc.constantFrom(
    '',
    'sha256=',
    'sha1=00',
    'md5=abcd',
    'sha256=zz',
    'nonsense',
    'sha512=' + '0'.repeat(128),
  ),
  event: fc.constantFrom('', 'push', 'Push', 'ping', 'x'.repeat(300)),
  authorization: fc.oneof(
    fc.constantFrom('', 'Bearer ', 'Basic abc'),
    jwtish.map((j) => `Bearer ${j}`),
  ),
  sign: fc.boolean(),
});
type Input = typeof input extends fc.Arbitrary<infer T> ? T : never;

function request(i: Input): IncomingWebhook {
  const body = Buffer.from(i.body);
  const hmac = (alg: string): string => createHmac(alg, TOKEN).update(body).digest('hex');
  const headers: Record<string, string> = {
    'content-type': i.contentType,
    'x-github-event': i.event,
    'x-gitlab-event': i.event,
    'x-event-key': i.event,
    'ce-type': i.event,
    authorization: i.authorization,
    'x-signature': i.sign ? `sha256=${hmac('sha256')}` : i.signature,
    'x-hub-signature-256': i.sign ? `sha256=${hmac('sha256')}` : i.signature,
    'x-gitlab-token': i.sign ? TOKEN : i.signature,
    'x-nexus-webhook-signature': i.sign ? hmac('sha1') : i.signature,
  };
  if (i.sign && i.type === 'harbor') headers['authorization'] = TOKEN;
  return { headers, body };
}

describe('fuzz: receivers', () => {
  test('receiver payloads of every type', async () => {
    // Invariants: accepted, or refused with a ValidationError (Flux's message); an authenticated type never accepts
    // a request made without the token; JWKS fetches that fail refuse the request.
    const outcomes = await checkAsync(input, [ValidationError], async (i) => {
      const receiver = {
        apiVersion: 'notification.toolkit.fluxcd.io/v1',
        kind: 'Receiver',
        metadata: { name: 'r', namespace: 'ns' },
        spec: {
          type: i.type,
          events: i.events,
          resources: [],
          secretRef: { name: 's' },
          oidcProviders: [{ issuerURL: 'https://issuer', audience: 'a' }],
        },
      } as unknown as Receiver;
      const validated = await validateRequest(receiver, request(i), {
        secret: { token: Buffer.from(TOKEN), email: Buffer.from('a@b'), audience: Buffer.from('aud') },
        fetchJwks: () => Promise.reject(new Error('no network in this test')),
        discover: () => Promise.resolve('https://issuer/jwks'),
        googleCertsUrl: 'https://www.googleapis.com/oauth2/v3/certs',
      });
      assert.ok(!AUTHENTICATED.has(i.type) || i.sign, `${i.type} accepted an unsigned request`);
      assert.ok(Buffer.isBuffer(validated.body));
    });
    assert.ok(outcomes.accepted > 0 && outcomes.refused > 0, JSON.stringify(outcomes));
  });
});
