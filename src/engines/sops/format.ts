import { SopsFormatError } from './errors.ts';
import { BinaryStore, JsonStore } from './stores/json.ts';
import { DotenvStore } from './stores/dotenv.ts';
import { IniStore } from './stores/ini.ts';
import { FORMATS, type Format, type Store } from './stores/store.ts';
import { YamlStore } from './stores/yaml.ts';

/** storeFor returns the store of a format. */
export function storeFor(format: Format): Store {
  switch (format) {
    case 'yaml':
      return new YamlStore();
    case 'json':
      return new JsonStore();
    case 'dotenv':
      return new DotenvStore();
    case 'ini':
      return new IniStore();
    case 'binary':
      return new BinaryStore();
  }
}

/** formatForPath picks the format from a file name as sops does: by (case-sensitive) extension, else binary. */
export function formatForPath(path: string): Format {
  if (path.endsWith('.yaml') || path.endsWith('.yml')) return 'yaml';
  if (path.endsWith('.json')) return 'json';
  if (path.endsWith('.env')) return 'dotenv';
  if (path.endsWith('.ini')) return 'ini';
  return 'binary';
}

/**
 * MARKERS are the byte sequences by which Flux's kustomize-controller recognises a sops document of each format
 * (an encrypted binary file is a JSON document, so JSON stands for both).
 */
const MARKERS: [Format, string][] = [
  ['yaml', 'mac: ENC['],
  ['json', '"mac": "ENC['],
  ['dotenv', 'sops_mac=ENC['],
  ['ini', '[sops]'],
];

/** detectFormat returns the format of a sops document from its marker bytes, or undefined if it has none. */
export function detectFormat(data: Uint8Array): Format | undefined {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return MARKERS.find(([, marker]) => buf.includes(marker))?.[0];
}

/** hasMarker tells whether data carries the sops marker of the given format (binary: the JSON one). */
export function hasMarker(data: Uint8Array, format: Format): boolean {
  const marker = MARKERS.find(([f]) => f === (format === 'binary' ? 'json' : format))?.[1] ?? '';
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).includes(marker);
}

/** parseFormat validates a user-supplied format name. */
export function parseFormat(name: string): Format {
  if ((FORMATS as readonly string[]).includes(name)) return name as Format;
  throw new SopsFormatError(`sops format ${JSON.stringify(name)}: unknown, expected one of ${FORMATS.join(', ')}`);
}
