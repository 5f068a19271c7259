// kyamlref: image-automation-controller's Setters strategy assembled from the kyaml pieces the controller uses
// (see kyamlref/main.go for why not the controller's own module), built once into the per-user cache.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { buildGoReference, JsonLinesProcess } from '../support/go-reference.ts';

const SOURCE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'kyamlref');

/** KyamlRequest: the files of a tree and the policies (with their latestRef) to apply. */
export interface KyamlRequest {
  files: Record<string, string>;
  policies: { namespace: string; name: string; latestRef?: { name: string; tag: string; digest?: string } }[];
}

/** KyamlResponse: the rewritten files (only changed ones) and each change with its object. */
export interface KyamlResponse {
  files: Record<string, string>;
  changes: {
    file: string;
    setter: string;
    oldValue: string;
    newValue: string;
    apiVersion: string;
    kind: string;
    name: string;
    namespace: string;
  }[];
  error?: string;
}

/** KyamlRef is a running reference program. */
export class KyamlRef extends JsonLinesProcess<KyamlRequest, KyamlResponse> {
  static async start(): Promise<KyamlRef> {
    const path = await buildGoReference({
      name: 'kyamlref',
      sourceDir: SOURCE_DIR,
      files: ['go.mod', 'go.sum', 'main.go'],
      description: 'kyaml setters as image-automation-controller applies them',
    });
    return new KyamlRef(path);
  }
}
