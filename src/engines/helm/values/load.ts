import { yamlToJson, YamlToJsonError } from '../yaml/decode.ts';
import { jsonKind } from './json.ts';
import type { Value, ValueMap } from './value.ts';

/**
 * Reading values files as Helm v4 does: the text is split into YAML documents on `---` lines (Kubernetes' YAML
 * reader: a line starting with `---` may only carry spaces or a comment after it), each document must be a map,
 * and the documents are deep-merged in order.
 */

/** ValuesError is a values text Helm refuses; the message is Helm's. */
export class ValuesError extends Error {}

/** splitYamlDocuments is apimachinery's YAMLReader: documents between `---` lines, lines re-ended with `\n`. */
export function splitYamlDocuments(text: string): string[] {
  const docs: string[] = [];
  let buffer = '';
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    const last = end === -1;
    if (last) end = text.length;
    let line = text.slice(start, end);
    if (!last && line.endsWith('\r')) line = line.slice(0, -1);
    start = end + 1;
    if (line.startsWith('---')) {
      const trimmed = line.slice(3).trim();
      if (trimmed.length > 0 && trimmed[0] !== '#') {
        throw new ValuesError(`error reading yaml document: invalid Yaml document separator: ${trimmed}`);
      }
      if (buffer.length !== 0) docs.push(buffer);
      buffer = '';
      continue;
    }
    buffer += line + '\n';
  }
  if (buffer.length !== 0) docs.push(buffer);
  return docs;
}

/** decodeValuesDocument is sigs.k8s.io/yaml.Unmarshal of one document into map[string]interface{}. */
export function decodeValuesDocument(doc: string | Uint8Array): ValueMap {
  let v: Value;
  try {
    v = yamlToJson(doc);
  } catch (err) {
    if (err instanceof YamlToJsonError) throw new ValuesError(`error converting YAML to JSON: ${err.message}`);
    throw err;
  }
  if (v === null) return new Map();
  if (!(v instanceof Map)) {
    throw new ValuesError(
      `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKind(v)} into Go value of type map[string]interface {}`,
    );
  }
  return v;
}

/** loadValues is Helm's LoadValues: every document of a values text, merged. */
export function loadValues(text: string): ValueMap {
  let values: ValueMap = new Map();
  for (const doc of splitYamlDocuments(text)) {
    let current: ValueMap;
    try {
      current = decodeValuesDocument(doc);
    } catch (err) {
      if (err instanceof ValuesError) throw new ValuesError(`cannot unmarshal yaml document: ${err.message}`);
      throw err;
    }
    values = mergeMaps(values, current);
  }
  return values;
}

/** mergeMaps is Helm's MergeMaps: b wins; maps on both sides merge recursively; the inputs are not modified. */
export function mergeMaps(a: ValueMap, b: ValueMap): ValueMap {
  const out: ValueMap = new Map(a);
  for (const [k, v] of b) {
    if (v instanceof Map) {
      const existing = out.get(k);
      if (existing instanceof Map) {
        out.set(k, mergeMaps(existing, v));
        continue;
      }
    }
    out.set(k, v);
  }
  return out;
}
