import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';

import { applyAllStaged, changeSetMap, diffAll, DryRunFailedError, waitForSet } from '../../src/kube/ssa/index.ts';
import { isNotFound, KubeClient, type KubeObject } from '../../src/kube/client/index.ts';
import { kubectl } from '../api/support.ts';
import { useCluster, useNamespace } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';
import { configMap, deployment, job, secret, service, widgetCrd } from './objects.ts';

const cmType = { apiVersion: 'v1', kind: 'ConfigMap' };

void test('a set with one invalid object applies nothing and names every rejected object and field', async (t) => {
  const cluster = await useCluster();
  const client = new KubeClient(cluster.kubeConfig);
  const ns = await useNamespace(t, cluster);
  const badDeploy = deployment(ns, 'bad', { replicas: -1 });
  const badSvc = service(ns, 'bad-svc');
  (badSvc.spec as { ports: { port: number }[] }).ports[0]!.port = 70000;
  const objects = [configMap(ns, 'fine'), badDeploy, badSvc, deployment(ns, 'good')];

  await assert.rejects(applyAllStaged(client, objects), (err: unknown) => {
    assert.ok(err instanceof DryRunFailedError, String(err));
    assert.equal(err.errors.length, 2);
    assert.match(err.message, new RegExp(`^Deployment/${ns}/bad dry-run failed \\(Invalid\\): .*spec\\.replicas`, 'm'));
    assert.match(
      err.message,
      new RegExp(`^Service/${ns}/bad-svc dry-run failed \\(Invalid\\): .*spec\\.ports\\[0\\]\\.port`, 'm'),
    );
    assert.deepEqual(
      err.errors.map((e) => e.subject),
      [`Service/${ns}/bad-svc`, `Deployment/${ns}/bad`],
      'in apply order, each error carries its object',
    );
    return true;
  });
  await assert.rejects(client.get(cmType, { namespace: ns, name: 'fine' }), isNotFound, 'nothing was applied');
  await assert.rejects(
    client.get({ apiVersion: 'apps/v1', kind: 'Deployment' }, { namespace: ns, name: 'good' }),
    isNotFound,
  );
});

void test('a CRD, a Namespace and objects of both apply in stages in one set', async (t) => {
  const cluster = await useCluster();
  const client = new KubeClient(cluster.kubeConfig);
  const suffix = randomBytes(3).toString('hex');
  const group = `k${suffix}.apply.fluxts.dev`;
  const ns = `staged-${suffix}`;
  t.after(async () => {
    await client
      .delete({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' }, { name: `widgets.${group}` })
      .catch(() => undefined);
    await client.delete({ apiVersion: 'v1', kind: 'Namespace' }, { name: ns }).catch(() => undefined);
  });
  const widget: KubeObject = {
    apiVersion: `${group}/v1`,
    kind: 'Widget',
    metadata: { name: 'w', namespace: ns },
    spec: { size: 2 },
  };
  const objects = [
    widget,
    configMap(ns, 'cm'),
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
    widgetCrd(group),
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: `widgets-${suffix}` },
      rules: [],
    },
  ];
  t.after(async () => {
    await client
      .delete({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole' }, { name: `widgets-${suffix}` })
      .catch(() => undefined);
  });

  const changeSet = await applyAllStaged(client, objects);
  assert.deepEqual(
    changeSet.map((e) => `${e.subject} ${e.action}`),
    [
      `CustomResourceDefinition/widgets.${group} created`,
      `Namespace/${ns} created`,
      `ClusterRole/widgets-${suffix} created`,
      `ConfigMap/${ns}/cm created`,
      `Widget/${ns}/w created`,
    ],
  );
  const live = await client.get<KubeObject<{ size: number }>>(
    { apiVersion: `${group}/v1`, kind: 'Widget' },
    { namespace: ns, name: 'w' },
  );
  assert.equal(live.spec?.size, 2);

  // A CR that fails its schema in the next revision is reported before anything changes.
  const bad = { ...widget, spec: { size: 0 } };
  await assert.rejects(
    applyAllStaged(client, [...objects.filter((o) => o !== widget), bad, configMap(ns, 'cm', { a: '2' })]),
    (err: unknown) => {
      assert.ok(err instanceof DryRunFailedError);
      assert.match(err.message, new RegExp(`^Widget/${ns}/w dry-run failed \\(Invalid\\): .*spec\\.size`));
      return true;
    },
  );
  const cm = await client.get<KubeObject>(cmType, { namespace: ns, name: 'cm' });
  assert.deepEqual(cm['data'], { a: '1' }, 'the valid change of the same set was not applied');
});

void test('a second apply of the same set reports every object unchanged and writes nothing', async (t) => {
  const cluster = await useCluster();
  const client = new KubeClient(cluster.kubeConfig);
  const ns = await useNamespace(t, cluster);
  const objects = [
    configMap(ns, 'cm'),
    secret(ns, 'creds', { password: 'hunter2' }),
    service(ns, 'web'),
    deployment(ns, 'web'),
  ];
  const first = await applyAllStaged(client, objects);
  assert.deepEqual([...changeSetMap(first).values()], ['created', 'created', 'created', 'created']);
  assert.deepEqual(
    first.map((e) => e.subject),
    [`ConfigMap/${ns}/cm`, `Secret/${ns}/creds`, `Service/${ns}/web`, `Deployment/${ns}/web`],
    "Flux's kind order",
  );
  const before = await client.get(cmType, { namespace: ns, name: 'cm' });
  // The deployment controller annotates a new Deployment (deployment.kubernetes.io/revision) moments after it is
  // created; an apply that reads the object just before that write and dry-runs just after sees a difference.
  // Wait until it has, so the second apply compares a settled object.
  await eventually('the deployment controller to annotate the Deployment', async () => {
    const d = await client.get({ apiVersion: 'apps/v1', kind: 'Deployment' }, { namespace: ns, name: 'web' });
    return d.metadata.annotations?.['deployment.kubernetes.io/revision'] ? true : undefined;
  });
  const second = await applyAllStaged(client, objects);
  assert.deepEqual(
    second.map((e) => `${e.subject} ${e.action}`),
    first.map((e) => `${e.subject} unchanged`),
  );
  const after = await client.get(cmType, { namespace: ns, name: 'cm' });
  assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion);

  const third = await applyAllStaged(client, [configMap(ns, 'cm', { a: '2' }), ...objects.slice(1)]);
  assert.equal(changeSetMap(third).get(`ConfigMap/${ns}/cm`), 'configured');
  assert.equal(changeSetMap(third).get(`Deployment/${ns}/web`), 'unchanged');
});

void test('edits by kubectl are reverted on the next apply; flux-client-side-apply edits are kept', async (t) => {
  const cluster = await useCluster();
  const client = new KubeClient(cluster.kubeConfig);
  const ns = await useNamespace(t, cluster);
  const objects = [configMap(ns, 'cm', { a: '1' }), deployment(ns, 'web', { replicas: 1 })];
  await applyAllStaged(client, objects);

  // What `kubectl edit` sends: an update under manager kubectl-edit.
  await client.patch(
    cmType,
    { namespace: ns, name: 'cm' },
    'merge',
    { metadata: { labels: { manual: 'yes' } }, data: { a: 'edited', extra: 'x' } },
    { fieldManager: 'kubectl-edit' },
  );
  await client.patch(
    { apiVersion: 'apps/v1', kind: 'Deployment' },
    { namespace: ns, name: 'web' },
    'merge',
    { spec: { replicas: 3 } },
    { fieldManager: 'kubectl' },
  );

  const changeSet = await applyAllStaged(client, objects);
  assert.equal(changeSetMap(changeSet).get(`ConfigMap/${ns}/cm`), 'configured');
  assert.equal(changeSetMap(changeSet).get(`Deployment/${ns}/web`), 'configured');
  const cm = await client.get(cmType, { namespace: ns, name: 'cm' });
  assert.deepEqual(cm['data'], { a: '1' }, 'changed value reverted and added key removed');
  assert.equal(cm.metadata.labels?.['manual'], undefined, 'label added by hand removed');
  const managers = (cm.metadata['managedFields'] as { manager: string }[]).map((m) => m.manager);
  assert.deepEqual(managers, ['kustomize-controller']);
  const web = await client.get<KubeObject<{ replicas: number }>>(
    { apiVersion: 'apps/v1', kind: 'Deployment' },
    { namespace: ns, name: 'web' },
  );
  assert.equal(web.spec?.replicas, 1);

  await client.patch(
    cmType,
    { namespace: ns, name: 'cm' },
    'merge',
    { metadata: { labels: { team: 'kept' } } },
    { fieldManager: 'flux-client-side-apply' },
  );
  const again = await applyAllStaged(client, objects);
  assert.equal(changeSetMap(again).get(`ConfigMap/${ns}/cm`), 'unchanged');
  const kept = await client.get(cmType, { namespace: ns, name: 'cm' });
  assert.equal(kept.metadata.labels?.['team'], 'kept');
});

void test('ssa annotations: Ignore, IfNotPresent, Merge, and reconcile disabled on the live object', async (t) => {
  const cluster = await useCluster();
  const client = new KubeClient(cluster.kubeConfig);
  const ns = await useNamespace(t, cluster);
  const ssa = 'kustomize.toolkit.fluxcd.io/ssa';
  await client.create(configMap(ns, 'ignored', { a: 'manual' }));
  await client.create(
    configMap(ns, 'off', { a: 'manual' }, { labels: { 'kustomize.toolkit.fluxcd.io/reconcile': 'disabled' } }),
  );
  const objects = () => [
    configMap(ns, 'ignored', { a: 'git' }, { annotations: { [ssa]: 'Ignore' } }),
    configMap(ns, 'never-created', { a: 'git' }, { annotations: { [ssa]: 'ignore' } }),
    configMap(ns, 'once', { a: 'git' }, { annotations: { [ssa]: 'IfNotPresent' } }),
    configMap(ns, 'merged', { a: 'git' }, { annotations: { [ssa]: 'Merge' } }),
    configMap(ns, 'overridden', { a: 'git' }),
    configMap(ns, 'off', { a: 'git' }),
  ];
  const first = changeSetMap(await applyAllStaged(client, objects()));
  assert.equal(first.get(`ConfigMap/${ns}/ignored`), 'skipped');
  assert.equal(first.get(`ConfigMap/${ns}/never-created`), 'skipped');
  assert.equal(first.get(`ConfigMap/${ns}/once`), 'created');
  assert.equal(first.get(`ConfigMap/${ns}/off`), 'skipped');
  assert.deepEqual((await client.get(cmType, { namespace: ns, name: 'ignored' }))['data'], { a: 'manual' });
  assert.deepEqual((await client.get(cmType, { namespace: ns, name: 'off' }))['data'], { a: 'manual' });
  await assert.rejects(client.get(cmType, { namespace: ns, name: 'never-created' }), isNotFound);

  for (const name of ['once', 'merged', 'overridden']) {
    await client.patch(
      cmType,
      { namespace: ns, name },
      'merge',
      { metadata: { labels: { manual: 'yes' } }, data: { b: 'manual' } },
      { fieldManager: 'kubectl-edit' },
    );
  }
  const second = changeSetMap(await applyAllStaged(client, objects()));
  assert.equal(second.get(`ConfigMap/${ns}/once`), 'skipped');
  assert.equal(second.get(`ConfigMap/${ns}/merged`), 'unchanged');
  assert.equal(second.get(`ConfigMap/${ns}/overridden`), 'configured');
  assert.deepEqual((await client.get(cmType, { namespace: ns, name: 'once' }))['data'], { a: 'git', b: 'manual' });
  const merged = await client.get(cmType, { namespace: ns, name: 'merged' });
  assert.deepEqual(merged['data'], { a: 'git', b: 'manual' }, 'Merge keeps fields of other managers');
  assert.equal(merged.metadata.labels?.['manual'], 'yes');
  const overridden = await client.get(cmType, { namespace: ns, name: 'overridden' });
  assert.deepEqual(overridden['data'], { a: 'git' });
});

void test('immutable changes fail the dry-run unless forced, then the object is re-created', async (t) => {
  const cluster = await useCluster();
  const client = new KubeClient(cluster.kubeConfig);
  const ns = await useNamespace(t, cluster);
  const frozen = (value: string, annotations?: Record<string, string>): KubeObject => ({
    ...configMap(ns, 'frozen', { a: value }, annotations ? { annotations } : {}),
    immutable: true,
  });
  const jobType = { apiVersion: 'batch/v1', kind: 'Job' };
  await applyAllStaged(client, [frozen('1'), job(ns, 'migrate', 'busybox:1.36')]);
  const oldCm = await client.get(cmType, { namespace: ns, name: 'frozen' });
  const oldJob = await client.get(jobType, { namespace: ns, name: 'migrate' });

  await assert.rejects(applyAllStaged(client, [frozen('2')]), (err: unknown) => {
    assert.ok(err instanceof DryRunFailedError);
    assert.match(err.message, new RegExp(`^ConfigMap/${ns}/frozen dry-run failed \\(Invalid\\): .*immutable`));
    return true;
  });

  const annotated = await applyAllStaged(client, [frozen('2', { 'kustomize.toolkit.fluxcd.io/force': 'Enabled' })]);
  assert.equal(changeSetMap(annotated).get(`ConfigMap/${ns}/frozen`), 'created');
  const newCm = await client.get(cmType, { namespace: ns, name: 'frozen' });
  assert.notEqual(newCm.metadata.uid, oldCm.metadata.uid);
  assert.deepEqual(newCm['data'], { a: '2' });

  // Under force an invalid object is still only reported: the live one is not deleted for nothing.
  const invalidJob = job(ns, 'migrate', 'busybox:1.37');
  (invalidJob.spec as { backoffLimit: number }).backoffLimit = -1;
  await assert.rejects(applyAllStaged(client, [invalidJob], { force: true }), (err: unknown) => {
    assert.ok(err instanceof DryRunFailedError);
    assert.match(err.message, new RegExp(`^Job/${ns}/migrate dry-run failed \\(Invalid\\): .*spec\\.backoffLimit`));
    return true;
  });
  assert.equal((await client.get(jobType, { namespace: ns, name: 'migrate' })).metadata.uid, oldJob.metadata.uid);

  const forced = await applyAllStaged(client, [job(ns, 'migrate', 'busybox:1.37')], { force: true });
  assert.equal(changeSetMap(forced).get(`Job/${ns}/migrate`), 'created');
  const newJob = await client.get<KubeObject<{ template: { spec: { containers: { image: string }[] } } }>>(jobType, {
    namespace: ns,
    name: 'migrate',
  });
  assert.notEqual(newJob.metadata.uid, oldJob.metadata.uid);
  assert.equal(newJob.spec?.template.spec.containers[0]?.image, 'busybox:1.37');
});

void test('diff reports what an apply would change and masks Secret values', async (t) => {
  const cluster = await useCluster();
  const client = new KubeClient(cluster.kubeConfig);
  const ns = await useNamespace(t, cluster);
  await applyAllStaged(client, [configMap(ns, 'cm'), secret(ns, 'creds', { password: 'hunter2' })]);
  const next = [
    configMap(ns, 'cm'),
    secret(ns, 'creds', { password: 'correct-horse' }),
    configMap(ns, 'new'),
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `${ns}-next` } },
    configMap(`${ns}-next`, 'inside'),
  ];
  const entries = await diffAll(client, next);
  assert.deepEqual(
    entries.map((e) => `${e.subject} ${e.action}`),
    [
      `Namespace/${ns}-next created`,
      `ConfigMap/${ns}/cm unchanged`,
      `ConfigMap/${ns}/new created`,
      `ConfigMap/${ns}-next/inside created`,
      `Secret/${ns}/creds configured`,
    ],
  );
  const creds = entries.find((e) => e.kind === 'Secret');
  assert.deepEqual(creds?.live?.['data'], { password: '*** (before)' });
  assert.deepEqual(creds?.merged?.['data'], { password: '*** (after)' });
  const text = JSON.stringify(entries);
  for (const plain of ['hunter2', 'correct-horse']) {
    assert.ok(!text.includes(plain) && !text.includes(Buffer.from(plain).toString('base64')));
  }
  await assert.rejects(client.get(cmType, { namespace: ns, name: 'new' }), isNotFound, 'diff changes nothing');
});

void test('changes made with the real kubectl (apply, label, scale, server-side apply) are reverted', async (t) => {
  const cluster = await useCluster();
  const client = new KubeClient(cluster.kubeConfig);
  const ns = await useNamespace(t, cluster);
  const objects = [configMap(ns, 'cm', { a: '1' }), deployment(ns, 'web', { replicas: 1 })];
  await applyAllStaged(client, objects);
  const run = async (args: string[], input?: string) => {
    const r = await kubectl(cluster.kubeconfigPath, ['-n', ns, ...args], input);
    assert.equal(r.code, 0, r.stderr);
  };
  const edited = JSON.stringify(configMap(ns, 'cm', { a: 'by-kubectl', b: 'added' }));
  await run(['apply', '-f', '-'], edited);
  await run(['label', 'configmap', 'cm', 'hand=made']);
  await run(['scale', 'deployment', 'web', '--replicas=2']);
  await run(
    ['apply', '--server-side', '--force-conflicts', '-f', '-'],
    JSON.stringify(configMap(ns, 'cm', { c: 'ssa' })),
  );

  const changeSet = changeSetMap(await applyAllStaged(client, objects));
  assert.equal(changeSet.get(`ConfigMap/${ns}/cm`), 'configured');
  assert.equal(changeSet.get(`Deployment/${ns}/web`), 'configured');
  const cm = await client.get(cmType, { namespace: ns, name: 'cm' });
  assert.deepEqual(cm['data'], { a: '1' });
  assert.equal(cm.metadata.labels?.['hand'], undefined);
  assert.equal(cm.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'], undefined);
  const web = await client.get<KubeObject<{ replicas: number }>>(
    { apiVersion: 'apps/v1', kind: 'Deployment' },
    { namespace: ns, name: 'web' },
  );
  assert.equal(web.spec?.replicas, 1);
  const again = await applyAllStaged(client, objects);
  assert.deepEqual(
    again.map((e) => e.action),
    ['unchanged', 'unchanged'],
  );
});

void test('objects of a Namespace the set creates are not read before they exist; health starts from the apply', async (t) => {
  const cluster = await useCluster();
  const client = new KubeClient(cluster.kubeConfig);
  const ns = `fresh-${randomBytes(3).toString('hex')}`;
  t.after(() => client.delete({ apiVersion: 'v1', kind: 'Namespace' }, { name: ns }).catch(() => undefined));
  const sent: string[] = [];
  const request = client.transport.request.bind(client.transport);
  client.transport.request = (opts) => {
    sent.push(`${opts.method} ${opts.path}${opts.query?.['dryRun'] ? ' dry-run' : ''}`);
    return request(opts);
  };
  const objects: KubeObject[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
    configMap(ns, 'settings'),
    service(ns, 'web'),
  ];
  const observed = new Map<string, KubeObject>();
  const changeSet = await applyAllStaged(client, objects, { observed });
  assert.deepEqual([...changeSetMap(changeSet).values()], ['created', 'created', 'created']);
  const inNamespace = sent.filter((s) => s.includes(`/namespaces/${ns}/`));
  assert.deepEqual(
    inNamespace.map((s) => s.replace(/ \/api\/v1\/namespaces\/[^/]+\//, ' ')),
    [
      'PATCH configmaps/settings dry-run',
      'PATCH services/web dry-run',
      'PATCH configmaps/settings',
      'PATCH services/web',
    ],
    'one dry-run and one apply each, no read and no dry-run bound to fail',
  );
  assert.deepEqual(
    [...observed.keys()].sort(),
    [`_${ns}__Namespace`, `${ns}_settings__ConfigMap`, `${ns}_web__Service`].sort(),
  );

  sent.length = 0;
  const refs = changeSet.filter((e) => e.kind !== 'Namespace');
  await waitForSet(client, refs, { initial: observed, interval: 100, timeout: 10_000 });
  assert.deepEqual(sent, [], 'a ConfigMap and a ClusterIP Service are Current as applied: nothing is read again');
});
