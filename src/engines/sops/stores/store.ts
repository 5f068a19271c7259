import { SopsFormatError, SopsMetadataError } from '../errors.ts';
import { flatten, unflatten } from '../flatten.ts';
import { METADATA_KEY, parseMetadata, serializeMetadata, type Metadata } from '../metadata.ts';
import { Branch, type Item } from '../tree.ts';

/** Format names the document formats sops writes. */
export type Format = 'yaml' | 'json' | 'dotenv' | 'ini' | 'binary';

/** FORMATS lists every supported format. */
export const FORMATS: readonly Format[] = ['yaml', 'json', 'dotenv', 'ini', 'binary'];

/**
 * Store reads and writes one format: plain documents to branches and back, with the sops metadata placed the way
 * that format keeps it (a `sops` key, a `[sops]` section, or `sops_` prefixed flat keys).
 */
export interface Store {
  readonly format: Format;
  loadPlain(data: Uint8Array): Branch[];
  emitPlain(branches: Branch[]): Uint8Array;
  loadEncrypted(data: Uint8Array): { branches: Branch[]; metadata: Metadata };
  emitEncrypted(branches: Branch[], metadata: Metadata): Uint8Array;
  /** hasMetadata tells whether parsed branches carry sops metadata (the document is sops-encrypted). */
  hasMetadata(branches: Branch[]): boolean;
}

/** Flatten says how a format stores metadata: nested, flat below a `sops` section (INI), or fully flat (dotenv). */
export type Flatten = 'none' | 'belowTop' | 'full';

const PREFIX = METADATA_KEY + '_';

/** extractMetadata removes the metadata from loaded branches and parses it, as sops' ExtractMetadata does. */
export function extractMetadata(
  branches: Branch[],
  mode: Flatten,
  escapeNewlines = false,
): { branches: Branch[]; metadata: Metadata } {
  let meta: Item[] | undefined;
  let out: Branch[];
  if (mode !== 'full') {
    out = branches.map((b, bi) => {
      const kept: Item[] = [];
      for (const item of b.items) {
        if (item.key !== METADATA_KEY) {
          kept.push(item);
          continue;
        }
        if (bi === 0) {
          if (meta) throw new SopsMetadataError(`sops metadata: duplicate ${METADATA_KEY} entry`);
          if (!(item.value instanceof Branch)) {
            throw new SopsMetadataError(`sops metadata: the ${METADATA_KEY} entry is not a mapping`);
          }
          meta = item.value.items;
        }
      }
      return new Branch(kept);
    });
  } else {
    out = branches.map((b, bi) => {
      if (bi !== 0) return b;
      const kept: Item[] = [];
      for (const item of b.items) {
        if (typeof item.key === 'string' && item.key.startsWith(PREFIX)) {
          (meta ??= []).push({ key: item.key.slice(PREFIX.length), value: item.value });
        } else kept.push(item);
      }
      return new Branch(kept);
    });
  }
  if (!meta) throw new SopsMetadataError('sops metadata not found: the document is not encrypted with sops');
  let tree = new Branch(meta);
  if (mode !== 'none') {
    const items = escapeNewlines
      ? meta.map((i) => (typeof i.value === 'string' ? { key: i.key, value: i.value.replaceAll('\\n', '\n') } : i))
      : meta;
    tree = unflatten(items);
  }
  return { branches: out, metadata: parseMetadata(tree) };
}

/** attachMetadata appends the serialized metadata to every branch, as sops' SerializeMetadata does. */
export function attachMetadata(branches: Branch[], md: Metadata, mode: Flatten, escapeNewlines = false): Branch[] {
  let items: Item[] = serializeMetadata(md).items;
  if (mode !== 'none') {
    items = flatten(new Branch(items), mode === 'full' ? PREFIX : '');
    if (escapeNewlines) {
      items = items.map((i) =>
        typeof i.value === 'string' ? { key: i.key, value: i.value.replaceAll('\n', '\\n') } : i,
      );
    }
  }
  if (mode !== 'full') items = [{ key: METADATA_KEY, value: new Branch(items) }];
  return branches.map((b) => {
    for (const item of b.items) {
      if (typeof item.key !== 'string') continue;
      if (mode === 'full' ? item.key.startsWith(PREFIX) : item.key === METADATA_KEY) {
        throw new SopsFormatError(
          `sops encrypt: key ${JSON.stringify(item.key)} is reserved for sops metadata and cannot be in the document`,
        );
      }
    }
    return new Branch([...b.items, ...items]);
  });
}

/** hasTopLevelKey is the metadata probe of the nested formats. */
export function hasTopLevelKey(branches: Branch[]): boolean {
  return branches[0]?.items.some((i) => i.key === METADATA_KEY) ?? false;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** decodeUtf8 decodes text input, failing with a format error on invalid UTF-8. */
export function decodeUtf8(data: Uint8Array, format: Format): string {
  try {
    return utf8.decode(data);
  } catch {
    throw new SopsFormatError(`${format} document: input is not valid UTF-8`);
  }
}
