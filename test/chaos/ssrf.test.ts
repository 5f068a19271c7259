// SSRF through source URLs to the controllers' own ports. Flux does not block source URLs by address (no
// allow-list, no deny-list: an administrator restricts egress with NetworkPolicies), and neither does fluxts. What
// fluxts promises (SECURITY.md) is narrower and tested here: a source pointed at a controller's own endpoint —
// metrics, health probes, the artifact server, the event and receiver endpoints — fails, and what that endpoint
// answered is never copied into the object's status or Events, where the tenant who wrote the URL could read it.
// The metrics page names other tenants' objects; the artifact server holds other tenants' artifacts.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { Command } from 'commander';

import { ArtifactStorage, serveStorage } from '../../src/artifacts/index.ts';
import { notificationController } from '../../src/controllers/notification/setup.ts';
import {
  bucketType,
  gitRepositoryType,
  helmRepositoryType,
  ociRepositoryType,
  sourceController,
} from '../../src/controllers/source/setup.ts';
import { freePort } from '../../src/devcluster/ports.ts';
import { KubeClient, type KubeObject } from '../../src/kube/index.ts';
import { controllerOptionsFrom, createLogger, registerControllerFlags, startManager } from '../../src/runtime/index.ts';
import { useCluster, useNamespace } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}
type Source = KubeObject & { status?: { conditions?: Condition[]; artifact?: unknown } };

void test('sources pointed at the controllers own ports fail without reflecting what those ports answered', async (t) => {
  const cluster = await useCluster();
  const client = new KubeClient(cluster.kubeConfig);
  const ns = await useNamespace(t, cluster);
  const storageDir = await mkdtemp(join(tmpdir(), 'fluxts-ssrf-'));
  t.after(() => rm(storageDir, { recursive: true, force: true }));
  // A file on the artifact server standing for another tenant's artifact: its bytes must never show up.
  const marker = `ssrf-marker-${randomBytes(8).toString('hex')}`;
  await writeFile(join(storageDir, 'other-tenant.txt'), `${marker}\n`);
  const storageServer = await serveStorage(storageDir, { host: '127.0.0.1', port: 0 });
  t.after(() => storageServer.close());
  const storage = new ArtifactStorage({ root: storageDir, advertisedAddress: storageServer.address });
  const [eventsPort, receiverPort] = [await freePort(), await freePort()];
  const notification = notificationController({
    eventsAddr: `127.0.0.1:${eventsPort}`,
    receiverAddr: `127.0.0.1:${receiverPort}`,
    rateLimitIntervalMs: 0,
    noCrossNamespaceRefs: false,
  });
  t.after(() => notification.close());
  const flags = registerControllerFlags(new Command())
    .parse(['--metrics-addr=127.0.0.1:0', '--health-addr=127.0.0.1:0', '--watch-all-namespaces=false'], {
      from: 'user',
    })
    .opts();
  const running = await startManager(
    controllerOptionsFrom(flags, { RUNTIME_NAMESPACE: ns }),
    [sourceController({ storage }), notification],
    { kubeConfig: cluster.kubeConfig, logger: createLogger('silent') },
  );
  t.after(() => running.stop());
  await notification.listening();
  // Something for the metrics page to say: it names objects by namespace and name.
  const targets = {
    metrics: `127.0.0.1:${running.metricsPort}/metrics`,
    healthz: `127.0.0.1:${running.healthPort}/readyz`,
    artifacts: `${storageServer.address}/other-tenant.txt`,
    events: `127.0.0.1:${eventsPort}/`,
    receiver: `127.0.0.1:${receiverPort}/hook/0123456789abcdef`,
  };
  const created: { type: { apiVersion: string; kind: string }; name: string; target: string }[] = [];
  for (const [target, hostPath] of Object.entries(targets)) {
    const host = hostPath.slice(0, hostPath.indexOf('/'));
    const specs = [
      { type: gitRepositoryType, spec: { url: `http://${hostPath}`, ref: { branch: 'main' } } },
      { type: helmRepositoryType, spec: { url: `http://${hostPath}` } },
      { type: ociRepositoryType, spec: { url: `oci://${hostPath}`, insecure: true, ref: { tag: 'latest' } } },
      { type: bucketType, spec: { provider: 'generic', endpoint: host, bucketName: 'b', insecure: true } },
    ];
    for (const { type, spec } of specs) {
      const name = `${type.kind.toLowerCase()}-${target}`;
      await client.create({
        ...type,
        metadata: { name, namespace: ns },
        spec: { interval: '10m', timeout: '10s', ...spec },
      });
      created.push({ type, name, target });
    }
  }
  // The metrics page now names these objects: that is what a reflected body would leak.
  const metricsText = await (await fetch(`http://${targets.metrics}`)).text();
  assert.match(metricsText, /# HELP/);

  for (const { type, name, target } of created) {
    const failed = await eventually(
      `${type.kind} ${name} fails`,
      async () => {
        const obj = await client.get<Source>(type, { namespace: ns, name });
        const ready = obj.status?.conditions?.find((c) => c.type === 'Ready');
        return ready?.status === 'False' ? obj : undefined;
      },
      { timeoutMs: 60_000 },
    );
    assert.equal(failed.status?.artifact, undefined, `${name}: no artifact from a controller's own ${target} port`);
    assertNoReflection(JSON.stringify(failed.status), `${name} status`, marker);
  }
  const events = await client.list<KubeObject & { message?: string }>(
    { apiVersion: 'v1', kind: 'Event' },
    { namespace: ns },
  );
  assert.ok(events.items.length > 0, 'the failures were recorded as Events');
  for (const e of events.items) assertNoReflection(e.message ?? '', 'an Event', marker);
});

/** assertNoReflection fails when a text carries what one of the controllers' own endpoints answered. */
function assertNoReflection(text: string, what: string, marker: string): void {
  for (const leak of [marker, '# HELP', '# TYPE', 'gotk_reconcile', 'process_cpu', 'caches not synced']) {
    assert.ok(!text.includes(leak), `${what} reflects "${leak}": ${text.slice(0, 2000)}`);
  }
}
