import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Command } from 'commander';

import { controllerOptionsFrom, registerControllerFlags } from './options.ts';

function parse(argv: string[], defaults = {}) {
  const cmd = registerControllerFlags(new Command('controller'), defaults).exitOverride();
  cmd.configureOutput({ writeErr: () => {} });
  cmd.parse(argv, { from: 'user' });
  return controllerOptionsFrom(cmd.opts(), {});
}

void test('defaults are Flux defaults (flux-api.md §8.1)', () => {
  const o = parse([], { concurrent: 2 });
  assert.equal(o.concurrent, 2);
  assert.equal(o.eventsAddr, '');
  assert.equal(o.metricsAddr, ':8080');
  assert.equal(o.healthAddr, ':9440');
  assert.equal(o.watchAllNamespaces, true);
  assert.equal(o.watchConfigsLabelSelector, 'reconcile.fluxcd.io/watch=Enabled');
  assert.equal(o.watchLabelSelector, '');
  assert.equal(o.enableLeaderElection, false);
  assert.equal(o.kubeconfig, undefined);
  assert.equal(o.logLevel, 'info');
  assert.equal(o.logEncoding, 'json');
  assert.equal(o.leaderElectionReleaseOnCancel, true);
  assert.equal(o.requeueDependencyMs, 30_000);
  assert.equal(o.intervalJitterPercentage, 5);
  assert.equal(o.minRetryDelayMs, 750);
  assert.equal(o.maxRetryDelayMs, 900_000);
  assert.equal(o.leaderElectionLeaseDurationMs, 35_000);
  assert.equal(o.leaderElectionRenewDeadlineMs, 30_000);
  assert.equal(o.leaderElectionRetryPeriodMs, 5_000);
  assert.equal(o.runtimeNamespace, 'flux-system');
  assert.deepEqual(o.featureGates, {});
  assert.equal(o.kubeApiQps, 50);
  assert.equal(o.kubeApiBurst, 300);
  assert.equal(parse([]).concurrent, 4);
});

void test('flags parse in Go style, including --bool=false', () => {
  const o = parse([
    '--concurrent=8',
    '--events-addr=http://nc.flux-system.svc/',
    '--watch-all-namespaces=false',
    '--enable-leader-election',
    '--kubeconfig',
    '/tmp/kc',
    '--log-level=debug',
    '--requeue-dependency=1m',
    '--interval-jitter-percentage=10',
    '--feature-gates=DisableStatusPollerCache=false,ExternalArtifact=true',
    '--feature-gates=OOMWatch=true',
    '--kube-api-qps=20.5',
    '--log-encoding=console',
    '--leader-election-release-on-cancel=false',
  ]);
  assert.deepEqual(o.featureGates, { DisableStatusPollerCache: false, ExternalArtifact: true, OOMWatch: true });
  assert.equal(o.kubeApiQps, 20.5);
  assert.equal(o.logEncoding, 'console');
  assert.equal(o.leaderElectionReleaseOnCancel, false);
  assert.equal(o.concurrent, 8);
  assert.equal(o.eventsAddr, 'http://nc.flux-system.svc/');
  assert.equal(o.watchAllNamespaces, false);
  assert.equal(o.enableLeaderElection, true);
  assert.equal(o.kubeconfig, '/tmp/kc');
  assert.equal(o.logLevel, 'debug');
  assert.equal(o.requeueDependencyMs, 60_000);
  assert.equal(o.intervalJitterPercentage, 10);
});

void test('invalid values are rejected', () => {
  assert.throws(() => parse(['--concurrent=0']));
  assert.throws(() => parse(['--interval-jitter-percentage=100']));
  assert.throws(() => parse(['--requeue-dependency=soon']));
  assert.throws(() => parse(['--log-level=verbose']));
  assert.throws(() => parse(['--watch-all-namespaces=maybe']));
  assert.throws(() => parse(['--feature-gates=Foo']));
  assert.throws(() => parse(['--feature-gates=Foo=yes']));
});

void test('--watch-label-selector is read as Flux reads it: the sharding forms are normalised, bad ones refused', () => {
  // The forms of Flux's sharding guide: the main instance takes what no shard has, each shard its own key.
  assert.equal(
    parse(['--watch-label-selector=sharding.fluxcd.io/key notin (shard2, shard1)']).watchLabelSelector,
    'sharding.fluxcd.io/key notin (shard1,shard2)',
  );
  assert.equal(
    parse(['--watch-label-selector', '!sharding.fluxcd.io/key']).watchLabelSelector,
    '!sharding.fluxcd.io/key',
  );
  assert.equal(
    parse(['--watch-label-selector=sharding.fluxcd.io/key in (shard1)']).watchLabelSelector,
    'sharding.fluxcd.io/key in (shard1)',
  );
  assert.equal(
    parse(['--watch-label-selector=sharding.fluxcd.io/key=shard1']).watchLabelSelector,
    'sharding.fluxcd.io/key=shard1',
  );
  // metav1.ParseToLabelSelector refuses `!=`; a selector the apiserver would reject must stop the process at start.
  assert.throws(() => parse(['--watch-label-selector=sharding.fluxcd.io/key!=shard1']), /not a valid label selector/);
  assert.throws(() => parse(['--watch-label-selector=key in (a']), /couldn't parse the selector/);
});

void test('RUNTIME_NAMESPACE sets the runtime namespace', () => {
  const cmd = registerControllerFlags(new Command('c'));
  cmd.parse([], { from: 'user' });
  assert.equal(controllerOptionsFrom(cmd.opts(), { RUNTIME_NAMESPACE: 'gitops' }).runtimeNamespace, 'gitops');
});
