// The ExternalArtifacts an ArtifactGenerator owns (source-watcher reconcileExternalArtifact): applied server-side
// with the managed-by and generator labels and a sourceRef back to the generator, then their status (the artifact
// and Ready=True) applied on the status subresource; deleted with their stored files when they leave the spec.
import type { Artifact } from '../../api/index.ts';
import type { ArtifactStorage } from '../../artifacts/index.ts';
import { isNotFound, type KubeClient, type KubeObject } from '../../kube/index.ts';
import { EXTERNAL_ARTIFACT_KIND } from './builder/build.ts';

export const EXTERNAL_ARTIFACT_TYPE = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: EXTERNAL_ARTIFACT_KIND };
/** GENERATOR_LABEL holds the uid of the generating ArtifactGenerator. */
export const GENERATOR_LABEL = 'source.extensions.fluxcd.io/generator';
export const FIELD_MANAGER = 'source-watcher';

/** InventoryEntry is one `status.inventory[]` item. */
export interface InventoryEntry {
  name: string;
  namespace: string;
  digest: string;
  filename: string;
}

/** applyExternalArtifact writes the object and then its status; the caller turns failures into conditions. */
export async function applyExternalArtifact(
  client: KubeClient,
  generator: KubeObject,
  name: string,
  artifact: Artifact,
): Promise<void> {
  const namespace = generator.metadata.namespace ?? '';
  const ea: KubeObject = {
    ...EXTERNAL_ARTIFACT_TYPE,
    metadata: {
      name,
      namespace,
      labels: { 'app.kubernetes.io/managed-by': FIELD_MANAGER, [GENERATOR_LABEL]: generator.metadata.uid ?? '' },
    },
    spec: {
      sourceRef: {
        apiVersion: generator.apiVersion,
        kind: generator.kind,
        name: generator.metadata.name,
        namespace,
      },
    },
  };
  const applied = await client.apply(ea, { fieldManager: FIELD_MANAGER, force: true });
  const status = {
    ...EXTERNAL_ARTIFACT_TYPE,
    metadata: { name, namespace },
    status: {
      artifact,
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          observedGeneration: applied.metadata.generation ?? 1,
          lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
          reason: 'Succeeded',
          message: 'Artifact is ready',
        },
      ],
    },
  };
  await client.apply(status, { fieldManager: FIELD_MANAGER, force: true, subresource: 'status' });
}

/** deleteExternalArtifact removes an ExternalArtifact (gone already is fine) and its stored files. */
export async function deleteExternalArtifact(
  client: KubeClient,
  storage: ArtifactStorage,
  ref: Pick<InventoryEntry, 'name' | 'namespace'>,
): Promise<void> {
  try {
    await client.delete(EXTERNAL_ARTIFACT_TYPE, { namespace: ref.namespace, name: ref.name });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  await storage.removeAll({ kind: EXTERNAL_ARTIFACT_KIND, namespace: ref.namespace, name: ref.name });
}
