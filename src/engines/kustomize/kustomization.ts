import { isMap, type YAMLMap } from 'yaml';

import type { Problems } from './errors.ts';
import { lineCol } from './errors.ts';
import { parseWithYaml } from './parse.ts';
import { entries, field, isScalar, isSeq, items, toJS } from './nodes.ts';
import { plainWouldRetype } from './yaml/resolve.ts';

/** KUSTOMIZATION_FILES are the names kustomize looks for, in its order. */
export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** KNOWN_FIELDS are the top-level fields of kustomize's Kustomization type; anything else is an error. */
const KNOWN_FIELDS = new Set([
  'apiVersion', 'kind', 'metadata', 'openapi', 'namePrefix', 'nameSuffix', 'namespace', 'commonLabels', 'labels',
  'commonAnnotations', 'patchesStrategicMerge', 'patchesJson6902', 'patches', 'images', 'imageTags', 'replacements',
  'replicas', 'vars', 'sortOptions', 'resources', 'components', 'crds', 'bases', 'configMapGenerator',
  'secretGenerator', 'helmGlobals', 'helmCharts', 'helmChartInflationGenerator', 'generatorOptions', 'configurations',
  'generators', 'transformers', 'validators', 'buildMetadata',
]); // prettier-ignore

const KUSTOMIZATION_API_VERSION = 'kustomize.config.k8s.io/v1beta1';
const COMPONENT_API_VERSION = 'kustomize.config.k8s.io/v1alpha1';

/** FIELD_BY_FOLDED finds a field by its lower-cased name, as Go's JSON decoder matches names without case. */
const FIELD_BY_FOLDED = new Map([...KNOWN_FIELDS].map((f) => [f.toLowerCase(), f]));

/**
 * canonicalKeys renames top-level keys to kustomize's spelling: kustomize decodes the file as JSON, whose field
 * names match case-insensitively (`nameprefix`, `Resources`). Go's decoder visits the keys in sorted order and a
 * later one overwrites, so of two spellings of one field the one sorting last is kept.
 */
function canonicalKeys(node: YAMLMap): void {
  const keyOf = (p: { key: unknown }): string | undefined => {
    const v = (p.key as { value?: unknown } | null)?.value;
    return typeof v === 'string' ? v : undefined;
  };
  const canonicalOf = (key: string): string | undefined =>
    KNOWN_FIELDS.has(key) ? key : FIELD_BY_FOLDED.get(key.toLowerCase());
  const winners = new Map<string, { key: string; pair: (typeof node.items)[number] }>();
  for (const pair of node.items) {
    const key = keyOf(pair);
    const canonical = key === undefined ? undefined : canonicalOf(key);
    if (key === undefined || canonical === undefined) continue;
    const best = winners.get(canonical);
    // The same spelling twice: YAML decoding already kept the last one.
    if (best === undefined || key >= best.key) winners.set(canonical, { key, pair });
  }
  node.items = node.items.filter((p) => {
    const key = keyOf(p);
    const canonical = key === undefined ? undefined : canonicalOf(key);
    return canonical === undefined || winners.get(canonical)?.pair === p;
  });
  for (const [canonical, { key, pair }] of winners)
    if (key !== canonical) (pair.key as { value: unknown }).value = canonical;
}

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);

/** isNullNode: a missing value or a plain null scalar (the failsafe schema keeps its text). */
function isNullNode(n: unknown): boolean {
  if (n === null || n === undefined) return true;
  return isScalar(n) && (n.value === null || (n.type === 'PLAIN' && typeof n.value === 'string' && NULLS.has(n.value)));
}

/**
 * isEmpty is kustomize's CheckEmpty: nothing but apiVersion and kind is set (a null value, or an empty string in a
 * string field, sets nothing; an empty list or map does).
 */
function isEmpty(node: YAMLMap): boolean {
  return entries(node).every(
    ([key, v]) =>
      key === 'apiVersion' ||
      key === 'kind' ||
      isNullNode(v) ||
      (['namePrefix', 'nameSuffix', 'namespace'].includes(key) && isScalar(v) && v.value === ''),
  );
}

/** Kustomization is a parsed kustomization file: plain data (scalars as strings) plus its mapping node. */
export interface Kustomization {
  file: string;
  dir: string;
  kind: 'Kustomization' | 'Component';
  node: YAMLMap;
  data: Record<string, unknown>;
  /** text of the file, for line and column of entries in diagnostics (empty for generated kustomizations). */
  text?: string;
}

/**
 * positionOf finds the line and column of a list entry (`resources: [x]`) or field in a kustomization, so a
 * diagnostic about it can point there.
 */
export function positionOf(k: Kustomization, key: string, value?: string): { line?: number; col?: number } {
  if (!k.text) return {};
  const v = field(k.node, key);
  let n: unknown = v;
  if (value !== undefined && isSeq(v)) n = v.items.find((it) => isScalar(it) && it.value === value);
  const range = (n as { range?: [number, number, number] } | undefined)?.range;
  return range ? lineCol(k.text, range[0]) : {};
}

/** parseKustomization reads and checks a kustomization file's text. */
export function parseKustomization(
  text: string,
  file: string,
  dir: string,
  problems: Problems,
): Kustomization | undefined {
  const before = problems.list.length;
  const docs = parseWithYaml(text, file, problems, { allowDuplicateKeys: true });
  const doc = docs[0];
  if (!doc) {
    if (problems.list.length === before) problems.add(file, 'kustomization.yaml is empty');
    return undefined;
  }
  if (docs.length > 1) problems.add(file, 'a kustomization file must hold exactly one YAML document');
  const node = doc.contents;
  if (!isMap(node) || node.items.length === 0) {
    problems.add(file, 'kustomization.yaml is empty');
    return undefined;
  }
  canonicalKeys(node);
  let ok = true;
  for (const [key] of entries(node)) {
    if (!KNOWN_FIELDS.has(key)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown }).value === key);
      const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
      const pos = range ? lineCol(text, range[0]) : undefined;
      problems.add(file, `invalid Kustomization: json: unknown field "${key}"`, pos?.line, pos?.col);
      ok = false;
    }
  }
  ok = checkStringFields(node, text, file, problems) && ok;
  const data = toJS(node, doc) as Record<string, unknown>;
  const kind = data['kind'] ?? 'Kustomization';
  if (kind !== 'Kustomization' && kind !== 'Component') {
    problems.add(file, `unknown kind "${asText(kind)}": kind should be Kustomization or Component`);
    ok = false;
  } else {
    const apiVersion = data['apiVersion'];
    const required = kind === 'Component' ? COMPONENT_API_VERSION : KUSTOMIZATION_API_VERSION;
    if (apiVersion !== undefined && apiVersion !== null && apiVersion !== '' && apiVersion !== required) {
      problems.add(file, `apiVersion for ${kind} should be ${required}`);
      ok = false;
    }
  }
  if (ok && isEmpty(node)) {
    problems.add(file, 'kustomization.yaml is empty');
    return undefined;
  }
  if (!ok) return undefined;
  return { file, dir, kind: kind as 'Kustomization' | 'Component', node, data, text };
}

/**
 * checkStringFields reports string-typed fields written as plain scalars that kustomize's YAML-to-JSON step reads
 * as numbers or booleans (`newTag: 1.10`, `tier: true`): kustomize refuses them, so must we.
 */
function checkStringFields(node: YAMLMap, text: string, file: string, problems: Problems): boolean {
  let ok = true;
  const check = (n: unknown, where: string): void => {
    if (!isScalar(n) || n.type !== 'PLAIN' || typeof n.value !== 'string') return;
    if (NULLS.has(n.value) || !plainWouldRetype(n.value)) return;
    const pos = n.range ? lineCol(text, n.range[0]) : undefined;
    problems.add(
      file,
      `invalid Kustomization: ${where} must be a string, not ${n.value} (quote it)`,
      pos?.line,
      pos?.col,
    );
    ok = false;
  };
  const values = (m: unknown, where: string): void => {
    for (const [k, v] of entries(m)) check(v, `${where}.${k}`);
  };
  for (const key of ['namePrefix', 'nameSuffix', 'namespace']) check(field(node, key), key);
  values(field(node, 'commonLabels'), 'commonLabels');
  values(field(node, 'commonAnnotations'), 'commonAnnotations');
  items(field(node, 'labels')).forEach((l, i) => values(field(l, 'pairs'), `labels[${i}].pairs`));
  for (const list of ['images', 'imageTags']) {
    items(field(node, list)).forEach((im, i) => {
      for (const key of ['name', 'newName', 'newTag', 'digest']) check(field(im, key), `${list}[${i}].${key}`);
    });
  }
  const opts = (o: unknown, where: string): void => {
    values(field(o, 'labels'), `${where}.labels`);
    values(field(o, 'annotations'), `${where}.annotations`);
  };
  opts(field(node, 'generatorOptions'), 'generatorOptions');
  for (const g of ['configMapGenerator', 'secretGenerator']) {
    items(field(node, g)).forEach((e, i) => opts(field(e, 'options'), `${g}[${i}].options`));
  }
  return ok;
}

/** text renders a scalar read from a kustomization as a string ('' for null or absent). */
export function asText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v === null || v === undefined) return '';
  return JSON.stringify(v);
}

/** strings reads a list of strings (absent → []). */
export function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.map((x) => (x === null || x === undefined ? '' : String(x as string))) : [];
}

/** stringRecord reads a map of strings. */
export function stringRecord(v: unknown): Map<string, string> {
  const m = new Map<string, string>();
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) m.set(k, asText(x));
  }
  return m;
}

/** bool reads a YAML boolean read as a string by the failsafe schema. */
export function bool(v: unknown): boolean {
  return v === true || v === 'true' || v === 'True' || v === 'TRUE';
}

/** records reads a list of mappings. */
export function records(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => !!x && typeof x === 'object') : [];
}
