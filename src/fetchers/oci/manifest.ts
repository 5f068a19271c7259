// Manifest documents: OCI image manifest and index, Docker schema 2 manifest and manifest list, decoded and
// checked just enough that callers can rely on the fields they use.
import { OCIError } from './errors.ts';
import { isIndexMediaType, isManifestMediaType, MediaType } from './media-types.ts';
import { isValidDigest } from './reference.ts';

/** Descriptor points at content by digest (OCI image spec `descriptor.md`). */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  artifactType?: string;
  urls?: string[];
  platform?: Platform;
}

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
  'os.version'?: string;
}

/** ImageManifest is an OCI image manifest or a Docker schema 2 manifest (same shape). */
export interface ImageManifest {
  schemaVersion: 2;
  mediaType: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

/** ImageIndex is an OCI index or a Docker manifest list. */
export interface ImageIndex {
  schemaVersion: 2;
  mediaType: string;
  artifactType?: string;
  manifests: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export type Manifest = ({ kind: 'manifest' } & ImageManifest) | ({ kind: 'index' } & ImageIndex);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseDescriptor(v: unknown, where: string): Descriptor {
  if (!isRecord(v)) throw new OCIError('protocol', `${where} is not an object`);
  const { mediaType, digest, size } = v;
  if (typeof digest !== 'string' || !isValidDigest(digest))
    throw new OCIError('protocol', `${where} has an invalid digest`);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw new OCIError('protocol', `${where} has an invalid size`);
  }
  const d: Descriptor = { mediaType: typeof mediaType === 'string' ? mediaType : '', digest, size };
  if (isRecord(v['annotations'])) d.annotations = stringMap(v['annotations']);
  if (typeof v['artifactType'] === 'string') d.artifactType = v['artifactType'];
  if (Array.isArray(v['urls'])) d.urls = v['urls'].filter((u): u is string => typeof u === 'string');
  if (isRecord(v['platform'])) d.platform = v['platform'] as unknown as Platform;
  return d;
}

function stringMap(v: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
}

/**
 * parseManifest decodes manifest bytes. The media type comes from the document, else from the response's
 * Content-Type; a document that is neither an image manifest nor an index is a protocol error.
 */
export function parseManifest(bytes: Uint8Array, contentType: string, subject: string): Manifest {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (cause) {
    throw new OCIError('protocol', `${subject}: manifest is not valid JSON`, { cause });
  }
  if (!isRecord(doc)) throw new OCIError('protocol', `${subject}: manifest is not a JSON object`);
  if (doc['schemaVersion'] !== 2) {
    throw new OCIError('protocol', `${subject}: unsupported manifest schemaVersion ${String(doc['schemaVersion'])}`);
  }
  const declared = typeof doc['mediaType'] === 'string' ? doc['mediaType'] : '';
  const header = contentType.split(';')[0]?.trim() ?? '';
  const mediaType =
    declared ||
    (isManifestMediaType(header) || isIndexMediaType(header)
      ? header
      : Array.isArray(doc['manifests'])
        ? MediaType.OCIIndex
        : MediaType.OCIManifest);
  const common = {
    schemaVersion: 2 as const,
    mediaType,
    ...(typeof doc['artifactType'] === 'string' ? { artifactType: doc['artifactType'] } : {}),
    ...(doc['subject'] === undefined ? {} : { subject: parseDescriptor(doc['subject'], `${subject}: subject`) }),
    ...(isRecord(doc['annotations']) ? { annotations: stringMap(doc['annotations']) } : {}),
  };
  if (isIndexMediaType(mediaType)) {
    if (!Array.isArray(doc['manifests'])) throw new OCIError('protocol', `${subject}: index has no manifests list`);
    const manifests = doc['manifests'].map((m, i) => parseDescriptor(m, `${subject}: manifests[${i}]`));
    return { kind: 'index', ...common, manifests };
  }
  if (isManifestMediaType(mediaType)) {
    const config = parseDescriptor(doc['config'], `${subject}: config`);
    if (!Array.isArray(doc['layers'])) throw new OCIError('protocol', `${subject}: manifest has no layers list`);
    const layers = doc['layers'].map((l, i) => parseDescriptor(l, `${subject}: layers[${i}]`));
    return { kind: 'manifest', ...common, config, layers };
  }
  throw new OCIError('protocol', `${subject}: unsupported manifest media type '${mediaType}'`);
}
