// Resolving a consumer's source reference (Kustomization spec.sourceRef, HelmRelease spec.chartRef, HelmChart
// spec.sourceRef): the object and, once it produced one, its artifact; cross-namespace rules and feature gates
// enforced as Flux's controllers do (flux-api.md §2.4 "References", KC `getSource`).
import { Reason } from '../../api/index.ts';
import { isNotFound, type KubeClient, type KubeObject } from '../../kube/index.ts';
import { StepError } from '../../runtime/index.ts';

/** SourceReference is what consumers write: a kind, a name and optionally an apiVersion and a namespace. */
export interface SourceReference {
  apiVersion?: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** SourceArtifact is the artifact contract every source kind shares (flux-api.md §2.1). */
export interface SourceArtifact {
  url: string;
  digest: string;
  revision: string;
  metadata?: Record<string, string>;
}

/** ResolvedSource is the source object and, once it has produced one, its artifact. */
export interface ResolvedSource {
  /** subject is `Kind/namespace/name`, as Flux's messages name it. */
  subject: string;
  object: KubeObject;
  artifact: SourceArtifact | undefined;
}

/** SourceLookup says where a consumer may look and how. */
export interface SourceLookup {
  /** kinds maps each source kind the consumer accepts to its default apiVersion. */
  kinds: Readonly<Record<string, string>>;
  /** noCrossNamespaceRefs is `--no-cross-namespace-refs`. */
  noCrossNamespaceRefs: boolean;
  /** gatedKinds are kinds whose feature gate is off (e.g. ExternalArtifact): referencing one is AccessDenied. */
  gatedKinds?: readonly string[];
  /**
   * cached reads a source from the controller's informer cache: `undefined` when that kind is not cached, `null`
   * when the cache has no such object. A source appearing later requeues its consumers through the watch.
   */
  cached?: (kind: string, namespace: string, name: string) => KubeObject | null | undefined;
}

/** artifactOf reads `status.artifact` of any source kind, or undefined before the first artifact. */
export function artifactOf(obj: KubeObject): SourceArtifact | undefined {
  const a = (obj.status as { artifact?: Partial<SourceArtifact> } | undefined)?.artifact;
  if (!a?.url || !a.revision) return undefined;
  return { url: a.url, digest: a.digest ?? '', revision: a.revision, ...(a.metadata ? { metadata: a.metadata } : {}) };
}

/** originRevisionOf is the `org.opencontainers.image.revision` an OCI artifact carries, if any. */
export function originRevisionOf(artifact: SourceArtifact): string | undefined {
  return artifact.metadata?.['org.opencontainers.image.revision'];
}

/**
 * resolveSource reads the referenced source (from the cache when it has it, else uncached, as Flux does).
 * Cross-namespace references under `--no-cross-namespace-refs` and gated kinds are terminal (AccessDenied); a
 * missing source is ArtifactFailed and retried.
 */
export async function resolveSource(
  client: KubeClient,
  consumer: KubeObject,
  ref: SourceReference,
  lookup: SourceLookup,
): Promise<ResolvedSource> {
  const ownNs = consumer.metadata.namespace ?? '';
  const namespace = ref.namespace || ownNs;
  const subject = `${ref.kind}/${namespace}/${ref.name}`;
  if (lookup.noCrossNamespaceRefs && namespace !== ownNs) {
    throw new StepError(Reason.AccessDenied, `cannot access ${subject}, cross-namespace references have been blocked`, {
      terminal: true,
    });
  }
  if (lookup.gatedKinds?.includes(ref.kind)) {
    throw new StepError(Reason.AccessDenied, `cannot access ${subject}, the ${ref.kind} feature gate is disabled`, {
      terminal: true,
    });
  }
  const apiVersion = ref.apiVersion || lookup.kinds[ref.kind];
  if (!apiVersion) throw new StepError(Reason.ArtifactFailed, `source kind '${ref.kind}' is not supported`);
  const hit = lookup.cached?.(ref.kind, namespace, ref.name);
  // A cache miss is confirmed with a GET: the cache may lag, or not cover the source's namespace.
  if (hit) return { subject, object: hit, artifact: artifactOf(hit) };
  let object: KubeObject;
  try {
    object = await client.get({ apiVersion, kind: ref.kind }, { namespace, name: ref.name });
  } catch (err) {
    if (isNotFound(err)) throw new StepError(Reason.ArtifactFailed, `Source '${subject}' not found`, { cause: err });
    throw new StepError(Reason.ArtifactFailed, `unable to get source '${subject}': ${String(err)}`, { cause: err });
  }
  return { subject, object, artifact: artifactOf(object) };
}
