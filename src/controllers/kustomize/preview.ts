// The objects the kustomize-controller would apply for a Kustomization now, built from its source's current
// artifact exactly as a reconcile builds them (fetch, verify the digest, prepare, build, substitute, stamp), without
// applying anything: what the web UI's diff view dry-runs. SOPS-encrypted Secrets are left encrypted (the preview
// has no business holding decryption keys); callers report them instead of comparing ciphertext.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Kustomization } from '../../api/index.ts';
import { fetchArtifact } from '../../artifacts/index.ts';
import type { KubeClient, KubeObject } from '../../kube/index.ts';
import { StepError } from '../../runtime/index.ts';
import { errorMessage } from '../../util/errors.ts';
import { stampMetadata } from './apply.ts';
import { buildObjects, prepareKustomization, readVariables, type Decryptor } from './build/index.ts';
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
  if (!source.artifact) throw new StepError('ArtifactFailed', `${source.subject} has no artifact yet`);
  const work = await mkdtemp(join(opts.workDir ?? tmpdir(), 'fluxts-preview-'));
  try {
    let fetched;
    try {
      fetched = await fetchArtifact(source.artifact.url, source.artifact.digest, { parentDir: work });
    } catch (err) {
      throw new StepError('ArtifactFailed', `failed to fetch artifact of ${source.subject}: ${errorMessage(err)}`, {
        cause: err,
      });
    }
    const dir = prepareKustomization(fetched.dir, ks);
    const vars = ks.spec.postBuild ? await readVariables(client, ks) : undefined;
    const built = await buildObjects({
      root: fetched.dir,
      dir,
      ks,
      allowRemote: false,
      vars,
      strict: true,
      decrypt: keepEncrypted,
    });
    return { objects: stampMetadata(built, ks), revision: source.artifact.revision, source: source.subject };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
