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

/** formatForPath picks the format from a file name as sops does: by extension, binary when unknown. */
export function formatForPath(path: string): Format {
  const lower = path.toLowerCase();
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.env')) return 'dotenv';
  if (lower.endsWith('.ini')) return 'ini';
  return 'binary';
}

/** parseFormat validates a user-supplied format name. */
export function parseFormat(name: string): Format {
  if ((FORMATS as readonly string[]).includes(name)) return name as Format;
  throw new SopsFormatError(`sops format ${JSON.stringify(name)}: unknown, expected one of ${FORMATS.join(', ')}`);
}
