// Step "resolve the source": the object named by spec.sourceRef and its artifact (controllers/common/source-ref.ts).
import type { Kustomization } from '../../api/index.ts';
import { resolveSource, type ResolvedSource, type SourceLookup } from '../common/index.ts';
import type { KubeClient } from '../../kube/index.ts';

/** SOURCE_KINDS maps the source kinds a Kustomization may reference to their default apiVersion. */
export const SOURCE_KINDS: Readonly<Record<string, string>> = {
  GitRepository: 'source.toolkit.fluxcd.io/v1',
  OCIRepository: 'source.toolkit.fluxcd.io/v1',
  Bucket: 'source.toolkit.fluxcd.io/v1',
  ExternalArtifact: 'source.toolkit.fluxcd.io/v1',
};

/** sourceKinds are the kinds watched for new artifacts: ExternalArtifact only behind its feature gate. */
export function sourceKinds(externalArtifact: boolean): Record<string, string> {
  const kinds = { ...SOURCE_KINDS };
  if (!externalArtifact) delete kinds['ExternalArtifact'];
  return kinds;
}

/** resolveKustomizationSource resolves spec.sourceRef under the controller's flags and gates. */
export function resolveKustomizationSource(
  client: KubeClient,
  ks: Kustomization,
  opts: { noCrossNamespaceRefs: boolean; externalArtifact: boolean; cached?: SourceLookup['cached'] },
): Promise<ResolvedSource> {
  return resolveSource(client, ks, ks.spec.sourceRef, {
    kinds: SOURCE_KINDS,
    noCrossNamespaceRefs: opts.noCrossNamespaceRefs,
    gatedKinds: opts.externalArtifact ? [] : ['ExternalArtifact'],
    ...(opts.cached ? { cached: opts.cached } : {}),
  });
}
