// The outbound clients whose bound is not a source's `spec.timeout`, each against a server that accepts the
// connection and never answers: artifact downloads (kustomize-, helm-, source-watcher controllers), notification
// provider deliveries, events posted to notification-controller, AWS KMS for SOPS. Each is called with a short
// bound (the controllers use the default named in SECURITY.md) and must give up at it, saying so.
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { test } from 'node:test';

import { ArtifactFetchError, fetchArtifact } from '../../src/artifacts/index.ts';
import { postMessage, ProviderHttpError } from '../../src/controllers/notification/providers/http.ts';
import { awsKmsApi } from '../../src/fetchers/aws-kms/index.ts';
import { EventPoster } from '../../src/runtime/index.ts';
import { createLogger } from '../../src/runtime/logger.ts';

const BOUND_MS = 500;
/** How late a give-up may come on a loaded machine. */
const SLACK_MS = 5_000;

async function blackHole(t: { after(fn: () => void): void }): Promise<string> {
  const held: Socket[] = [];
  const server = createServer((socket) => void held.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const s of held) s.destroy();
    server.close();
  });
  const address = server.address();
  return `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

async function givesUp(what: string, call: () => Promise<unknown>, check: (err: unknown) => boolean): Promise<void> {
  const started = Date.now();
  await assert.rejects(call(), (err) => {
    assert.ok(check(err), `${what}: ${String(err)}`);
    return true;
  });
  const took = Date.now() - started;
  assert.ok(took >= BOUND_MS - 50 && took < BOUND_MS + SLACK_MS, `${what} gave up after ${took} ms`);
}

void test('artifact downloads, provider deliveries and AWS KMS give up at their bound', async (t) => {
  const host = await blackHole(t);
  await givesUp(
    'artifact download',
    () =>
      fetchArtifact(`http://${host}/gitrepository/ns/app/x.tar.gz`, `sha256:${'0'.repeat(64)}`, {
        timeoutMs: BOUND_MS,
      }),
    (err) => err instanceof ArtifactFetchError && /download failed/.test(err.message),
  );
  // What the event dispatcher does: the Provider's spec.timeout as the signal of the whole delivery.
  await givesUp(
    'provider delivery',
    () => postMessage(`http://${host}/hooks/secret-path`, '{}', { signal: AbortSignal.timeout(BOUND_MS) }),
    (err) =>
      err instanceof ProviderHttpError &&
      /context deadline exceeded/.test(err.message) &&
      !err.message.includes('secret-path'),
  );
  const kms = awsKmsApi({
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG' },
    endpoint: `http://${host}`,
    timeoutMs: BOUND_MS,
  });
  await givesUp(
    'AWS KMS decrypt',
    () => kms.decrypt({ arn: 'arn:aws:kms:us-east-1:111122223333:key/k', role: '', blob: 'AAAA' }),
    (err) =>
      err instanceof Error && /no answer within 500 ms/.test(err.message) && !err.message.includes('wJalrXUtnFEMI'),
  );
});

void test('an event posted to an events address that never answers is given up after its attempts, logged', async (t) => {
  const host = await blackHole(t);
  const errors: string[] = [];
  const base = createLogger('silent');
  const logger = new Proxy(base, {
    get: (target, prop) =>
      prop === 'error'
        ? (obj: unknown, msg?: string) => void errors.push(`${msg ?? ''} ${JSON.stringify(obj)}`)
        : (Reflect.get(target, prop) as unknown),
  });
  const poster = new EventPoster({ url: `http://${host}/`, logger, timeoutMs: BOUND_MS, maxRetries: 1, backoffMs: 10 });
  const started = Date.now();
  poster.post({
    involvedObject: { kind: 'GitRepository', namespace: 'ns', name: 'app', apiVersion: 'source.toolkit.fluxcd.io/v1' },
    severity: 'info',
    timestamp: new Date().toISOString(),
    message: 'stored artifact',
    reason: 'NewArtifact',
    reportingController: 'source-controller',
  });
  await poster.flush();
  const took = Date.now() - started;
  assert.ok(
    took >= 2 * BOUND_MS - 100 && took < 2 * BOUND_MS + SLACK_MS,
    `two attempts, then given up after ${took} ms`,
  );
  assert.equal(errors.length, 1);
  assert.match(errors[0] ?? '', /unable to send event/);
});
