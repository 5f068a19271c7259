// Outbound calls against a server that accepts connections and never answers (a hung load balancer, a black-holed
// route behind a proxy): each must give up at its timeout with an error that says so, never hold a worker
// forever. Here every source kind, through the source-controller, with `spec.timeout: 2s`; the Kubernetes client's
// own call timeout is tested in src/kube/client/transport.test.ts, and the audit of every outbound call with its
// bound is in SECURITY.md.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { Command } from 'commander';

import { ArtifactStorage } from '../../src/artifacts/index.ts';
import {
  bucketType,
  gitRepositoryType,
  helmRepositoryType,
  ociRepositoryType,
  sourceController,
} from '../../src/controllers/source/setup.ts';
import { KubeClient, type KubeObject } from '../../src/kube/index.ts';
import { controllerOptionsFrom, createLogger, registerControllerFlags, startManager } from '../../src/runtime/index.ts';
import { useCluster, useNamespace } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';

const TIMEOUT_S = 2;
/** Scheduling slack on a loaded machine, on top of the timeout and the first reconcile's start. */
const SLACK_MS = 20_000;

type Source = KubeObject & { status?: { conditions?: { type: string; status: string; message?: string }[] } };

void test('every source kind gives up on a server that accepts and never answers, at spec.timeout', async (t) => {
  const cluster = await useCluster();
  const client = new KubeClient(cluster.kubeConfig);
  const ns = await useNamespace(t, cluster);
  const held: Socket[] = [];
  const blackHole = createServer((socket) => void held.push(socket));
  await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const s of held) s.destroy();
    blackHole.close();
  });
  const address = blackHole.address();
  const host = `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const storageDir = await mkdtemp(join(tmpdir(), 'fluxts-blackhole-'));
  t.after(() => rm(storageDir, { recursive: true, force: true }));
  const flags = registerControllerFlags(new Command())
    .parse(['--metrics-addr=127.0.0.1:0', '--health-addr=127.0.0.1:0', '--watch-all-namespaces=false'], {
      from: 'user',
    })
    .opts();
  const running = await startManager(
    controllerOptionsFrom(flags, { RUNTIME_NAMESPACE: ns }),
    [sourceController({ storage: new ArtifactStorage({ root: storageDir, advertisedAddress: 'unused' }) })],
    { kubeConfig: cluster.kubeConfig, logger: createLogger('silent') },
  );
  t.after(() => running.stop());

  const sources = [
    { type: gitRepositoryType, name: 'git', spec: { url: `http://${host}/repo.git`, ref: { branch: 'main' } } },
    { type: helmRepositoryType, name: 'helm', spec: { url: `http://${host}/charts` } },
    { type: ociRepositoryType, name: 'oci', spec: { url: `oci://${host}/app`, insecure: true, ref: { tag: 'v1' } } },
    {
      type: bucketType,
      name: 'bucket',
      spec: { provider: 'generic', endpoint: host, bucketName: 'b', insecure: true },
    },
  ];
  const started = Date.now();
  for (const { type, name, spec } of sources) {
    await client.create({
      ...type,
      metadata: { name, namespace: ns },
      spec: { interval: '10m', timeout: `${TIMEOUT_S}s`, ...spec },
    });
  }
  for (const { type, name } of sources) {
    const failed = await eventually(
      `${type.kind} ${name} gives up`,
      async () => {
        const obj = await client.get<Source>(type, { namespace: ns, name });
        const ready = obj.status?.conditions?.find((c) => c.type === 'Ready');
        return ready?.status === 'False' ? ready : undefined;
      },
      { timeoutMs: TIMEOUT_S * 1000 + SLACK_MS, intervalMs: 200 },
    );
    assert.match(failed.message ?? '', /time(d)? ?out|deadline/i, `${name}: ${failed.message ?? ''}`);
  }
  assert.ok(held.length >= sources.length, `every source connected to the black hole (${held.length})`);
  t.diagnostic(`all gave up within ${Date.now() - started} ms of creation (timeout ${TIMEOUT_S}s each)`);
});
