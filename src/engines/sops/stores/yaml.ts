import type { Metadata } from '../metadata.ts';
import type { Branch } from '../tree.ts';
import { attachMetadata, decodeUtf8, extractMetadata, hasTopLevelKey, type Store } from './store.ts';
import { emitYaml } from './yaml-nodes.ts';
import { loadYaml } from './yaml-load.ts';

/** YamlStore is sops' YAML format: every document of a stream, metadata under `sops`, 4-space indentation. */
export class YamlStore implements Store {
  readonly format = 'yaml' as const;

  loadPlain(data: Uint8Array): Branch[] {
    return loadYaml(decodeUtf8(data, 'yaml'));
  }

  emitPlain(branches: Branch[]): Uint8Array {
    return Buffer.from(emitYaml(branches), 'utf8');
  }

  loadEncrypted(data: Uint8Array): { branches: Branch[]; metadata: Metadata } {
    return extractMetadata(this.loadPlain(data), 'none');
  }

  emitEncrypted(branches: Branch[], metadata: Metadata): Uint8Array {
    return this.emitPlain(attachMetadata(branches, metadata, 'none'));
  }

  hasMetadata(branches: Branch[]): boolean {
    return hasTopLevelKey(branches);
  }
}
