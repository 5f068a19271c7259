// The two steps a reconcile and a preview (preview.ts, the web UI's diff) share, so that the preview builds exactly
// what a reconcile would apply: fetch the source's artifact (digest verified, extracted safely under a work
// directory), then prepare, build, substitute and decrypt it and stamp the objects with the Kustomization's metadata.
import { Reason, type Kustomization } from '../../api/index.ts';
import { fetchArtifact, type FetchedArtifact } from '../../artifacts/index.ts';
import type { KubeClient, KubeObject } from '../../kube/index.ts';
import { StepError } from '../../runtime/index.ts';
import { errorMessage } from '../../util/errors.ts';
import type { SourceArtifact } from '../common/index.ts';
import { stampMetadata } from './apply.ts';
import { buildObjects, prepareKustomization, readVariables, type Decryptor } from './build/index.ts';

/** fetchSourceArtifact downloads and extracts the artifact of `subject`; failures are ArtifactFailed. */
export async function fetchSourceArtifact(
  subject: string,
  artifact: SourceArtifact,
  parentDir: string,
): Promise<FetchedArtifact> {
  try {
    return await fetchArtifact(artifact.url, artifact.digest, { parentDir });
  } catch (err) {
    throw new StepError(Reason.ArtifactFailed, `failed to fetch artifact of ${subject}: ${errorMessage(err)}`, {
      cause: err,
    });
  }
}

/** ManifestOptions are what differs between a reconcile (the controller's flags) and a preview. */
export interface ManifestOptions {
  allowRemote: boolean;
  strict: boolean;
  decrypt: Decryptor;
}

/** buildManifests builds the objects to apply from an extracted artifact; failures are BuildFailed StepErrors. */
export async function buildManifests(
  client: KubeClient,
  ks: Kustomization,
  root: string,
  opts: ManifestOptions,
): Promise<KubeObject[]> {
  const dir = prepareKustomization(root, ks);
  const vars = ks.spec.postBuild ? await readVariables(client, ks) : undefined;
  const built = await buildObjects({ root, dir, ks, vars, ...opts });
  return stampMetadata(built, ks);
}
