import { goJsonString } from '../values/json.ts';
import { encodeGoJson } from '../values/json-encode.ts';
import { formatRfc3339Nano, localTime, parseRfc3339, ZERO_TIME_TEXT } from '../release/time.ts';
import type { Value } from '../values/value.ts';
import { decodeGoStruct, GoJsonTypeError } from './gojson.ts';
import { LOCK, METADATA } from './metadata.ts';
import {
  Chart,
  type ChartFile,
  type Dependency,
  emptyMetadata,
  type Lock,
  type Maintainer,
  type Metadata,
} from './types.ts';

/**
 * A chart as Go's encoding/json writes Helm's chart.Chart (release records store the root chart this way):
 * struct fields in declaration order, `omitempty` honoured, bytes in base64, times in RFC 3339.
 */

/** JsonFields builds a JSON object from [key, encoded value | undefined (omitted)] pairs. */
function object(fields: [string, string | undefined][]): string {
  return `{${fields
    .filter((f): f is [string, string] => f[1] !== undefined)
    .map(([k, v]) => `${goJsonString(k)}:${v}`)
    .join(',')}}`;
}

const str = (s: string): string => goJsonString(s);
const omitStr = (s: string): string | undefined => (s === '' ? undefined : goJsonString(s));
const omitList = (l: readonly string[]): string | undefined =>
  l.length === 0 ? undefined : `[${l.map(str).join(',')}]`;

function maintainerJson(m: Maintainer | null): string {
  if (m === null) return 'null';
  return object([
    ['name', omitStr(m.name)],
    ['email', omitStr(m.email)],
    ['url', omitStr(m.url)],
  ]);
}

/** dependencyJson is a chart.Dependency (name and repository always written). */
export function dependencyJson(d: Dependency | null): string {
  if (d === null) return 'null';
  return object([
    ['name', str(d.name)],
    ['version', omitStr(d.version)],
    ['repository', str(d.repository)],
    ['condition', omitStr(d.condition)],
    ['tags', omitList(d.tags)],
    ['enabled', d.enabled ? 'true' : undefined],
    ['import-values', d.importValues.length === 0 ? undefined : encodeGoJson(d.importValues)],
    ['alias', omitStr(d.alias)],
  ]);
}

/** metadataJson is chart.Metadata. */
export function metadataJson(md: Metadata): string {
  const annotations =
    md.annotations === undefined || Object.keys(md.annotations).length === 0
      ? undefined
      : encodeGoJson(new Map(Object.entries(md.annotations)));
  return object([
    ['name', omitStr(md.name)],
    ['home', omitStr(md.home)],
    ['sources', omitList(md.sources)],
    ['version', omitStr(md.version)],
    ['description', omitStr(md.description)],
    ['keywords', omitList(md.keywords)],
    ['maintainers', md.maintainers.length === 0 ? undefined : `[${md.maintainers.map(maintainerJson).join(',')}]`],
    ['icon', omitStr(md.icon)],
    ['apiVersion', omitStr(md.apiVersion)],
    ['condition', omitStr(md.condition)],
    ['tags', omitStr(md.tags)],
    ['appVersion', omitStr(md.appVersion)],
    ['deprecated', md.deprecated ? 'true' : undefined],
    ['annotations', annotations],
    ['kubeVersion', omitStr(md.kubeVersion)],
    [
      'dependencies',
      md.dependencies === null || md.dependencies.length === 0
        ? undefined
        : `[${md.dependencies.map(dependencyJson).join(',')}]`,
    ],
    ['type', omitStr(md.type)],
  ]);
}

function timeJson(ns: bigint | undefined): string {
  return ns === undefined ? `"${ZERO_TIME_TEXT}"` : `"${formatRfc3339Nano(localTime(ns))}"`;
}

/** lockJson is chart.Lock (or null). */
export function lockJson(lock: Lock | null): string {
  if (lock === null) return 'null';
  const t = parseRfc3339(lock.generated);
  return object([
    ['generated', t === undefined ? `"${ZERO_TIME_TEXT}"` : `"${formatRfc3339Nano(t)}"`],
    ['digest', str(lock.digest)],
    ['dependencies', lock.dependencies === null ? 'null' : `[${lock.dependencies.map(dependencyJson).join(',')}]`],
  ]);
}

function filesJson(files: readonly ChartFile[]): string {
  if (files.length === 0) return 'null';
  return `[${files
    .map((f) =>
      object([
        ['name', str(f.name)],
        ['data', `"${Buffer.from(f.data).toString('base64')}"`],
        ['modtime', f.modTime === undefined ? undefined : timeJson(f.modTime)],
      ]),
    )
    .join(',')}]`;
}

/** chartJson is chart.Chart as a release record stores it (subcharts are not part of it). */
export function chartJson(c: Chart): string {
  return object([
    ['metadata', metadataJson(c.metadata)],
    ['lock', lockJson(c.lock)],
    ['templates', filesJson(c.templates)],
    ['values', c.values === null ? 'null' : encodeGoJson(c.values)],
    ['schema', c.schema === null ? 'null' : `"${Buffer.from(c.schema).toString('base64')}"`],
    ['schemamodtime', timeJson(c.schemaModTime)],
    ['files', filesJson(c.files)],
    ['modtime', c.modTime === undefined ? undefined : timeJson(c.modTime)],
  ]);
}

/** ChartJsonError is a stored chart that does not decode. */
export class ChartJsonError extends Error {}

function filesFromJson(v: Value | undefined, what: string): ChartFile[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new ChartJsonError(`chart ${what}: expected a list`);
  return v.map((e) => {
    if (!(e instanceof Map)) throw new ChartJsonError(`chart ${what}: expected objects`);
    const name = e.get('name');
    const data = e.get('data');
    if (typeof name !== 'string' || (data !== null && data !== undefined && typeof data !== 'string')) {
      throw new ChartJsonError(`chart ${what}: a file needs a string name and base64 data`);
    }
    const file: ChartFile = { name, data: new Uint8Array(Buffer.from(data ?? '', 'base64')) };
    const modTime = timeFromJson(e.get('modtime'));
    if (modTime !== undefined) file.modTime = modTime;
    return file;
  });
}

function timeFromJson(v: Value | undefined): bigint | undefined {
  if (typeof v !== 'string' || v === '' || v === ZERO_TIME_TEXT) return undefined;
  const t = parseRfc3339(v);
  if (t === undefined) throw new ChartJsonError(`chart: malformed time ${JSON.stringify(v)}`);
  return t.ns;
}

/**
 * chartFromJson is the inverse of chartJson: the root chart a release record stores (no subcharts; their
 * templates were rendered into the manifest).
 */
export function chartFromJson(v: Value): Chart {
  if (!(v instanceof Map)) throw new ChartJsonError('chart: expected an object');
  let md: Metadata;
  let lock: Lock | null;
  try {
    const raw = v.get('metadata');
    md = raw === undefined || raw === null ? emptyMetadata() : decodeGoStruct<Metadata>(raw, METADATA);
    const rawLock = v.get('lock');
    lock = rawLock === undefined || rawLock === null ? null : decodeGoStruct<Lock>(rawLock, LOCK);
  } catch (err) {
    if (err instanceof GoJsonTypeError) throw new ChartJsonError(`chart: ${err.message}`, { cause: err });
    throw err;
  }
  const chart = new Chart(md);
  chart.lock = lock;
  chart.templates = filesFromJson(v.get('templates'), 'templates');
  chart.files = filesFromJson(v.get('files'), 'files');
  const values = v.get('values');
  if (values !== undefined && values !== null && !(values instanceof Map)) {
    throw new ChartJsonError('chart values: expected an object');
  }
  chart.values = values ?? null;
  const schema = v.get('schema');
  chart.schema = typeof schema === 'string' ? new Uint8Array(Buffer.from(schema, 'base64')) : null;
  chart.schemaModTime = timeFromJson(v.get('schemamodtime'));
  chart.modTime = timeFromJson(v.get('modtime'));
  return chart;
}
