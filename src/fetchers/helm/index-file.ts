// A Helm repository index (`index.yaml`), read as source-controller reads it (`repository.IndexFromBytes`): JSON
// when the bytes are valid JSON, else YAML through sigs.k8s.io/yaml's strict decode (unknown fields refused);
// `apiVersion` required; entries whose chart metadata fails Helm's validation dropped (an alias clash excepted,
// as JFrog indexes strip aliases); versions sorted newest first. `indexJson` writes it back as the artifact:
// Go's `json.MarshalIndent(index, "", "  ")` of Helm's `repo.IndexFile`.
import {
  ChartValidationError,
  decodeGoStruct,
  encodeGoJson,
  fromJs,
  GoAny,
  GoBool,
  GoJsonTypeError,
  GoString,
  goJsonString,
  METADATA,
  metadataJson,
  parseGoJson,
  sigsTarget,
  validateMetadata,
  yamlToJson,
  YamlToJsonError,
  type GoType,
  type Metadata,
  type Value,
} from '../../engines/helm/index.ts';
import { parseVersion, type SemverVersion } from '../../engines/semver-range/index.ts';
import { HelmRepositoryError } from './errors.ts';

/** ChartVersion is one entry of an index: the chart's metadata and where its package is. */
export interface ChartVersion extends Metadata {
  urls: string[];
  /** created: RFC 3339 text as written ('' when absent). */
  created: string;
  removed: boolean;
  digest: string;
  checksum: string;
  engine: string;
  tillerVersion: string;
  url: string;
}

/** IndexFile is a repository index. */
export interface IndexFile {
  serverInfo: Record<string, unknown> | undefined;
  apiVersion: string;
  generated: string;
  entries: Record<string, (ChartVersion | null)[]>;
  publicKeys: string[];
  annotations: Record<string, string> | undefined;
}

const STRINGS: GoType = { kind: 'slice', goName: '[]string', elem: GoString };

const CHART_VERSION: GoType & { kind: 'struct' } = {
  kind: 'struct',
  goName: '*repo.ChartVersion',
  structName: 'ChartVersion',
  pointer: true,
  fields: [
    ...METADATA.fields,
    { json: 'urls', prop: 'urls', type: STRINGS },
    { json: 'created', prop: 'created', type: GoString },
    { json: 'removed', prop: 'removed', type: GoBool },
    { json: 'digest', prop: 'digest', type: GoString },
    { json: 'checksum', prop: 'checksum', type: GoString },
    { json: 'engine', prop: 'engine', type: GoString },
    { json: 'tillerVersion', prop: 'tillerVersion', type: GoString },
    { json: 'url', prop: 'url', type: GoString },
  ],
};

const INDEX_FILE: GoType & { kind: 'struct' } = {
  kind: 'struct',
  goName: 'repo.IndexFile',
  fields: [
    { json: 'serverInfo', prop: 'serverInfo', type: { kind: 'map', goName: 'map[string]interface {}', elem: GoAny } },
    { json: 'apiVersion', prop: 'apiVersion', type: GoString },
    { json: 'generated', prop: 'generated', type: GoString },
    {
      json: 'entries',
      prop: 'entries',
      type: {
        kind: 'map',
        goName: 'map[string]repo.ChartVersions',
        elem: { kind: 'slice', goName: 'repo.ChartVersions', elem: CHART_VERSION },
      },
    },
    { json: 'publicKeys', prop: 'publicKeys', type: STRINGS },
    { json: 'annotations', prop: 'annotations', type: { kind: 'map', goName: 'map[string]string', elem: GoString } },
  ],
};

/** unknownField is encoding/json's DisallowUnknownFields check: the first key no field takes, in key order. */
function unknownField(v: Value, t: GoType): string | undefined {
  if (v instanceof Map) {
    const keys = [...v.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const key of keys) {
      let inner: GoType | undefined;
      if (t.kind === 'struct') {
        const lower = key.toLowerCase();
        inner = (t.fields.find((f) => f.json === key) ?? t.fields.find((f) => f.json.toLowerCase() === lower))?.type;
        if (inner === undefined) return key;
      } else if (t.kind === 'map') {
        inner = t.elem;
      } else {
        return undefined;
      }
      const found = unknownField(v.get(key) ?? null, inner);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (Array.isArray(v) && t.kind === 'slice') {
    for (const e of v) {
      const found = unknownField(e, t.elem);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** decodeIndex is jsonOrYamlUnmarshal: lenient encoding/json for JSON, sigs.k8s.io/yaml.UnmarshalStrict else. */
function decodeIndex(bytes: Uint8Array): IndexFile {
  const text = Buffer.from(bytes).toString('utf8');
  let value: Value;
  let strict = false;
  if (isJson(text)) {
    value = parseGoJson(text);
  } else {
    strict = true;
    try {
      value = yamlToJson(bytes, { target: sigsTarget(INDEX_FILE) });
    } catch (err) {
      if (err instanceof YamlToJsonError) {
        throw new HelmRepositoryError('index', `error converting YAML to JSON: ${err.message}`, { cause: err });
      }
      throw err;
    }
  }
  const prefix = strict ? 'error unmarshaling JSON: while decoding JSON: ' : '';
  if (strict) {
    const unknown = unknownField(value, INDEX_FILE);
    if (unknown !== undefined)
      throw new HelmRepositoryError('index', `${prefix}json: unknown field ${goJsonString(unknown)}`);
  }
  try {
    return decodeGoStruct<IndexFile>(value, INDEX_FILE);
  } catch (err) {
    if (err instanceof GoJsonTypeError)
      throw new HelmRepositoryError('index', `${prefix}${err.message}`, { cause: err });
    throw err;
  }
}

/** semverOrUndefined is Masterminds' NewVersion, undefined when the text is no version. */
function semverOrUndefined(v: string): SemverVersion | undefined {
  try {
    return parseVersion(v);
  } catch {
    return undefined;
  }
}

/** sortVersions is IndexFile.SortEntries: newest first, versions that do not parse last. */
function sortVersions(versions: (ChartVersion | null)[]): (ChartVersion | null)[] {
  const keyed = versions.map((cv) => ({ cv, v: cv ? semverOrUndefined(cv.version) : undefined }));
  keyed.sort((a, b) => {
    if (a.v === undefined) return b.v === undefined ? 0 : 1;
    if (b.v === undefined) return -1;
    return b.v.compare(a.v);
  });
  return keyed.map((k) => k.cv);
}

/**
 * parseIndex reads index bytes as source-controller does; a HelmRepositoryError of kind `index` carries Helm's
 * message (`no API version specified`, `error converting YAML to JSON: yaml: line 3: …`).
 */
export function parseIndex(bytes: Uint8Array): IndexFile {
  if (bytes.length === 0) throw new HelmRepositoryError('index', 'empty index.yaml file');
  const index = decodeIndex(bytes);
  if (index.apiVersion === '') throw new HelmRepositoryError('index', 'no API version specified');
  const entries: Record<string, (ChartVersion | null)[]> = {};
  for (const [name, versions] of Object.entries(index.entries ?? {})) {
    const kept = (versions ?? []).filter((cv) => {
      if (cv === null) return true;
      if (cv.apiVersion === '') cv.apiVersion = 'v1';
      try {
        validateMetadata(cv);
        return true;
      } catch (err) {
        // An alias clash is tolerated: some repositories strip aliases from their index.
        return err instanceof ChartValidationError && err.message.startsWith('validation: more than one dependency');
      }
    });
    entries[name] = sortVersions(kept);
  }
  index.entries = entries;
  return index;
}

/** INDENT is json.Indent's output: the compact text re-laid with two spaces per level. */
function indent(compact: string): string {
  let out = '';
  let depth = 0;
  let inString = false;
  const newline = (): string => `\n${'  '.repeat(depth)}`;
  for (let i = 0; i < compact.length; i++) {
    const c = compact[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += compact[++i] ?? '';
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      if (compact[i + 1] === close) {
        out += c + close;
        i++;
      } else {
        depth++;
        out += c + newline();
      }
    } else if (c === '}' || c === ']') {
      depth--;
      out += newline() + c;
    } else if (c === ',') {
      out += c + newline();
    } else if (c === ':') {
      out += ': ';
    } else {
      out += c;
    }
  }
  return out;
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

function chartVersionJson(cv: ChartVersion | null): string {
  if (cv === null) return 'null';
  const fields: string[] = [
    `"urls":${cv.urls.length === 0 && !Array.isArray(cv.urls) ? 'null' : `[${cv.urls.map((u) => goJsonString(u)).join(',')}]`}`,
  ];
  // time.Time is a struct: omitempty never omits it.
  fields.push(`"created":${goJsonString(cv.created === '' ? ZERO_TIME : cv.created)}`);
  if (cv.removed) fields.push('"removed":true');
  for (const key of ['digest', 'checksum', 'engine', 'tillerVersion', 'url'] as const) {
    if (cv[key] !== '') fields.push(`${goJsonString(key)}:${goJsonString(cv[key])}`);
  }
  const md = metadataJson(cv);
  return md === '{}' ? `{${fields.join(',')}}` : `${md.slice(0, -1)},${fields.join(',')}}`;
}

/** indexJson is the artifact source-controller stores: `json.MarshalIndent(index, "", "  ")`. */
export function indexJson(index: IndexFile): string {
  const parts: string[] = [];
  if (index.serverInfo && Object.keys(index.serverInfo).length > 0) {
    parts.push(`"serverInfo":${encodeGoJson(fromJs(index.serverInfo))}`);
  }
  parts.push(`"apiVersion":${goJsonString(index.apiVersion)}`);
  parts.push(`"generated":${goJsonString(index.generated === '' ? ZERO_TIME : index.generated)}`);
  const names = Object.keys(index.entries).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  parts.push(
    `"entries":{${names.map((n) => `${goJsonString(n)}:[${(index.entries[n] ?? []).map(chartVersionJson).join(',')}]`).join(',')}}`,
  );
  if (index.publicKeys.length > 0)
    parts.push(`"publicKeys":[${index.publicKeys.map((k) => goJsonString(k)).join(',')}]`);
  if (index.annotations && Object.keys(index.annotations).length > 0) {
    parts.push(`"annotations":${encodeGoJson(new Map(Object.entries(index.annotations)))}`);
  }
  return indent(`{${parts.join(',')}}`);
}
