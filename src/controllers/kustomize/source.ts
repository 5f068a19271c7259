// Step "resolve the source": the object named by spec.sourceRef and its artifact (any kind with status.artifact).
import { Reason, type Kustomization } from '../../api/index.ts';
import { isNotFound, type KubeClient, type KubeObject } from '../../kube/index.ts';
import { StepError } from './errors.ts';

/** SOURCE_KINDS maps the source kinds a Kustomization may reference to their default apiVersion. */
export const SOURCE_KINDS: Readonly<Record<string, string>> = {
  GitRepository: 'source.toolkit.fluxcd.io/v1',
  OCIRepository: 'source.toolkit.fluxcd.io/v1',
  Bucket: 'source.toolkit.fluxcd.io/v1',
  ExternalArtifact: 'source.toolkit.fluxcd.io/v1',
};

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

/** SourceOptions are the flags and gates the lookup obeys. */
export interface SourceOptions {
  noCrossNamespaceRefs: boolean;
  externalArtifact: boolean;
  /**
   * cached reads a source from the controller's informer cache: `undefined` when that kind is not cached, `null`
   * when the cache has no such object. A source appearing later requeues its consumers through the watch.
   */
  cached?: (kind: string, namespace: string, name: string) => KubeObject | null | undefined;
}

function artifactOf(obj: KubeObject): SourceArtifact | undefined {
  const a = (obj.status as { artifact?: Partial<SourceArtifact> } | undefined)?.artifact;
  if (!a?.url || !a.revision) return undefined;
  return { url: a.url, digest: a.digest ?? '', revision: a.revision, ...(a.metadata ? { metadata: a.metadata } : {}) };
}

/**
 * resolveSource reads spec.sourceRef (uncached, as Flux does). Cross-namespace references under
 * `--no-cross-namespace-refs` and ExternalArtifact without its feature gate are terminal (AccessDenied); a missing
 * source is ArtifactFailed and retried.
 */
export async function resolveSource(
  client: KubeClient,
  ks: Kustomization,
  opts: SourceOptions,
): Promise<ResolvedSource> {
  const ref = ks.spec.sourceRef;
  const ownNs = ks.metadata.namespace ?? '';
  const namespace = ref.namespace || ownNs;
  const subject = `${ref.kind}/${namespace}/${ref.name}`;
  if (opts.noCrossNamespaceRefs && namespace !== ownNs) {
    throw new StepError(Reason.AccessDenied, `cannot access ${subject}, cross-namespace references have been blocked`, {
      terminal: true,
    });
  }
  if (ref.kind === 'ExternalArtifact' && !opts.externalArtifact) {
    throw new StepError(
      Reason.AccessDenied,
      `cannot access ${subject}, the ExternalArtifact feature gate is disabled`,
      { terminal: true },
    );
  }
  const apiVersion = ref.apiVersion || SOURCE_KINDS[ref.kind];
  if (!apiVersion) throw new StepError(Reason.ArtifactFailed, `source kind '${ref.kind}' is not supported`);
  const hit = opts.cached?.(ref.kind, namespace, ref.name);
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
