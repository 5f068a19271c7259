// Benchmark: the image controllers as their own processes on a local control plane, with a local registry (CNCF
// distribution) and the smart-HTTP git server.
// 1. N ImageRepositories (default 100) with T tags each (default 1,000; ten registry repositories, each scanned by
//    N/10 ImageRepositories) and P ImagePolicies over them (default 300: semver, numerical with filterTags and
//    extract, alphabetical): wall time from creating the objects to all policies Ready, and the
//    image-reflector-controller's peak RSS.
// 2. One ImageUpdateAutomation over a repository of F YAML files (default 2,000), each with a marker: the first
//    run (clone, Setters over every file, commit, push) and a run with nothing new (the remote revision and the
//    policies unchanged: no clone), and the image-automation-controller's peak RSS.
// 3. The Setters pass alone over the same F files: fluxts (engines/setters, in process) against the kyaml pieces
//    image-automation-controller uses (test/setters/kyamlref, built from Go modules), with the ratio. Flux's own
//    controllers are not built: their modules are not served by the Go module proxy (engines/setters/README.md).
// Run alone with `node bench/imagepolicies.ts [N] [T] [P] [F]`; bench/run.ts calls runImagePolicyBench().
import { MediaType, RegistryClient } from '../src/fetchers/oci/index.ts';
import { updateWithSetters } from '../src/engines/setters/index.ts';
import type { KubeObject } from '../src/kube/index.ts';
import { KyamlRef } from '../test/setters/kyamlref.ts';
import { startRegistry } from '../test/support/oci-registry.ts';
import { openBenchEnvironment, peakRssMiB, waitAllReady } from './environment.ts';

const IMAGE = 'image.toolkit.fluxcd.io/v1';
const policyType = { apiVersion: IMAGE, kind: 'ImagePolicy' };
const automationType = { apiVersion: IMAGE, kind: 'ImageUpdateAutomation' };
const NS = 'bench-image';
const IMAGES = 10;

export interface ImagePolicyBenchResult {
  repositories: number;
  tags: number;
  policies: number;
  policiesReadyMs: number;
  reflectorRssMiB: number;
  files: number;
  firstRunMs: number;
  idleRunMs: number;
  automationRssMiB: number;
  setters: { fluxtsMs: number; kyamlMs: number };
}

/** tagsFor is T semver tags `1.<minor>.<patch>` (100 patches per minor). */
const tagsFor = (t: number): string[] => Array.from({ length: t }, (_, j) => `1.${Math.floor(j / 100)}.${j % 100}`);

async function pushImages(host: string, tags: string[]): Promise<void> {
  const client = new RegistryClient({ registry: host });
  try {
    for (let i = 0; i < IMAGES; i++) {
      const repo = `bench/img-${i}`;
      const config = await client.pushBlob(
        repo,
        { bytes: Buffer.from('{}') },
        'application/vnd.oci.image.config.v1+json',
      );
      const layer = await client.pushBlob(
        repo,
        { bytes: Buffer.from(`img ${i}`) },
        'application/vnd.oci.image.layer.v1.tar',
      );
      const manifest = Buffer.from(
        JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OCIManifest, config, layers: [layer] }),
      );
      // The same manifest under every tag: one PUT per tag, sixteen at a time.
      for (let k = 0; k < tags.length; k += 16) {
        await Promise.all(
          tags.slice(k, k + 16).map((tag) => client.putManifest(repo, tag, manifest, MediaType.OCIManifest)),
        );
      }
    }
  } finally {
    client.close();
  }
}

function policySpec(i: number, repositories: number): Record<string, unknown> {
  const ref = { imageRepositoryRef: { name: `repo-${i % repositories}` } };
  switch (i % 3) {
    case 0:
      return { ...ref, policy: { semver: { range: '>=1.0.0 <1.5.0' } } };
    case 1:
      return {
        ...ref,
        filterTags: { pattern: '^1\\.0\\.(?P<patch>\\d+)$', extract: '$patch' },
        policy: { numerical: { order: 'asc' } },
      };
    default:
      return { ...ref, policy: { alphabetical: { order: 'desc' } } };
  }
}

const deployment = (i: number, image: string): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${i} # one of many
spec:
  template:
    spec:
      containers:
        - name: app
          image: ${image}:1.0.0 # {"$imagepolicy": "${NS}:policy-0"}
`;

async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 600_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** runImagePolicyBench runs the three parts and prints their figures. */
export async function runImagePolicyBench(
  repositories = 100,
  tagCount = 1000,
  policies = 300,
  files = 2000,
): Promise<ImagePolicyBenchResult> {
  const [env, reg] = await Promise.all([openBenchEnvironment(), startRegistry()]);
  try {
    const tags = tagsFor(tagCount);
    await pushImages(reg.host, tags);
    await env.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });

    // 1. Scans and policies.
    const reflector = env.startControllers(['image-reflector-controller']);
    const started = Date.now();
    const create = (o: KubeObject) => env.client.create({ ...o, metadata: { ...o.metadata, namespace: NS } });
    await Promise.all([
      ...Array.from({ length: repositories }, (_, i) =>
        create({
          apiVersion: IMAGE,
          kind: 'ImageRepository',
          metadata: { name: `repo-${i}` },
          spec: { image: `${reg.host}/bench/img-${i % IMAGES}`, interval: '1h' },
        }),
      ),
      ...Array.from({ length: policies }, (_, i) =>
        create({
          apiVersion: IMAGE,
          kind: 'ImagePolicy',
          metadata: { name: `policy-${i}` },
          spec: policySpec(i, repositories),
        }),
      ),
    ]);
    const policiesReadyMs = await waitAllReady(env.client, policyType, NS, policies, started);
    const reflectorRssMiB = peakRssMiB(reflector.pid);
    const s = (ms: number): string => `${(ms / 1000).toFixed(2)}s`;
    console.log(
      `ImagePolicies: ${policies} over ${repositories} ImageRepositories × ${tagCount} tags Ready in ${s(policiesReadyMs)}; image-reflector-controller peak RSS ${reflectorRssMiB} MiB`,
    );

    // 2. One automation over F files.
    const repo = env.git.createRepo('bench-apps');
    const image = `${reg.host}/bench/img-0`;
    const tree: Record<string, string> = {};
    for (let i = 0; i < files; i++) tree[`apps/app-${i}.yaml`] = deployment(i, image);
    await repo.commit({ files: tree });
    // Building that commit takes minutes on a busy machine; the apiserver closes the client's idle keep-alive
    // connection meanwhile and the first request on it fails with EPIPE. A throwaway request opens a fresh one.
    await env.client.list({ apiVersion: 'v1', kind: 'Namespace' }).catch(() => undefined);
    const automation = env.startControllers(['image-automation-controller']);
    await create({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: 'apps' },
      spec: { url: env.git.repoUrl('bench-apps'), interval: '1h', ref: { branch: 'main' } },
    });
    const autoStarted = Date.now();
    await create({
      apiVersion: IMAGE,
      kind: 'ImageUpdateAutomation',
      metadata: { name: 'apps' },
      spec: {
        sourceRef: { kind: 'GitRepository', name: 'apps' },
        interval: '1h',
        git: { commit: { author: { name: 'Flux', email: 'flux@example.com' } } },
        update: { path: './apps' },
      },
    });
    type Auto = KubeObject<unknown, { lastPushCommit?: string; lastHandledReconcileAt?: string }>;
    const getAuto = () => env.client.get<Auto>(automationType, { namespace: NS, name: 'apps' });
    await waitFor('the first push', async () => ((await getAuto()).status?.lastPushCommit ? true : undefined));
    const firstRunMs = Date.now() - autoStarted;
    const idleStarted = Date.now();
    await env.client.patch(automationType, { namespace: NS, name: 'apps' }, 'merge', {
      metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': 'bench-1' } },
    });
    await waitFor('the idle run', async () =>
      (await getAuto()).status?.lastHandledReconcileAt === 'bench-1' ? true : undefined,
    );
    const idleRunMs = Date.now() - idleStarted;
    const automationRssMiB = peakRssMiB(automation.pid);

    // 3. The Setters pass alone, fluxts against kyaml.
    const policyRefs = [{ namespace: NS, name: 'policy-0', latestRef: { name: image, tag: '1.4.99' } }];
    const sources = Object.entries(tree).map(([path, text]) => ({ path, text }));
    updateWithSetters(sources.slice(0, 50), policyRefs); // warm-up
    let t = performance.now();
    const ours = updateWithSetters(sources, policyRefs);
    const fluxtsMs = performance.now() - t;
    const kyaml = await KyamlRef.start();
    let kyamlMs: number;
    try {
      await kyaml.ask({ files: Object.fromEntries(Object.entries(tree).slice(0, 50)), policies: policyRefs });
      t = performance.now();
      const theirs = await kyaml.ask({ files: tree, policies: policyRefs });
      kyamlMs = performance.now() - t;
      if (Object.keys(theirs.files).length !== ours.files.length) {
        throw new Error(`kyaml changed ${Object.keys(theirs.files).length} files, fluxts ${ours.files.length}`);
      }
    } finally {
      kyaml.close();
    }

    console.log(
      `ImageUpdateAutomation over ${files} YAML files: first run (clone, ${ours.files.length} files rewritten, commit, push) ${s(firstRunMs)}, run with nothing new ${s(idleRunMs)}; image-automation-controller peak RSS ${automationRssMiB} MiB`,
    );
    console.log(
      `Setters over ${files} files: fluxts ${fluxtsMs.toFixed(0)} ms, kyaml ${kyamlMs.toFixed(0)} ms (fluxts ${(kyamlMs / fluxtsMs).toFixed(2)}x kyaml's speed)`,
    );
    return {
      repositories,
      tags: tagCount,
      policies,
      policiesReadyMs,
      reflectorRssMiB,
      files,
      firstRunMs,
      idleRunMs,
      automationRssMiB,
      setters: { fluxtsMs, kyamlMs },
    };
  } finally {
    await env.close();
    await reg.stop();
  }
}

if (import.meta.main) {
  const [n, t, p, f] = process.argv.slice(2).map(Number);
  await runImagePolicyBench(n || 100, t || 1000, p || 300, f || 2000);
}
