// The objects the kustomize-controller would apply for a Kustomization now, built from its source's current
// artifact exactly as a reconcile builds them (fetch, verify the digest, prepare, build, substitute, stamp), without
// applying anything: what the web UI's diff view dry-runs. SOPS-encrypted Secrets are left encrypted (the preview
// has no business holding decryption keys); callers report them instead of comparing ciphertext.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Reason, type Kustomization } from '../../api/index.ts';
import type { KubeClient, KubeObject } from '../../kube/index.ts';
import { StepError } from '../../runtime/index.ts';
import type { Decryptor } from './build/index.ts';
import { buildManifests, fetchSourceArtifact } from './manifests.ts';
import { resolveKustomizationSource } from './source.ts';

/** KustomizationPreview is the built set and the source revision it was built from. */
export interface KustomizationPreview {
  objects: KubeObject[];
  revision: string;
  /** source is `Kind/namespace/name` of the source read. */
  source: string;
}

const keepEncrypted: Decryptor = (objects) => Promise.resolve(objects);

/**
 * previewKustomization builds what the Kustomization would apply from the artifact its source advertises now.
 * Throws a StepError with the controller's reason (ArtifactFailed, BuildFailed) when that is not possible.
 *
 * @example const { objects, revision } = await previewKustomization(client, ks);
 */
export async function previewKustomization(
  client: KubeClient,
  ks: Kustomization,
  opts: { workDir?: string; noCrossNamespaceRefs?: boolean } = {},
): Promise<KustomizationPreview> {
  const source = await resolveKustomizationSource(client, ks, {
    noCrossNamespaceRefs: opts.noCrossNamespaceRefs ?? false,
    externalArtifact: true,
  });
  if (!source.artifact) throw new StepError(Reason.ArtifactFailed, `${source.subject} has no artifact yet`);
  const work = await mkdtemp(join(opts.workDir ?? tmpdir(), 'fluxts-preview-'));
  try {
    const fetched = await fetchSourceArtifact(source.subject, source.artifact, work);
    const objects = await buildManifests(client, ks, fetched.dir, {
      allowRemote: false,
      strict: true,
      decrypt: keepEncrypted,
    });
    return { objects, revision: source.artifact.revision, source: source.subject };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
