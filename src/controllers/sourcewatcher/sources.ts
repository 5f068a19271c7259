// The inputs of an ArtifactGenerator (source-watcher observeSources / fetchSources): each referenced source's
// artifact (url, digest, revision, origin revision), their combined digest (`observedSourcesDigest`, what drift
// detection compares), and the artifacts downloaded, digest-checked and safely extracted into `<work>/<alias>`.
import { createHash } from 'node:crypto';

import { fetchArtifact, type FetchedArtifact } from '../../artifacts/index.ts';
import { isNotFound, type KubeClient, type KubeObject } from '../../kube/index.ts';
import { FluxtsError } from '../../util/errors.ts';

/** SOURCE_KINDS maps the kinds a generator may read to their apiVersion. */
export const SOURCE_KINDS: Readonly<Record<string, string>> = {
  GitRepository: 'source.toolkit.fluxcd.io/v1',
  OCIRepository: 'source.toolkit.fluxcd.io/v1',
  Bucket: 'source.toolkit.fluxcd.io/v1',
  HelmChart: 'source.toolkit.fluxcd.io/v1',
  ExternalArtifact: 'source.toolkit.fluxcd.io/v1',
};

/** ORIGIN_REVISION_KEY is the artifact metadata key of a source's origin revision (an OCI annotation). */
export const ORIGIN_REVISION_KEY = 'org.opencontainers.image.revision';

export interface GeneratorSource {
  alias: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** ObservedSource is a source's artifact as the generator saw it. */
export interface ObservedSource {
  digest: string;
  revision: string;
  originRevision?: string;
  url: string;
}

/** SourceError: a source is missing, unreadable or has no artifact yet. */
export class SourceError extends FluxtsError {}

/**
 * observeSources reads every referenced source (from the cache when given, else the API) and its artifact. A
 * source without an artifact is "not ready", named `Kind/namespace/name`.
 */
export async function observeSources(
  client: KubeClient,
  namespace: string,
  sources: readonly GeneratorSource[],
  cached?: (kind: string, namespace: string, name: string) => KubeObject | undefined,
): Promise<Map<string, ObservedSource>> {
  const out = new Map<string, ObservedSource>();
  for (const src of sources) {
    const ns = src.namespace || namespace;
    const apiVersion = SOURCE_KINDS[src.kind];
    if (!apiVersion) throw new SourceError(`source \`${src.name}\` kind '${src.kind}' not supported`);
    let obj = cached?.(src.kind, ns, src.name);
    if (!obj) {
      try {
        obj = await client.get<KubeObject>({ apiVersion, kind: src.kind }, { namespace: ns, name: src.name });
      } catch (err) {
        if (isNotFound(err)) throw new SourceError(`${src.kind} '${ns}/${src.name}' not found`, { cause: err });
        throw new SourceError(`unable to get source '${ns}/${src.name}': ${String(err)}`, { cause: err });
      }
    }
    const a = (obj.status as { artifact?: Partial<ObservedSource> & { metadata?: Record<string, string> } } | undefined)
      ?.artifact;
    if (!a?.url || !a.revision) throw new SourceError(`source '${src.kind}/${ns}/${src.name}' is not ready`);
    const observed: ObservedSource = { digest: a.digest ?? '', revision: a.revision, url: a.url };
    const origin = a.metadata?.[ORIGIN_REVISION_KEY];
    if (origin) observed.originRevision = origin;
    out.set(src.alias, observed);
  }
  return out;
}

/**
 * hashObservedSources is source-watcher's HashObservedSources: `sha256:` over the sorted parts
 * `<alias>=[digest=…,revision=…,url=…]` joined with `|`.
 */
export function hashObservedSources(sources: ReadonlyMap<string, ObservedSource>): string {
  const parts = [...sources].map(([alias, s]) => `${alias}=[digest=${s.digest},revision=${s.revision},url=${s.url}]`);
  parts.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return `sha256:${createHash('sha256').update(parts.join('|')).digest('hex')}`;
}

/** fetchSources downloads each source's artifact (digest verified) and extracts it; cleanup() removes them all. */
export async function fetchSources(
  sources: ReadonlyMap<string, ObservedSource>,
  workDir: string,
): Promise<{ dirs: Map<string, string>; cleanup(): Promise<void> }> {
  const fetched: FetchedArtifact[] = [];
  const dirs = new Map<string, string>();
  const cleanup = async (): Promise<void> => {
    await Promise.all(fetched.map((f) => f.cleanup()));
  };
  try {
    for (const [alias, src] of sources) {
      const artifact = await fetchArtifact(src.url, src.digest, { parentDir: workDir });
      fetched.push(artifact);
      dirs.set(alias, artifact.dir);
    }
  } catch (err) {
    await cleanup();
    throw err;
  }
  return { dirs, cleanup };
}
