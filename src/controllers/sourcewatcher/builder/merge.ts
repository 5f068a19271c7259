// The Merge copy strategy (source-watcher merge.go): every YAML document of a file is merged into one map, then the
// source file's map is merged over the destination's with Helm's values rule (nested maps merge, any other value,
// lists included, replaces), and the result is written as sigs.k8s.io/yaml prints it.
import { parseAllDocuments } from 'yaml';

import { marshalSigsYaml, type Value } from '../../../engines/goyaml/index.ts';
import { FluxtsError } from '../../../util/errors.ts';

/** MergeError: a file is not YAML made of maps. */
export class MergeError extends FluxtsError {}

type YamlMap = { [key: string]: unknown };

const isMap = (v: unknown): v is YamlMap => typeof v === 'object' && v !== null && !Array.isArray(v);

/** mergeMaps deep-merges overlay over base (Helm's values merge); neither input is changed. */
export function mergeMaps(base: YamlMap, overlay: YamlMap): YamlMap {
  const out: YamlMap = { ...base };
  for (const [k, v] of Object.entries(overlay)) {
    const b = out[k];
    out[k] = isMap(v) && isMap(b) ? mergeMaps(b, v) : v;
  }
  return out;
}

/** loadYamlMap reads every document of a YAML stream and merges them, in order, into one map. */
export function loadYamlMap(text: string, name: string): YamlMap {
  let out: YamlMap = {};
  for (const doc of parseAllDocuments(text, { version: '1.1', merge: true })) {
    if (doc.errors.length > 0) {
      throw new MergeError(`error reading YAML document in '${name}': ${doc.errors[0]?.message ?? ''}`);
    }
    const value: unknown = doc.toJS({ maxAliasCount: 10_000 });
    if (value === null || value === undefined) continue;
    if (!isMap(value)) throw new MergeError(`cannot unmarshal YAML document in '${name}': not a map`);
    out = mergeMaps(out, value);
  }
  return out;
}

/** mergeYamlFiles merges the source file's YAML over the destination's and returns the new destination text. */
export function mergeYamlFiles(destination: string, source: string): string {
  return marshalSigsYaml(mergeMaps(loadYamlMap(destination, 'destination'), loadYamlMap(source, 'source')) as Value);
}
