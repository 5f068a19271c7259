// Kustomization end to end: the source-controller and the kustomize-controller run in this process against the
// test cluster and a real Git server; every assertion reads the cluster (objects, status, events).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { useNamespace } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';
import {
  configMapYaml as configMap,
  condition,
  eventMessages,
  FIXTURES,
  fixtureFiles,
  getKs,
  getObject,
  gitRepository,
  type Harness,
  kustomization,
  requestReconcile,
  startHarness,
  waitReady,
} from './harness.ts';

let h: Harness;

before(async () => {
  h = await startHarness();
});

after(async () => {
  await h?.stop();
});

const deployment = (name: string, annotations: Record<string, string> = {}): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 1
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
      annotations: ${JSON.stringify(annotations)}
    spec:
      containers:
        - name: app
          image: ghcr.io/stefanprodan/podinfo:6.7.0
`;

describe('Kustomization', { concurrency: 4 }, () => {
  test('podinfo/kustomize reconciles to Ready from a Git commit, health-checked', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    const repo = h.git.createRepo(`${ns}-podinfo`);
    const tip = await repo.commit({ files: fixtureFiles(join(FIXTURES, 'podinfo/kustomize'), 'kustomize') });
    await gitRepository(h, ns, 'repo', `${ns}-podinfo`);
    await kustomization(h, ns, 'podinfo', {
      path: './kustomize',
      targetNamespace: ns,
      wait: true,
      timeout: '2m',
      // The dev cluster's pod simulator cannot yet report pods with resource requests (it sends qosClass
      // BestEffort, which the API server rejects as a change), so the requests are patched out here.
      patches: [
        {
          patch: '- op: remove\n  path: /spec/template/spec/containers/0/resources\n',
          target: { kind: 'Deployment', name: 'podinfo' },
        },
      ],
      images: [{ name: 'ghcr.io/stefanprodan/podinfo', newTag: '6.7.1' }],
      commonMetadata: { labels: { team: 'apps' }, annotations: { owner: 'flux' } },
    });
    const ks = await waitReady(h, ns, 'podinfo', 'True', 'ReconciliationSucceeded', { timeoutMs: 120_000 });
    const revision = `main@sha1:${tip}`;
    assert.equal(ks.status?.lastAppliedRevision, revision);
    assert.equal(ks.status?.lastAttemptedRevision, revision);
    assert.equal(condition(ks, 'Ready')?.message, `Applied revision: ${revision}`);
    assert.equal(condition(ks, 'Healthy')?.status, 'True');
    assert.match(condition(ks, 'Healthy')?.message ?? '', /^Health check passed in /);
    assert.equal(condition(ks, 'Reconciling'), undefined);
    const history = ks.status?.history ?? [];
    assert.equal(history[0]?.lastReconciledStatus, 'ReconciliationSucceeded');
    assert.deepEqual(history[0]?.metadata, { revision });
    assert.match(history[0]?.digest ?? '', /^sha256:[0-9a-f]{64}$/);
    const ids = (ks.status?.inventory?.entries ?? []).map((e) => `${e.id} ${e.v}`).sort();
    assert.deepEqual(ids, [
      `${ns}_podinfo__Service v1`,
      `${ns}_podinfo_apps_Deployment v1`,
      `${ns}_podinfo_autoscaling_HorizontalPodAutoscaler v2`,
    ]);
    const deploy = await getObject(h, 'apps/v1', 'Deployment', ns, 'podinfo');
    assert.equal(deploy?.metadata.labels?.['kustomize.toolkit.fluxcd.io/name'], 'podinfo');
    assert.equal(deploy?.metadata.labels?.['kustomize.toolkit.fluxcd.io/namespace'], ns);
    assert.equal(deploy?.metadata.labels?.['team'], 'apps');
    assert.equal(deploy?.metadata.annotations?.['owner'], 'flux');
    const containers = (deploy?.['spec'] as { template: { spec: { containers: { image: string }[] } } }).template.spec
      .containers;
    assert.equal(containers[0]?.image, 'ghcr.io/stefanprodan/podinfo:6.7.1');
    const status = deploy?.['status'] as { availableReplicas?: number } | undefined;
    assert.ok((status?.availableReplicas ?? 0) >= 1, 'the Deployment is available');
    // Events are written in the background after the status patch, so they may trail Ready by a moment.
    const events = await eventually('the reconcile events', async () => {
      const messages = await eventMessages(h, ns, 'podinfo');
      return messages.some((m) => /^Reconciliation finished in .*, next run in 10m0s$/.test(m)) ? messages : undefined;
    });
    assert.ok(
      events.some((m) => m.includes(`Deployment/${ns}/podinfo created`)),
      `change set event: ${events.join(' | ')}`,
    );
  });

  test('podinfo deploy/overlays/dev and the flux2-kustomize-helm-example apps layout apply to Ready', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    const repo = h.git.createRepo(`${ns}-layouts`);
    await repo.commit({
      files: {
        ...fixtureFiles(join(FIXTURES, 'podinfo/deploy'), 'deploy'),
        ...fixtureFiles(join(FIXTURES, 'flux2-kustomize-helm-example/apps'), 'apps'),
      },
    });
    await gitRepository(h, ns, 'repo', `${ns}-layouts`);
    await kustomization(h, ns, 'dev', { path: './deploy/overlays/dev' });
    await kustomization(h, ns, 'apps', { path: './apps/staging' });
    t.after(async () => {
      // Both own cluster-scoped namespaces (dev, podinfo): deleting the Kustomizations prunes them.
      for (const name of ['dev', 'apps']) {
        await h.client
          .delete({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' }, { namespace: ns, name })
          .catch(() => undefined);
      }
      // The dev cluster has no volume plugin to release the PVC, so its protection finalizer would keep the
      // namespace terminating for the next run against the same cluster.
      await eventually('the dev namespace is being deleted', async () =>
        (await getObject(h, 'v1', 'Namespace', undefined, 'dev'))?.metadata.deletionTimestamp ? true : undefined,
      ).catch(() => undefined);
      await h.client
        .patch(
          { apiVersion: 'v1', kind: 'PersistentVolumeClaim' },
          { namespace: 'dev', name: 'database-primary' },
          'merge',
          { metadata: { finalizers: null } },
        )
        .catch(() => undefined);
    });
    const dev = await waitReady(h, ns, 'dev', 'True', 'ReconciliationSucceeded', { timeoutMs: 90_000 });
    const apps = await waitReady(h, ns, 'apps', 'True', 'ReconciliationSucceeded', { timeoutMs: 90_000 });
    const devIds = (dev.status?.inventory?.entries ?? []).map((e) => e.id);
    assert.ok(devIds.includes('_dev__Namespace'), devIds.join(','));
    assert.ok(devIds.includes('dev_frontend_apps_Deployment'), devIds.join(','));
    assert.ok(devIds.includes('dev_database-primary_apps_StatefulSet'), devIds.join(','));
    const appIds = (apps.status?.inventory?.entries ?? []).map((e) => e.id).sort();
    assert.deepEqual(appIds, [
      '_podinfo__Namespace',
      'podinfo_podinfo_helm.toolkit.fluxcd.io_HelmRelease',
      'podinfo_podinfo_source.toolkit.fluxcd.io_HelmRepository',
    ]);
    const release = await getObject(h, 'helm.toolkit.fluxcd.io/v2', 'HelmRelease', 'podinfo', 'podinfo');
    assert.ok(release, 'the HelmRelease was applied');
  });

  test('a removed manifest is pruned, prune: disabled stays, a kubectl edit is reverted', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    const repo = h.git.createRepo(`${ns}-prune`);
    await repo.commit({
      files: {
        'app/keep.yaml': configMap('keep', { a: '1' }),
        'app/protected.yaml': configMap('protected', { a: '1' }, { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' }),
        'app/gone.yaml': configMap('gone', { a: '1' }),
      },
    });
    await gitRepository(h, ns, 'repo', `${ns}-prune`);
    await kustomization(h, ns, 'app', { path: './app', targetNamespace: ns, interval: '1h' });
    await waitReady(h, ns, 'app', 'True');
    assert.ok(await getObject(h, 'v1', 'ConfigMap', ns, 'gone'));

    // A hand edit, as `kubectl edit` makes it (manager kubectl-edit, Update), is reverted on the next reconcile.
    await h.client.patch(
      { apiVersion: 'v1', kind: 'ConfigMap' },
      { namespace: ns, name: 'keep' },
      'merge',
      { data: { a: 'edited', extra: 'x' } },
      { fieldManager: 'kubectl-edit' },
    );
    await requestReconcile(h, ns, 'app');
    await eventually('the kubectl edit is reverted', async () => {
      const cm = await getObject(h, 'v1', 'ConfigMap', ns, 'keep');
      const data = cm?.['data'] as Record<string, string> | undefined;
      return data?.['a'] === '1' && data['extra'] === undefined ? cm : undefined;
    });

    // The next commit drops two manifests. (TestRepo cannot delete paths in a bare repository yet, so the commit
    // is written from an empty tree with the files that remain.)
    const second = await repo.commit({ files: { 'app/keep.yaml': configMap('keep', { a: '1' }) }, parent: null });
    const ks = await waitReady(h, ns, 'app', 'True', 'ReconciliationSucceeded', { revision: `main@sha1:${second}` });
    assert.equal(await getObject(h, 'v1', 'ConfigMap', ns, 'gone'), undefined);
    assert.ok(await getObject(h, 'v1', 'ConfigMap', ns, 'protected'), 'prune: disabled keeps the object');
    assert.ok(await getObject(h, 'v1', 'ConfigMap', ns, 'keep'));
    assert.deepEqual(
      (ks.status?.inventory?.entries ?? []).map((e) => e.id),
      [`${ns}_keep__ConfigMap`],
    );
    const events = await eventMessages(h, ns, 'app');
    assert.ok(
      events.some((m) => m.includes(`ConfigMap/${ns}/gone deleted`)),
      events.join(' | '),
    );

    // Deleting the Kustomization (MirrorPrune + prune) garbage-collects its inventory.
    await h.client.delete(
      { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' },
      { namespace: ns, name: 'app' },
    );
    await eventually('keep is deleted with its Kustomization', async () =>
      (await getObject(h, 'v1', 'ConfigMap', ns, 'keep')) === undefined ? true : undefined,
    );
    assert.ok(await getObject(h, 'v1', 'ConfigMap', ns, 'protected'));
  });

  test('a dependsOn chain applies in order and waits', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    const repo = h.git.createRepo(`${ns}-chain`);
    await repo.commit({
      files: {
        'a/deploy.yaml': deployment('a'),
        'b/cm.yaml': configMap('b', { x: '1' }),
        'c/cm.yaml': configMap('c', { x: '1' }),
      },
    });
    await gitRepository(h, ns, 'repo', `${ns}-chain`);
    await kustomization(h, ns, 'c', { path: './c', targetNamespace: ns, dependsOn: [{ name: 'b' }] });
    await kustomization(h, ns, 'b', { path: './b', targetNamespace: ns, dependsOn: [{ name: 'a' }] });
    const waiting = await waitReady(h, ns, 'b', 'False', 'DependencyNotReady');
    assert.match(condition(waiting, 'Ready')?.message ?? '', new RegExp(`dependency '${ns}/a'`));
    assert.equal(await getObject(h, 'v1', 'ConfigMap', ns, 'b'), undefined, 'b waits for a');
    await kustomization(h, ns, 'a', { path: './a', targetNamespace: ns, wait: true, timeout: '1m' });
    await waitReady(h, ns, 'c', 'True', 'ReconciliationSucceeded', { timeoutMs: 90_000 });
    const a = await getKs(h, ns, 'a');
    const b = await getKs(h, ns, 'b');
    const c = await getKs(h, ns, 'c');
    const readyAt = (k: typeof a): number => Date.parse(condition(k, 'Ready')?.lastTransitionTime ?? '');
    assert.ok(readyAt(a) <= readyAt(b) && readyAt(b) <= readyAt(c), 'a, then b, then c became Ready');
    const createdAt = async (kind: string, apiVersion: string, name: string): Promise<number> =>
      Date.parse((await getObject(h, apiVersion, kind, ns, name))?.metadata.creationTimestamp ?? '');
    const deployAvailable = await getObject(h, 'apps/v1', 'Deployment', ns, 'a');
    assert.ok(((deployAvailable?.['status'] as { availableReplicas?: number }).availableReplicas ?? 0) >= 1);
    assert.ok((await createdAt('Deployment', 'apps/v1', 'a')) <= (await createdAt('ConfigMap', 'v1', 'b')));
    assert.ok((await createdAt('ConfigMap', 'v1', 'b')) <= (await createdAt('ConfigMap', 'v1', 'c')));
  });

  test('postBuild substitutes from a ConfigMap and a Secret, strict by default, with the opt-out', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    const repo = h.git.createRepo(`${ns}-vars`);
    await repo.commit({
      files: {
        'app/cm.yaml': configMap('settings', { env: '${ENV}', region: '${REGION:=eu-west-1}', token: '${TOKEN}' }),
        'app/raw.yaml': configMap(
          'raw',
          { text: '${LITERAL}' },
          { 'kustomize.toolkit.fluxcd.io/substitute': 'disabled' },
        ),
        'app/deploy.yaml': deployment('web').replace('replicas: 1', 'replicas: ${REPLICAS}'),
      },
    });
    await h.client.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'vars', namespace: ns },
      data: { ENV: 'staging', REPLICAS: '2' },
    });
    await h.client.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'secret-vars', namespace: ns },
      data: { TOKEN: Buffer.from('s3cr3t-v4lue').toString('base64') },
    });
    await gitRepository(h, ns, 'repo', `${ns}-vars`);
    await kustomization(h, ns, 'app', {
      path: './app',
      targetNamespace: ns,
      postBuild: {
        substitute: { ENV: 'production' },
        substituteFrom: [
          { kind: 'ConfigMap', name: 'vars' },
          { kind: 'Secret', name: 'secret-vars' },
          { kind: 'ConfigMap', name: 'absent', optional: true },
        ],
      },
    });
    await waitReady(h, ns, 'app', 'True');
    const settings = (await getObject(h, 'v1', 'ConfigMap', ns, 'settings'))?.['data'];
    assert.deepEqual(settings, { env: 'production', region: 'eu-west-1', token: 's3cr3t-v4lue' });
    assert.deepEqual((await getObject(h, 'v1', 'ConfigMap', ns, 'raw'))?.['data'], { text: '${LITERAL}' });
    const web = await getObject(h, 'apps/v1', 'Deployment', ns, 'web');
    assert.equal((web?.['spec'] as { replicas?: unknown }).replicas, 2, 'a substituted number is a number');

    // Strict mode: an undefined variable fails the build, naming the variable and never a value.
    await repo.commit({ files: { 'app/more.yaml': configMap('more', { v: '${UNDEFINED_VAR}' }) } });
    const failed = await waitReady(h, ns, 'app', 'False', 'BuildFailed');
    const message = condition(failed, 'Ready')?.message ?? '';
    assert.match(message, /UNDEFINED_VAR/);
    assert.match(message, /ConfigMap/);
    const events = await eventMessages(h, ns, 'app');
    for (const text of [message, ...events]) assert.ok(!text.includes('s3cr3t-v4lue'), 'no secret value leaks');
    assert.equal(await getObject(h, 'v1', 'ConfigMap', ns, 'more'), undefined);
  });

  test('broken YAML and an invalid field fail with their reasons and leave the previous objects as they were', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    const repo = h.git.createRepo(`${ns}-broken`);
    const first = await repo.commit({
      files: { 'app/cm.yaml': configMap('cfg', { v: '1' }), 'app/other.yaml': configMap('other', { v: '1' }) },
    });
    await gitRepository(h, ns, 'repo', `${ns}-broken`);
    await kustomization(h, ns, 'app', { path: './app', targetNamespace: ns, interval: '1h' });
    await waitReady(h, ns, 'app', 'True');
    const firstRevision = `main@sha1:${first}`;

    const broken = await repo.commit({
      files: { 'app/cm.yaml': configMap('cfg', { v: '2' }), 'app/bad.yaml': 'apiVersion: v1\nkind: [unclosed\n' },
    });
    await requestReconcile(h, ns, 'app');
    let ks = await waitReady(h, ns, 'app', 'False', 'BuildFailed', { revision: `main@sha1:${broken}` });
    assert.match(condition(ks, 'Ready')?.message ?? '', /bad\.yaml/);
    assert.equal(ks.status?.lastAppliedRevision, firstRevision);
    assert.deepEqual((await getObject(h, 'v1', 'ConfigMap', ns, 'cfg'))?.['data'], { v: '1' });

    // An invalid field: the whole set is dry-run first, so the valid change to cfg is not applied either.
    const invalid = await repo.commit({
      files: {
        'app/bad.yaml': `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
    - port: 99999999
`,
      },
    });
    ks = await waitReady(h, ns, 'app', 'False', 'ReconciliationFailed', { revision: `main@sha1:${invalid}` });
    const message = condition(ks, 'Ready')?.message ?? '';
    assert.match(message, new RegExp(`Service/${ns}/web dry-run failed`));
    assert.match(message, /port/);
    assert.equal(ks.status?.lastAppliedRevision, firstRevision);
    assert.deepEqual((await getObject(h, 'v1', 'ConfigMap', ns, 'cfg'))?.['data'], { v: '1' });
    assert.equal(await getObject(h, 'v1', 'Service', ns, 'web'), undefined);
    assert.ok(await getObject(h, 'v1', 'ConfigMap', ns, 'other'));
    assert.deepEqual((ks.status?.inventory?.entries ?? []).map((e) => e.id).sort(), [
      `${ns}_cfg__ConfigMap`,
      `${ns}_other__ConfigMap`,
    ]);
    const events = await eventMessages(h, ns, 'app');
    assert.ok(
      events.some((m) => m.includes(`Service/${ns}/web dry-run failed`)),
      events.join(' | '),
    );
  });

  test('a missing source is ArtifactFailed and is picked up once it appears', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    await kustomization(h, ns, 'app', { path: './app', targetNamespace: ns, retryInterval: '2s' });
    const ks = await waitReady(h, ns, 'app', 'False', 'ArtifactFailed');
    assert.equal(condition(ks, 'Ready')?.message, `Source 'GitRepository/${ns}/repo' not found`);
    const repo = h.git.createRepo(`${ns}-late`);
    await repo.commit({ files: { 'app/cm.yaml': configMap('late', { v: '1' }) } });
    await gitRepository(h, ns, 'repo', `${ns}-late`);
    await waitReady(h, ns, 'app', 'True');
    assert.ok(await getObject(h, 'v1', 'ConfigMap', ns, 'late'));
  });

  test('a health-check timeout is HealthCheckFailed naming the object', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    const repo = h.git.createRepo(`${ns}-health`);
    await repo.commit({
      files: { 'app/deploy.yaml': deployment('crashy', { 'devcluster.fluxts.dev/simulate': 'crash' }) },
    });
    await gitRepository(h, ns, 'repo', `${ns}-health`);
    await kustomization(h, ns, 'app', {
      path: './app',
      targetNamespace: ns,
      healthChecks: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'crashy', namespace: ns }],
      timeout: '8s',
    });
    const ks = await waitReady(h, ns, 'app', 'False', 'HealthCheckFailed', { timeoutMs: 60_000 });
    const message = condition(ks, 'Ready')?.message ?? '';
    assert.match(message, new RegExp(`Deployment/${ns}/crashy`));
    assert.equal(condition(ks, 'Healthy')?.status, 'False');
    assert.equal(condition(ks, 'Healthy')?.reason, 'HealthCheckFailed');
    assert.equal(ks.status?.lastAppliedRevision, undefined);
    // The objects were applied (health is checked after the apply) and are tracked for garbage collection.
    assert.deepEqual(
      (ks.status?.inventory?.entries ?? []).map((e) => e.id),
      [`${ns}_crashy_apps_Deployment`],
    );
  });

  test('healthCheckExprs decide the health of their kind; an invalid expression stalls the Kustomization', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    const repo = h.git.createRepo(`${ns}-cel`);
    await repo.commit({ files: { 'app/cm.yaml': configMap('state', { phase: 'pending' }) } });
    await gitRepository(h, ns, 'repo', `${ns}-cel`);
    await kustomization(h, ns, 'app', {
      path: './app',
      targetNamespace: ns,
      wait: true,
      timeout: '4s',
      healthCheckExprs: [
        { apiVersion: 'v1', kind: 'ConfigMap', inProgress: "data.phase == 'pending'", current: "data.phase == 'ok'" },
      ],
    });
    let ks = await waitReady(h, ns, 'app', 'False', 'HealthCheckFailed');
    assert.match(condition(ks, 'Ready')?.message ?? '', new RegExp(`ConfigMap/${ns}/state`));
    const ok = await repo.commit({ files: { 'app/cm.yaml': configMap('state', { phase: 'ok' }) } });
    ks = await waitReady(h, ns, 'app', 'True', 'ReconciliationSucceeded', { revision: `main@sha1:${ok}` });
    assert.equal(condition(ks, 'Healthy')?.status, 'True');

    await kustomization(h, ns, 'broken', {
      path: './app',
      targetNamespace: ns,
      healthCheckExprs: [{ apiVersion: 'v1', kind: 'ConfigMap', current: 'data.(' }],
    });
    ks = await waitReady(h, ns, 'broken', 'False', 'InvalidCELExpression');
    assert.equal(condition(ks, 'Stalled')?.status, 'True');
    assert.match(condition(ks, 'Ready')?.message ?? '', /^Reconciliation failed terminally due to configuration error/);
  });

  test('spec.kubeConfig applies to the cluster of a kubeconfig Secret; a missing Secret is named', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    const repo = h.git.createRepo(`${ns}-remote`);
    await repo.commit({ files: { 'app/cm.yaml': configMap('remote', { v: '1' }) } });
    await gitRepository(h, ns, 'repo', `${ns}-remote`);
    await kustomization(h, ns, 'missing', {
      path: './app',
      targetNamespace: ns,
      kubeConfig: { secretRef: { name: 'absent' } },
    });
    let ks = await waitReady(h, ns, 'missing', 'False', 'ReconciliationFailed');
    assert.match(condition(ks, 'Ready')?.message ?? '', new RegExp(`secret '${ns}/absent' not found`));
    // The "remote" cluster is the test cluster itself, reached through the kubeconfig in the Secret.
    await h.client.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'remote-kubeconfig', namespace: ns },
      data: { 'value.yaml': readFileSync(h.cluster.kubeconfigPath).toString('base64') },
    });
    await kustomization(h, ns, 'app', {
      path: './app',
      targetNamespace: ns,
      kubeConfig: { secretRef: { name: 'remote-kubeconfig' } },
    });
    ks = await waitReady(h, ns, 'app', 'True');
    assert.deepEqual(
      (ks.status?.inventory?.entries ?? []).map((e) => e.id),
      [`${ns}_remote__ConfigMap`],
    );
    assert.ok(await getObject(h, 'v1', 'ConfigMap', ns, 'remote'));
  });

  test('a forbidden action under impersonation is ReconciliationFailed and changes nothing', async (t) => {
    const ns = await useNamespace(t, h.cluster);
    const repo = h.git.createRepo(`${ns}-sa`);
    await repo.commit({ files: { 'app/cm.yaml': configMap('cfg', { v: '1' }) } });
    await h.client.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'limited', namespace: ns } });
    // The ServiceAccount may read ConfigMaps, not write them.
    await h.client.create({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'read', namespace: ns },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] }],
    });
    await h.client.create({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'read', namespace: ns },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read' },
      subjects: [{ kind: 'ServiceAccount', name: 'limited', namespace: ns }],
    });
    await gitRepository(h, ns, 'repo', `${ns}-sa`);
    await kustomization(h, ns, 'app', { path: './app', targetNamespace: ns, serviceAccountName: 'limited' });
    const ks = await waitReady(h, ns, 'app', 'False', 'ReconciliationFailed');
    const message = condition(ks, 'Ready')?.message ?? '';
    assert.match(message, new RegExp(`ConfigMap/${ns}/cfg`));
    assert.match(message, /forbidden/i);
    assert.match(message, new RegExp(`system:serviceaccount:${ns}:limited`));
    assert.equal(await getObject(h, 'v1', 'ConfigMap', ns, 'cfg'), undefined);
  });
});
