// Alert matching and dispatch rules without a cluster: suspend, event sources (namespace default, `*`, matchLabels),
// severity, inclusion/exclusion lists with invalid patterns, --no-cross-namespace-refs, commitStatusExpr and
// metadata conflicts (MetadataAppendFailed), each checked on what reaches a local generic endpoint.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import type { Alert, Provider } from '../../src/api/index.ts';
import { Dispatcher } from '../../src/controllers/notification/events/dispatch.ts';
import { type AlertWarning, matchAlerts, RegexCache } from '../../src/controllers/notification/events/match.ts';
import { createLogger, type FluxEvent } from '../../src/runtime/index.ts';
import { type Endpoint, startEndpoint } from './endpoint.ts';

const event = (extra: Partial<FluxEvent> = {}): FluxEvent => ({
  involvedObject: {
    kind: 'Kustomization',
    namespace: 'apps',
    name: 'web',
    uid: 'u-1',
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  },
  severity: 'info',
  timestamp: '2026-12-08T03:00:00Z',
  message: 'Applied revision: main@sha1:abc',
  reason: 'ReconciliationSucceeded',
  metadata: {},
  reportingController: 'kustomize-controller',
  ...extra,
});

const alert = (name: string, spec: Partial<Alert['spec']>, namespace = 'apps'): Alert => ({
  apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
  kind: 'Alert',
  metadata: { name, namespace, uid: `${name}-uid` },
  spec: { providerRef: { name: 'hook' }, eventSources: [{ kind: 'Kustomization', name: '*' }], ...spec },
});

describe('alert matching', () => {
  test('suspend, sources, severity, inclusion and exclusion decide; invalid patterns warn and never match', async () => {
    const warnings: AlertWarning[] = [];
    const alerts = [
      alert('all', {}),
      alert('suspended', { suspend: true }),
      alert('other-ns', { eventSources: [{ kind: 'Kustomization', name: '*', namespace: 'infra' }] }),
      alert('by-name', { eventSources: [{ kind: 'Kustomization', name: 'web' }] }),
      alert('wrong-kind', { eventSources: [{ kind: 'HelmRelease', name: '*' }] }),
      alert('labelled', { eventSources: [{ kind: 'Kustomization', name: '*', matchLabels: { team: 'a' } }] }),
      alert('unlabelled', { eventSources: [{ kind: 'Kustomization', name: '*', matchLabels: { team: 'b' } }] }),
      alert('errors-only', { eventSeverity: 'error' }),
      alert('included', { inclusionList: ['^Applied'] }),
      alert('not-included', { inclusionList: ['^Health'] }),
      alert('excluded', { inclusionList: ['^Applied'], exclusionList: ['sha1:abc$'] }),
      alert('bad-pattern', { inclusionList: ['(unclosed'] }),
    ];
    const ctx = { labelsOf: () => Promise.resolve({ team: 'a' }), warn: (w: AlertWarning) => warnings.push(w) };
    const names = (await matchAlerts(event(), alerts, ctx, new RegexCache())).map((a) => a.metadata.name);
    assert.deepEqual(names, ['all', 'by-name', 'labelled', 'included']);
    assert.deepEqual(
      warnings.map((w) => [w.alert.metadata.name, w.reason]),
      [['bad-pattern', 'InvalidConfig']],
    );
    const errors = await matchAlerts(event({ severity: 'error' }), alerts, ctx, new RegexCache());
    assert.ok(
      errors.some((a) => a.metadata.name === 'errors-only'),
      'an error-only Alert takes error events',
    );
  });
});

describe('dispatch', () => {
  let ep: Endpoint;
  before(async () => {
    ep = await startEndpoint(() => ({ status: 200 }));
  });
  after(() => ep.close());

  function dispatcher(providers: Record<string, Provider>, warnings: string[][], noCrossNamespaceRefs = false) {
    return new Dispatcher({
      providerOf: (ns, name) => providers[`${ns}/${name}`],
      readSecret: (_ns, name) =>
        name === 'gitea-token'
          ? Promise.resolve({ token: Buffer.from('gitea-pat') })
          : Promise.reject(new Error(`secret ${name} not found`)),
      warn: (a, reason, message, annotations) =>
        warnings.push([a.metadata.name ?? '', reason, message, JSON.stringify(annotations ?? {})]),
      logger: createLogger('error'),
      noCrossNamespaceRefs,
      objectLevelWorkloadIdentity: false,
      retry: { retries: 0, minWaitMs: 1, maxWaitMs: 1 },
    });
  }
  const provider = (ns: string, spec: Partial<Provider['spec']>): Provider => ({
    apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
    kind: 'Provider',
    metadata: { name: 'hook', namespace: ns, uid: '4f1c2a9e-0000-0000-0000-000000000000' },
    spec: { type: 'generic', address: ep.url, ...spec },
  });

  test('--no-cross-namespace-refs refuses events from another namespace; the same namespace is sent', async () => {
    const warnings: string[][] = [];
    const d = dispatcher({ 'flux-system/hook': provider('flux-system', {}) }, warnings, true);
    await assert.rejects(
      d.dispatch(event(), alert('central', {}, 'flux-system')),
      /alert 'flux-system\/central' can't process event from 'Kustomization\/apps\/web', cross-namespace references have been blocked/u,
    );
    ep.requests.length = 0;
    assert.equal(
      await d.dispatch(
        event({ involvedObject: { ...event().involvedObject, namespace: 'flux-system' } }),
        alert('central', {}, 'flux-system'),
      ),
      'sent',
    );
    await d.drain();
    assert.equal(ep.requests.length, 1);
  });

  test('metadata conflicts warn MetadataAppendFailed; Alert metadata and summary reach the provider', async () => {
    const warnings: string[][] = [];
    const d = dispatcher({ 'apps/hook': provider('apps', {}) }, warnings);
    ep.requests.length = 0;
    await d.dispatch(
      event({
        metadata: {
          'kustomize.toolkit.fluxcd.io/revision': 'main@sha1:abc',
          'kustomize.toolkit.fluxcd.io/env': 'ctrl',
        },
      }),
      alert('meta', { eventMetadata: { env: 'alert', cluster: 'prod' }, summary: 'nightly' }),
    );
    await d.drain();
    const sent = JSON.parse(ep.requests[0]?.text ?? '{}') as FluxEvent;
    assert.deepEqual(sent.metadata, { cluster: 'prod', env: 'ctrl', revision: 'main@sha1:abc', summary: 'nightly' });
    assert.deepEqual(
      warnings.map((w) => w[1]),
      ['MetadataAppendFailed'],
    );
    assert.match(warnings[0]?.[3] ?? '', /"env"/u, 'the conflicting key is named');
  });

  test('commitStatusExpr names the commit status; a failing expression fails the dispatch', async () => {
    const warnings: string[][] = [];
    ep.respond((r) => (r.method === 'GET' ? { status: 200, body: '[]' } : { status: 201, body: '{}' }));
    ep.requests.length = 0;
    const gitea = (expr: string) =>
      provider('apps', {
        type: 'gitea',
        address: `${ep.url}/org/repo`,
        commitStatusExpr: expr,
        secretRef: { name: 'gitea-token' },
      });
    const d = dispatcher({ 'apps/hook': gitea("event.involvedObject.name + '/' + provider.metadata.name") }, warnings);
    const withCommit = event({
      metadata: {
        'event.toolkit.fluxcd.io/commit': '0123456789abcdef0123456789abcdef01234567',
        revision: 'main@sha1:0123456789abcdef0123456789abcdef01234567',
      },
    });
    assert.equal(await d.dispatch(withCommit, alert('cs', {})), 'sent');
    await d.drain();
    const created = ep.requests.find((r) => r.method === 'POST');
    assert.equal((JSON.parse(created?.text ?? '{}') as { context?: string }).context, 'web/hook');
    assert.deepEqual(warnings, []);
    const bad = dispatcher({ 'apps/hook': gitea('event.nope.deeper') }, warnings);
    await assert.rejects(
      bad.dispatch(withCommit, alert('cs', {})),
      /failed to create commit status: failed to evaluate the spec.commitStatusExpr CEL expression/u,
    );
    ep.respond(() => ({ status: 200 }));
  });
});
