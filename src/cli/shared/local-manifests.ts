// The objects a local checkout declares, as the CLI's `build helmrelease` and `diff helmrelease` look them up: a
// directory with a kustomization file is built by the kustomize engine (as kustomize-controller would build it);
// any other directory contributes its YAML/JSON files and its subdirectories, each of which is again built when it
// holds a kustomization file. Lookups go through one index by Kind/namespace/name.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';

import type { JsonObject } from '../../engines/envsubst/index.ts';
import type { KubeObject } from '../../kube/index.ts';
import { errorMessage } from '../../util/errors.ts';
import { CliBuildError } from './kustomization-build.ts';

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

async function loadEngines() {
  const [kustomize, envsubst] = await Promise.all([
    import('../../engines/kustomize/index.ts'),
    import('../../engines/envsubst/index.ts'),
  ]);
  return { kustomize, yamlToJson: envsubst.yamlToJson };
}

/** splitYaml splits a multi-document YAML text on its `---` separators, dropping empty documents. */
function splitYaml(text: string): string[] {
  return text.split(/^---[ \t]*(?:#.*)?$/mu).filter((d) => d.replace(/^\s*#.*$/gmu, '').trim() !== '');
}

/** LocalManifests is the objects found under a directory, indexed by `Kind/namespace/name`. */
export class LocalManifests {
  readonly objects: readonly KubeObject[];
  readonly #index = new Map<string, KubeObject>();

  constructor(objects: readonly KubeObject[]) {
    this.objects = objects;
    for (const obj of objects) {
      const key = `${obj.kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
      // The first declaration wins, as a duplicate would be refused by kustomize anyway.
      if (!this.#index.has(key)) this.#index.set(key, obj);
    }
  }

  /**
   * find is the object of that kind and name in `namespace`, or declared without a namespace (it then lands in the
   * namespace its Kustomization targets, which is the one asked for); undefined when the manifests lack it.
   */
  find<T extends KubeObject = KubeObject>(kind: string, namespace: string, name: string): T | undefined {
    const found = this.#index.get(`${kind}/${namespace}/${name}`) ?? this.#index.get(`${kind}//${name}`);
    if (!found) return undefined;
    const copy = structuredClone(found);
    copy.metadata.namespace = namespace;
    return copy as T;
  }
}

/** loadLocalManifests reads every object under `dir` (kustomize-built where a kustomization file says so). */
export async function loadLocalManifests(dir: string): Promise<LocalManifests> {
  const e = await loadEngines();
  const objects: KubeObject[] = [];
  const parse = (text: string, where: string): void => {
    for (const doc of splitYaml(text)) {
      let value;
      try {
        value = e.yamlToJson(doc);
      } catch (err) {
        throw new CliBuildError(`failed to read ${where}: ${errorMessage(err)}`, { cause: err });
      }
      const obj = value as JsonObject | null;
      if (obj && typeof obj === 'object' && typeof obj['kind'] === 'string' && typeof obj['metadata'] === 'object') {
        objects.push(obj as unknown as KubeObject);
      }
    }
  };
  const walk = (d: string): void => {
    const names = readdirSync(d).sort();
    if (e.kustomize.KUSTOMIZATION_FILES.some((n) => names.includes(n))) {
      let yaml: string;
      try {
        yaml = e.kustomize.build(d, { fs: e.kustomize.nodeFileSystem, allowRemote: false, env: process.env }).yaml;
      } catch (err) {
        throw new CliBuildError(`kustomize build failed: ${errorMessage(err)}`, { cause: err });
      }
      parse(yaml, d);
      return;
    }
    for (const name of names) {
      if (name.startsWith('.')) continue;
      const p = join(d, name);
      const info = statSync(p);
      if (info.isDirectory()) walk(p);
      else if (info.isFile() && MANIFEST_EXTENSIONS.has(extname(name))) parse(readFileSync(p, 'utf8'), p);
    }
  };
  walk(resolve(dir));
  return new LocalManifests(objects);
}

/** isSopsEncrypted says whether an object still carries SOPS metadata (its values are ciphertext). */
export function isSopsEncrypted(obj: KubeObject): boolean {
  const sops = obj['sops'];
  return typeof sops === 'object' && sops !== null;
}
