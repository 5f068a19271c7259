// What the chaos tests share: a repository of N apps (two ConfigMaps each), their Kustomizations, and the checks
// made after every fault: each object at its intended state, each inventory exactly what was applied, nothing
// else pruned.
import assert from 'node:assert/strict';

import type { GitRepository, Kustomization } from '../../src/api/index.ts';
import { kustomizationType } from '../../src/controllers/kustomize/index.ts';
import { gitRepositoryType } from '../../src/controllers/source/setup.ts';
import type { KubeClient, KubeObject } from '../../src/kube/index.ts';
import { eventually } from '../support/eventually.ts';
import type { FileChange } from '../support/git-repo.ts';

const configMapType = { apiVersion: 'v1', kind: 'ConfigMap' };

/** appName is the directory and Kustomization name of app i. */
export const appName = (i: number): string => `app-${String(i).padStart(2, '0')}`;

/**
 * appFiles writes N apps at a version: `app-NN/a.yaml` always, `app-NN/b.yaml` only while `withB` (so a later
 * commit without it makes the controller prune b).
 */
export function appFiles(count: number, version: string, withB: boolean): Record<string, FileChange> {
  const files: Record<string, FileChange> = {};
  for (let i = 0; i < count; i++) {
    const app = appName(i);
    files[`${app}/a.yaml`] = configMap(`${app}-a`, version);
    files[`${app}/b.yaml`] = withB ? configMap(`${app}-b`, version) : null;
  }
  return files;
}

function configMap(name: string, version: string): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  version: "${version}"\n`;
}

/** createSources creates the GitRepository `repo` and one Kustomization per app (prune on, into `ns`). */
export async function createSources(
  client: KubeClient,
  ns: string,
  url: string,
  count: number,
  gitInterval = '2s',
  gitTimeout = '20s',
): Promise<void> {
  await client.create<GitRepository>({
    apiVersion: gitRepositoryType.apiVersion,
    kind: 'GitRepository',
    metadata: { name: 'repo', namespace: ns },
    spec: { url, interval: gitInterval, timeout: gitTimeout, ref: { branch: 'main' } },
  } as GitRepository);
  for (let i = 0; i < count; i++) await createKustomization(client, ns, appName(i));
}

/** createKustomization creates the Kustomization of one app. */
export async function createKustomization(client: KubeClient, ns: string, app: string): Promise<void> {
  await client.create<Kustomization>({
    apiVersion: kustomizationType.apiVersion,
    kind: 'Kustomization',
    metadata: { name: app, namespace: ns },
    spec: {
      interval: '10m',
      retryInterval: '2s',
      prune: true,
      path: `./${app}`,
      targetNamespace: ns,
      sourceRef: { kind: 'GitRepository', name: 'repo' },
    },
  } as Kustomization);
}

/** readyAt counts the Kustomizations Ready at a revision (or at any, without one). */
export async function readyAt(client: KubeClient, ns: string, revision?: string): Promise<number> {
  const list = await client.list<Kustomization>(kustomizationType, { namespace: ns });
  return list.items.filter((ks) => {
    const ready = ks.status?.conditions?.find((c) => c.type === 'Ready');
    return (
      ready?.status === 'True' &&
      ks.status?.observedGeneration === ks.metadata.generation &&
      (!revision || ks.status?.lastAppliedRevision === revision)
    );
  }).length;
}

/** waitAllReady waits until all `count` Kustomizations are Ready at the revision. */
export async function waitAllReady(
  client: KubeClient,
  ns: string,
  count: number,
  revision: string,
  timeoutMs = 240_000,
): Promise<void> {
  await eventually(
    `${count} Kustomizations Ready at ${revision}`,
    async () => ((await readyAt(client, ns, revision)) >= count ? true : undefined),
    { timeoutMs, intervalMs: 500 },
  );
}

/**
 * assertIntended checks the cluster against the apps at a version: each `a` ConfigMap at the version, each `b`
 * present exactly while `withB`, each inventory exactly the app's objects, one field manager per object (nothing
 * applied by two owners), and the bystander (an object no Kustomization owns) untouched.
 */
export async function assertIntended(
  client: KubeClient,
  ns: string,
  apps: readonly number[],
  version: string,
  withB: boolean,
): Promise<void> {
  const cms = await client.list<KubeObject & { data?: Record<string, string> }>(configMapType, { namespace: ns });
  const byName = new Map(cms.items.map((cm) => [cm.metadata.name, cm]));
  for (const i of apps) {
    const app = appName(i);
    const a = byName.get(`${app}-a`);
    assert.equal(a?.data?.['version'], version, `${app}-a at ${version}`);
    const managers = (a?.metadata['managedFields'] as { manager?: string }[] | undefined)?.map((m) => m.manager);
    assert.deepEqual(managers, ['kustomize-controller'], `${app}-a has one field manager`);
    assert.equal(byName.has(`${app}-b`), withB, `${app}-b ${withB ? 'present' : 'pruned'}`);
    const ks = await client.get<Kustomization>(kustomizationType, { namespace: ns, name: app });
    const ids = (ks.status?.inventory?.entries ?? []).map((e) => e.id).sort();
    const expected = [`${ns}_${app}-a__ConfigMap`, ...(withB ? [`${ns}_${app}-b__ConfigMap`] : [])];
    assert.deepEqual(ids, expected, `${app} inventory`);
  }
  assert.equal(byName.get('bystander')?.data?.['owner'], 'nobody', 'an object no Kustomization owns is never pruned');
}

/** createBystander creates a ConfigMap no Kustomization owns, which no prune may ever delete. */
export async function createBystander(client: KubeClient, ns: string): Promise<void> {
  await client.create({ ...configMapType, metadata: { name: 'bystander', namespace: ns }, data: { owner: 'nobody' } });
}

/** range is [0, 1, …, n-1]. */
export const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i);

/** revisionOf is the GitRepository revision of a commit on main. */
export const revisionOf = (sha: string): string => `main@sha1:${sha}`;
