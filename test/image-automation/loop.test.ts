// The whole image-automation loop on the real control plane, real components only: a tag pushed to a real registry
// (CNCF distribution, basic auth) is found by the ImageRepository's next scan, picked by the ImagePolicy, committed
// by the ImageUpdateAutomation to the real smart-HTTP git server, fetched by the GitRepository (source-controller,
// artifact served over HTTP) and applied by the Kustomization (kustomize-controller): the Deployment in the cluster
// runs the new image, without any manual step in between.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { ArtifactStorage, serveStorage, type StorageServer } from '../../src/artifacts/index.ts';
import { imageAutomationController } from '../../src/controllers/image/automation-setup.ts';
import { imagePolicyType, imageRepositoryType, imageUpdateAutomationType } from '../../src/controllers/image/index.ts';
import { kustomizationType } from '../../src/controllers/kustomize/index.ts';
import { kustomizeController } from '../../src/controllers/kustomize/setup.ts';
import { gitRepositoryType, sourceController } from '../../src/controllers/source/setup.ts';
import type { KubeObject } from '../../src/kube/index.ts';
import { useNamespace } from '../support/cluster.ts';
import { eventually } from '../support/eventually.ts';
import { git } from '../support/git-repo.ts';
import { startGitServer, type GitServer } from '../support/git-server.ts';
import { startImageHarness, type ImageHarness } from '../image-reflector/harness.ts';

let h: ImageHarness;
let server: GitServer;
let storageServer: StorageServer;
let storageDir: string;

before(async () => {
  storageDir = await mkdtemp(join(tmpdir(), 'fluxts-image-loop-storage-'));
  storageServer = await serveStorage(storageDir, { host: '127.0.0.1', port: 0 });
  const storage = new ArtifactStorage({ root: storageDir, advertisedAddress: storageServer.address });
  [h, server] = await Promise.all([
    startImageHarness([
      sourceController({ storage }),
      kustomizeController({ healthCheckIntervalMs: 1000 }),
      imageAutomationController({ noCrossNamespaceRefs: false }),
    ]),
    startGitServer(),
  ]);
});
after(async () => {
  await h?.stop();
  await Promise.all([server?.close(), storageServer?.close()]);
  await rm(storageDir, { recursive: true, force: true });
});

type Deployment = KubeObject<{ template: { spec: { containers: { name: string; image: string }[] } } }>;

test('a new tag in the registry ends up running in the cluster, through Git', async (t) => {
  const ns = await useNamespace(t, h.cluster);
  const image = `${h.registry.host}/${ns}/web`;
  await h.credentials(ns, 'creds');
  await h.pushTags(`${ns}/web`, ['1.0.0']);
  const repo = server.createRepo(ns);
  await repo.commit({
    files: {
      'deploy/kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - web.yaml\n',
      'deploy/web.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: ${image}:1.0.0 # {"$imagepolicy": "${ns}:web"}
`,
    },
  });
  const create = (o: KubeObject) => h.client.create({ ...o, metadata: { ...o.metadata, namespace: ns } });
  await create({
    apiVersion: gitRepositoryType.apiVersion,
    kind: 'GitRepository',
    metadata: { name: 'repo' },
    spec: { url: server.repoUrl(ns), interval: '2s', ref: { branch: 'main' } },
  });
  await create({
    apiVersion: kustomizationType.apiVersion,
    kind: 'Kustomization',
    metadata: { name: 'apps' },
    spec: {
      interval: '10m',
      path: './deploy',
      prune: true,
      targetNamespace: ns,
      sourceRef: { kind: 'GitRepository', name: 'repo' },
    },
  });
  await create({
    apiVersion: imageRepositoryType.apiVersion,
    kind: 'ImageRepository',
    metadata: { name: 'web' },
    spec: { image, interval: '2s', secretRef: { name: 'creds' } },
  });
  await create({
    apiVersion: imagePolicyType.apiVersion,
    kind: 'ImagePolicy',
    metadata: { name: 'web' },
    spec: { imageRepositoryRef: { name: 'web' }, policy: { semver: { range: '1.x' } } },
  });
  await create({
    apiVersion: imageUpdateAutomationType.apiVersion,
    kind: 'ImageUpdateAutomation',
    metadata: { name: 'auto' },
    spec: {
      sourceRef: { kind: 'GitRepository', name: 'repo' },
      interval: '1h',
      git: {
        checkout: { ref: { branch: 'main' } },
        commit: { author: { name: 'Flux', email: 'flux@example.com' } },
        push: { branch: 'main' },
      },
      update: { path: './deploy' },
    },
  });
  const running = (tag: string) =>
    eventually(
      `the Deployment running ${tag}`,
      async () => {
        const d = await h.client.get<Deployment>(
          { apiVersion: 'apps/v1', kind: 'Deployment' },
          { namespace: ns, name: 'web' },
        );
        return d.spec?.template.spec.containers[0]?.image === `${image}:${tag}` ? d : undefined;
      },
      { timeoutMs: 90_000 },
    );
  await running('1.0.0');

  // The only outside action: a new tag in the registry.
  await h.pushTags(`${ns}/web`, ['1.1.0', '2.0.0']);
  await running('1.1.0');
  assert.match(
    git(['log', '-1', '--format=%an: %s', 'main'], { cwd: repo.path }),
    /^Flux: Update from image update automation$/u,
  );
  assert.match(git(['show', 'main:deploy/web.yaml'], { cwd: repo.path }), /:1\.1\.0 # \{"\$imagepolicy"/u);
});
