// An OCI image layout (image-spec `image-layout.md`) on disk: content-addressed blobs, and an index.json whose
// manifests carry the image's full reference (`io.containerd.image.name`, as containerd and skopeo write it) and its
// tag (`org.opencontainers.image.ref.name`, what `skopeo copy oci:<dir>:<tag>` selects).
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { LayerDescriptor } from './layer.ts';

export const MANIFEST_MEDIA_TYPE = 'application/vnd.oci.image.manifest.v1+json';
export const CONFIG_MEDIA_TYPE = 'application/vnd.oci.image.config.v1+json';
export const LAYER_MEDIA_TYPE = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const INDEX_MEDIA_TYPE = 'application/vnd.oci.image.index.v1+json';
export const REF_NAME = 'org.opencontainers.image.ref.name';
export const IMAGE_NAME_ANNOTATION = 'io.containerd.image.name';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

/** ImageConfig is the part of the OCI image configuration a runtime reads. */
export interface ImageConfig {
  created?: string;
  architecture: string;
  os: string;
  config: {
    User?: string;
    Env?: string[];
    Entrypoint?: string[];
    Cmd?: string[];
    WorkingDir?: string;
    Labels?: Record<string, string>;
  };
  rootfs: { type: 'layers'; diff_ids: string[] };
  history?: { created?: string; created_by?: string; comment?: string; empty_layer?: boolean }[];
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

interface ImageIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
}

/** blobPath is where a blob of the layout lives. */
export function blobPath(layoutDir: string, digest: string): string {
  const [algorithm, hex] = digest.split(':');
  return join(layoutDir, 'blobs', algorithm ?? 'sha256', hex ?? '');
}

/** writeJsonBlob stores a JSON document as a blob and returns its descriptor. */
export async function writeJsonBlob(layoutDir: string, mediaType: string, value: unknown): Promise<Descriptor> {
  const bytes = Buffer.from(JSON.stringify(value));
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  const path = blobPath(layoutDir, digest);
  await mkdir(join(layoutDir, 'blobs', 'sha256'), { recursive: true });
  if (!existsSync(path)) {
    await writeFile(`${path}.tmp`, bytes);
    await rename(`${path}.tmp`, path);
  }
  return { mediaType, digest, size: bytes.length };
}

/** writeImage stores the config and manifest of an image and returns the manifest's descriptor. */
export async function writeImage(
  layoutDir: string,
  config: ImageConfig,
  layers: LayerDescriptor[],
  annotations: Record<string, string>,
): Promise<{ manifest: Descriptor; config: Descriptor }> {
  const configDesc = await writeJsonBlob(layoutDir, CONFIG_MEDIA_TYPE, config);
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MANIFEST_MEDIA_TYPE,
    config: configDesc,
    layers: layers.map((l) => ({ mediaType: LAYER_MEDIA_TYPE, digest: l.digest, size: l.size })),
    annotations,
  };
  return { manifest: await writeJsonBlob(layoutDir, MANIFEST_MEDIA_TYPE, manifest), config: configDesc };
}

/**
 * tagImage points `name` (a full reference, `registry/repository:tag`) at a manifest in the layout's index.json,
 * replacing an earlier manifest of the same name.
 */
export async function tagImage(layoutDir: string, name: string, manifest: Descriptor): Promise<void> {
  await mkdir(layoutDir, { recursive: true });
  await writeFile(join(layoutDir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const index = await readIndex(layoutDir);
  const tag = name.slice(name.lastIndexOf(':') + 1);
  index.manifests = index.manifests.filter((m) => m.annotations?.[IMAGE_NAME_ANNOTATION] !== name);
  index.manifests.push({
    mediaType: manifest.mediaType,
    digest: manifest.digest,
    size: manifest.size,
    annotations: { [IMAGE_NAME_ANNOTATION]: name, [REF_NAME]: tag },
  });
  index.manifests.sort((a, b) =>
    (a.annotations?.[IMAGE_NAME_ANNOTATION] ?? '').localeCompare(b.annotations?.[IMAGE_NAME_ANNOTATION] ?? ''),
  );
  const path = join(layoutDir, 'index.json');
  await writeFile(`${path}.tmp`, JSON.stringify(index, null, 2) + '\n');
  await rename(`${path}.tmp`, path);
}

async function readIndex(layoutDir: string): Promise<ImageIndex> {
  const path = join(layoutDir, 'index.json');
  if (!existsSync(path)) return { schemaVersion: 2, mediaType: INDEX_MEDIA_TYPE, manifests: [] };
  return JSON.parse(await readFile(path, 'utf8')) as ImageIndex;
}

/** LocalImage is an image found in a layout: its manifest and config, and the digest that names it. */
export interface LocalImage {
  name: string;
  digest: string;
  manifest: ImageManifest;
  config: ImageConfig;
}

/** findImage looks a full reference up in the layout; undefined when the layout does not hold it. */
export async function findImage(layoutDir: string, name: string): Promise<LocalImage | undefined> {
  const index = await readIndex(layoutDir).catch(() => undefined);
  const entry = index?.manifests.find((m) => m.annotations?.[IMAGE_NAME_ANNOTATION] === name);
  if (!entry) return undefined;
  const manifest = JSON.parse(await readFile(blobPath(layoutDir, entry.digest), 'utf8')) as ImageManifest;
  const config = JSON.parse(await readFile(blobPath(layoutDir, manifest.config.digest), 'utf8')) as ImageConfig;
  return { name, digest: entry.digest, manifest, config };
}
