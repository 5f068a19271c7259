// Helm values files for `create helmrelease --values`: read like flux does (sigs.k8s.io/yaml, so YAML 1.1 scalars
// such as `yes` and `0755`, timestamps kept as strings), numbers through float64, files deep-merged left to right.
import { readFile } from 'node:fs/promises';

import { parseAllDocuments } from 'yaml';

import { CreateInputError } from './common.ts';
import type { YamlValue } from './yaml-value.ts';

type ValuesMap = { [key: string]: YamlValue };

const isMap = (v: unknown): v is ValuesMap => typeof v === 'object' && v !== null && !Array.isArray(v);

/** mergeValues deep-merges b over a: nested maps merge, anything else replaces (fluxcd/pkg transform.MergeMaps). */
export function mergeValues(a: ValuesMap, b: ValuesMap): ValuesMap {
  const out: ValuesMap = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isMap(v) && isMap(prev) ? mergeValues(prev, v) : v;
  }
  return out;
}

/** toJsonable turns parsed YAML into JSON data: keys become strings, byte arrays and dates are not expected. */
function toJsonable(v: unknown, file: string): YamlValue {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v))
      throw new CreateInputError(`marshaling values failed: ${file} holds ${v}, which JSON cannot carry`);
    return v;
  }
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map((x) => toJsonable(x, file));
  if (v instanceof Map) {
    const out: ValuesMap = {};
    for (const [k, x] of v) out[String(k)] = toJsonable(x, file);
    return out;
  }
  if (typeof v === 'object') {
    const out: ValuesMap = {};
    for (const [k, x] of Object.entries(v)) out[k] = toJsonable(x, file);
    return out;
  }
  return null;
}

/** parseValues parses one values file's text; it must hold a mapping (or nothing). */
export function parseValues(text: string, file: string): ValuesMap {
  // Like yaml.Unmarshal in Go, only the first document counts.
  let doc: unknown;
  try {
    const first = parseAllDocuments(text, {
      schema: 'yaml-1.1',
      customTags: (tags) =>
        tags.filter((t) => typeof t === 'string' || (t.format !== 'TIME' && t.tag !== 'tag:yaml.org,2002:timestamp')),
      uniqueKeys: false,
    })[0];
    if (first?.errors[0]) throw first.errors[0];
    doc = first?.toJS({ maxAliasCount: -1 });
  } catch (err) {
    throw new CreateInputError(
      `converting values to JSON from ${file} failed: ${(err as Error).message.split('\n')[0]}`,
      {
        cause: err,
      },
    );
  }
  if (doc === null || doc === undefined) return {};
  const json = toJsonable(doc, file);
  if (!isMap(json))
    throw new CreateInputError(`unmarshaling values from ${file} failed: the file must hold a YAML mapping`);
  return json;
}

/** readValuesFiles reads and merges the `--values` files in order. */
export async function readValuesFiles(files: string[]): Promise<ValuesMap> {
  let merged: ValuesMap = {};
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new CreateInputError(
        `reading values from ${file} failed: ${(err as NodeJS.ErrnoException).code ?? 'error'}: check the path`,
        {
          cause: err,
        },
      );
    }
    merged = mergeValues(merged, parseValues(text, file));
  }
  return merged;
}
