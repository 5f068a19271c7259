// Flux's OCI artifact format (what `flux push artifact` writes and source-controller reads): an OCI image
// manifest with config media type `application/vnd.cncf.flux.config.v1+json`, one tar+gzip layer
// `application/vnd.cncf.flux.content.v1.tar+gzip`, and `org.opencontainers.image.*` annotations.
import type { OpOptions, RegistryClient } from './client.ts';
import { OCIError } from './errors.ts';
import type { Descriptor, ImageManifest } from './manifest.ts';
import { MediaType } from './media-types.ts';

/** PackedLayer is a layer file's digest and size (what `artifacts.buildArtifactLayer` returns). */
export interface PackedLayer {
  digest: string;
  size: number;
}

export const Annotation = {
  Created: 'org.opencontainers.image.created',
  Source: 'org.opencontainers.image.source',
  Revision: 'org.opencontainers.image.revision',
} as const;

export interface PushMetadata {
  source: string;
  revision: string;
  /** created is RFC 3339; now by default. */
  created?: string;
  /** annotations are added to the manifest (`--annotations key=value`); they override the standard ones. */
  annotations?: Record<string, string>;
}

/** PushedArtifact is what `push artifact` reports: the manifest descriptor under the tag. */
export interface PushedArtifact {
  digest: string;
  manifest: Descriptor;
  annotations: Record<string, string>;
}

/**
 * pushFluxArtifact uploads a packed layer (`layer` from buildArtifactLayer), the config and the manifest, and tags
 * it. The config is the empty JSON object, as Flux's readers never look into it.
 */
export async function pushFluxArtifact(
  client: RegistryClient,
  repository: string,
  tag: string,
  layerFile: string,
  layer: PackedLayer,
  meta: PushMetadata,
  opts: OpOptions & { layerMediaType?: string } = {},
): Promise<PushedArtifact> {
  const config = await client.pushBlob(repository, { bytes: Buffer.from('{}') }, MediaType.FluxConfig, opts);
  const content = await client.pushBlob(
    repository,
    { file: layerFile, digest: layer.digest, size: layer.size },
    opts.layerMediaType ?? MediaType.FluxContent,
    opts,
  );
  const annotations: Record<string, string> = {
    [Annotation.Created]: meta.created ?? new Date().toISOString().replace(/\.\d{3}Z$/u, 'Z'),
    [Annotation.Source]: meta.source,
    [Annotation.Revision]: meta.revision,
    ...meta.annotations,
  };
  const doc: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.OCIManifest,
    config,
    layers: [content],
    annotations,
  };
  const manifest = await client.putManifest(
    repository,
    tag,
    Buffer.from(JSON.stringify(doc)),
    MediaType.OCIManifest,
    opts,
  );
  return { digest: manifest.digest, manifest, annotations };
}

/** PulledManifest is an artifact's image manifest and the layer chosen from it. */
export interface PulledManifest {
  descriptor: Descriptor;
  manifest: ImageManifest;
  layer: Descriptor;
}

/**
 * selectLayer picks the layer by media type (the first match) or the first layer, as OCIRepository's
 * `layerSelector` and `flux pull artifact` do.
 */
export function selectLayer(manifest: ImageManifest, subject: string, mediaType?: string): Descriptor {
  if (manifest.layers.length === 0) throw new OCIError('protocol', `${subject}: artifact has no layers`);
  if (mediaType === undefined || mediaType === '') return manifest.layers[0] as Descriptor;
  const layer = manifest.layers.find((l) => l.mediaType === mediaType);
  if (!layer) throw new OCIError('not-found', `failed to find layer with media type '${mediaType}' in artifact`);
  return layer;
}

/**
 * fetchFluxManifest reads the image manifest at a tag or digest. An index is resolved to its first manifest for
 * linux/amd64 or, failing that, its only manifest.
 */
export async function fetchFluxManifest(
  client: RegistryClient,
  repository: string,
  reference: string,
  opts: OpOptions & { layerMediaType?: string } = {},
): Promise<PulledManifest> {
  const subject = `${client.registry}/${repository}:${reference}`;
  let fetched = await client.getManifest(repository, reference, opts);
  if (fetched.manifest.kind === 'index') {
    const list = fetched.manifest.manifests;
    const pick =
      list.find((m) => m.platform?.os === 'linux' && m.platform.architecture === 'amd64') ??
      (list.length === 1 ? list[0] : undefined);
    if (!pick) throw new OCIError('protocol', `${subject}: is an index without a linux/amd64 or single manifest`);
    fetched = await client.getManifest(repository, pick.digest, opts);
    if (fetched.manifest.kind !== 'manifest')
      throw new OCIError('protocol', `${subject}: nested indexes are not supported`);
  }
  const manifest = fetched.manifest;
  return { descriptor: fetched.descriptor, manifest, layer: selectLayer(manifest, subject, opts.layerMediaType) };
}
