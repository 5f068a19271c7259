import assert from 'node:assert/strict';
import { type AddressInfo, createServer } from 'node:net';
import { test } from 'node:test';

import { Command } from 'commander';

import { KubeConfig } from '../kube/client/index.ts';

import { ListenError } from './http-server.ts';
import { createLogger } from './logger.ts';
import { controllerOptionsFrom, registerControllerFlags } from './options.ts';
import { startManager } from './run.ts';

// No controller ever talks to this cluster: the tests cover the process shell only.
function offlineKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(
    [
      'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}]',
      'users: [{name: u, user: {token: x}}]',
      'contexts: [{name: ctx, context: {cluster: c, user: u}}]',
      'current-context: ctx',
    ].join('\n'),
  );
  return kc;
}

function options(argv: string[]) {
  const cmd = registerControllerFlags(new Command('t'));
  cmd.parse(argv, { from: 'user' });
  return controllerOptionsFrom(cmd.opts(), {});
}

void test('startManager with no controllers serves probes and metrics and stops cleanly', async () => {
  const running = await startManager(options(['--metrics-addr=127.0.0.1:0', '--health-addr=127.0.0.1:0']), [], {
    kubeConfig: offlineKubeConfig(),
    logger: createLogger('silent'),
  });
  const probe = await fetch(`http://127.0.0.1:${running.healthPort}/readyz`);
  assert.equal(probe.status, 200);
  assert.equal(await probe.text(), 'ok');
  const metrics = await fetch(`http://127.0.0.1:${running.metricsPort}/metrics`);
  assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain/);
  assert.match(await metrics.text(), /# HELP gotk_reconcile_duration_seconds/);
  await running.stop();
  await running.done;
  await assert.rejects(fetch(`http://127.0.0.1:${running.healthPort}/healthz`));
});

void test('a health address in use fails the start and frees the metrics address', async () => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const busy = (blocker.address() as AddressInfo).port;
  const free = createServer();
  await new Promise<void>((r) => free.listen(0, '127.0.0.1', r));
  const metricsPort = (free.address() as AddressInfo).port;
  await new Promise<void>((r) => free.close(() => r()));
  try {
    await assert.rejects(
      startManager(options([`--metrics-addr=127.0.0.1:${metricsPort}`, `--health-addr=127.0.0.1:${busy}`]), [], {
        kubeConfig: offlineKubeConfig(),
        logger: createLogger('silent'),
      }),
      ListenError,
    );
    // The metrics port was released: binding it again works.
    const again = createServer();
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject);
      again.listen(metricsPort, '127.0.0.1', resolve);
    });
    await new Promise<void>((r) => again.close(() => r()));
  } finally {
    await new Promise<void>((r) => blocker.close(() => r()));
  }
});

void test('a controller whose setup throws stops the process and rejects done', async () => {
  const running = await startManager(
    options(['--metrics-addr=127.0.0.1:0', '--health-addr=127.0.0.1:0']),
    [
      {
        name: 'broken-controller',
        setup() {
          throw new Error('broken-controller: bad configuration');
        },
      },
    ],
    { kubeConfig: offlineKubeConfig(), logger: createLogger('silent') },
  );
  await assert.rejects(running.done, /bad configuration/);
});
