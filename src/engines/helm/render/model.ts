import {
  ANY,
  BYTES,
  goInt,
  goInt64,
  GoInt,
  GoNil,
  type GoMap,
  goMethod,
  type GoValue,
  isGoMap,
  MAP_ANY,
  mapGet,
  mapOf,
  mapSet,
  namedType,
  SLICE_STRING,
  sortedKeys,
  STRING,
  withGoType,
} from '../../gotemplate/index.ts';
import { quote as goQuote, utf8Decode } from '../../gotemplate/index.ts';
import type { Value } from '../values/value.ts';
import { compileGlob } from './glob.ts';
import { toYamlText } from './yaml-out.ts';
import type { ChartFile, Metadata } from '../chart/types.ts';

/**
 * The objects Helm hands to templates, in the Go value model of engines/gotemplate: `.Values` (common.Values,
 * with its methods), `.Files` (engine.files), `.Chart` (Helm v4's map keyed by Go field names), `.Release`.
 */

/** toGoValue converts chart values (Maps, bigint int64) to template values (plain objects, GoInt). */
export function toGoValue(v: Value): GoValue {
  if (v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return v;
  if (typeof v === 'bigint') return goInt64(v);
  if (Array.isArray(v)) return v.map(toGoValue);
  const out: GoMap = {};
  for (const [k, e] of v) mapSet(out, k, toGoValue(e));
  return out;
}

/** fromGoValue converts template data back to chart values (only JSON-like shapes; others become strings). */
export function fromGoValue(v: GoValue | undefined): Value {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return v;
  if (v instanceof GoInt) return v.value;
  if (Array.isArray(v)) return v.map(fromGoValue);
  if (isGoMap(v)) {
    const out = new Map<string, Value>();
    for (const k of Object.keys(v)) out.set(k, fromGoValue(mapGet(v, k)));
    return out;
  }
  return typeof v === 'object' ? Object.prototype.toString.call(v) : String(v);
}

// ---- common.Values ----

function tableOf(v: GoMap, name: string): { table: GoMap; err?: string } {
  let t = v;
  for (const n of name.split('.')) {
    const next = mapGet(t, n);
    if (next === undefined) return { table: t, err: `${goQuote(n)} is not a table` };
    if (!isGoMap(next)) return { table: {}, err: `${goQuote(n)} is not a table` };
    t = next;
  }
  return { table: t };
}

/** VALUES is common.Values: a map with YAML, Table, AsMap, Encode and PathValue methods. */
export const VALUES = namedType('common.Values', MAP_ANY, {});
VALUES.methods.set(
  'YAML',
  goMethod(VALUES, [], (v) => toYamlText(v) + '\n', { type: STRING, error: true }),
);
VALUES.methods.set(
  'Table',
  goMethod(
    VALUES,
    [STRING],
    (v, name) => {
      const { table, err } = tableOf(v, name);
      if (err !== undefined) throw new Error(err);
      return withGoType(table, VALUES);
    },
    { type: VALUES, error: true },
  ),
);
VALUES.methods.set(
  'AsMap',
  goMethod(VALUES, [], (v) => (Object.keys(v).length === 0 ? {} : v), { type: MAP_ANY }),
);
VALUES.methods.set(
  'PathValue',
  goMethod(
    VALUES,
    [STRING],
    (v, path) => {
      if (path === '') throw new Error('YAML path cannot be empty');
      const parts = path.split('.');
      const key = parts.pop()!;
      let t: GoMap = v;
      if (parts.length > 0) {
        const r = tableOf(v, parts.join('.'));
        if (r.err !== undefined) throw new Error(`${goQuote(key)} is not a value`);
        t = r.table;
      }
      const found = mapGet(t, key);
      if (found === undefined || isGoMap(found)) throw new Error(`${goQuote(key)} is not a value`);
      return found;
    },
    { type: ANY, error: true },
  ),
);

/** valuesObject tags a values map as common.Values (what `.Values` is in every chart's templates). */
export function valuesObject(m: GoMap): GoMap {
  return withGoType(m, VALUES);
}

// ---- .Files ----

/** NIL_BYTES marks a file whose data is Go's nil slice (an empty file read from an archive). */
export const NIL_BYTES = new Uint8Array(0);

const decoder = new TextDecoder();
const FILES_MAP = mapOf(STRING, BYTES);

/** FILES is engine.files: the chart's plain files by path, with Get, GetBytes, Glob, Lines, AsConfig, AsSecrets. */
export const FILES = namedType('engine.files', FILES_MAP, {});
const bytesOf = (f: GoMap, name: string): Uint8Array | undefined => mapGet(f, name) as Uint8Array | undefined;
const baseName = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

FILES.methods.set(
  'GetBytes',
  goMethod(FILES, [STRING], (f, name) => bytesOf(f, name) ?? new Uint8Array(0), { type: BYTES }),
);
FILES.methods.set(
  'Get',
  goMethod(FILES, [STRING], (f, name) => utf8Decode(bytesOf(f, name) ?? new Uint8Array(0)), { type: STRING }),
);
FILES.methods.set(
  'Glob',
  goMethod(
    FILES,
    [STRING],
    (f, pattern) => {
      const re = compileGlob(pattern);
      const out: GoMap = {};
      for (const name of Object.keys(f)) if (re === undefined || re.test(name)) mapSet(out, name, mapGet(f, name)!);
      return withGoType(out, FILES);
    },
    { type: FILES },
  ),
);
FILES.methods.set(
  'AsConfig',
  goMethod(
    FILES,
    [],
    (f) => {
      const m = new Map<string, Value>();
      // json.Marshal (under toYaml) turns invalid UTF-8 into U+FFFD, as the plain decoder does.
      for (const name of sortedKeys(f)) m.set(baseName(name), decoder.decode(bytesOf(f, name)));
      return toYamlText(m);
    },
    { type: STRING },
  ),
);
FILES.methods.set(
  'AsSecrets',
  goMethod(
    FILES,
    [],
    (f) => {
      const m = new Map<string, Value>();
      for (const name of sortedKeys(f)) m.set(baseName(name), Buffer.from(bytesOf(f, name)!).toString('base64'));
      return toYamlText(m);
    },
    { type: STRING },
  ),
);
FILES.methods.set(
  'Lines',
  goMethod(
    FILES,
    [STRING],
    (f, path) => {
      const data = bytesOf(f, path);
      if (data === undefined || data === NIL_BYTES) return withGoType([], SLICE_STRING);
      let s = utf8Decode(data);
      if (s.length === 0) throw new Error('runtime error: index out of range [-1]');
      if (s.endsWith('\n')) s = s.slice(0, -1);
      return withGoType(s.split('\n'), SLICE_STRING);
    },
    { type: SLICE_STRING },
  ),
);

/** filesObject builds `.Files` from a chart's plain files. */
export function filesObject(files: readonly ChartFile[]): GoMap {
  const out: GoMap = {};
  for (const f of files) mapSet(out, f.name, f.data);
  return withGoType(out, FILES);
}

// ---- .Chart ----

const MAP_STRING_STRING = mapOf(STRING, STRING);

/** chartObject is Helm v4's `.Chart`: Chart.yaml as a map keyed by the Go field names, plus IsRoot. */
export function chartObject(md: Metadata, isRoot: boolean): GoMap {
  const maintainers = md.maintainers.map((m) => (m === null ? null : { Name: m.name, Email: m.email, URL: m.url }));
  const dependencies = (md.dependencies ?? []).map((d) =>
    d === null
      ? null
      : {
          Name: d.name,
          Version: d.version,
          Repository: d.repository,
          Condition: d.condition,
          Tags: [...d.tags],
          Enabled: d.enabled,
          ImportValues: d.importValues.map((iv) => {
            const g = toGoValue(iv);
            return isGoMap(g) ? withGoType(g, MAP_STRING_STRING) : g;
          }),
          Alias: d.alias,
        },
  );
  const annotations: GoValue =
    md.annotations === undefined ? new GoNil(MAP_STRING_STRING) : withGoType({ ...md.annotations }, MAP_STRING_STRING);
  const out: GoMap = {
    Name: md.name,
    Home: md.home,
    Sources: [...md.sources],
    Version: md.version,
    Description: md.description,
    Keywords: [...md.keywords],
    Maintainers: maintainers,
    Icon: md.icon,
    APIVersion: md.apiVersion,
    Condition: md.condition,
    Tags: md.tags,
    AppVersion: md.appVersion,
    Deprecated: md.deprecated,
    Annotations: annotations,
    KubeVersion: md.kubeVersion,
    Dependencies: dependencies,
    Type: md.type,
    IsRoot: isRoot,
  };
  return out;
}

/** releaseObject is `.Release`. */
export function releaseObject(r: {
  name: string;
  namespace: string;
  isUpgrade: boolean;
  isInstall: boolean;
  revision: number;
}): GoMap {
  return {
    Name: r.name,
    Namespace: r.namespace,
    IsUpgrade: r.isUpgrade,
    IsInstall: r.isInstall,
    Revision: goInt(r.revision),
    Service: 'Helm',
  };
}
