import { isMap, YAMLMap } from 'yaml';

import { PREFIX_SKIP } from '../config.ts';
import { field, scalar, setField } from '../nodes.ts';
import type { Resource } from '../resource.ts';
import { applyFieldSpecs, type FieldSpec, mergeSpecs, selects } from './fieldspec.ts';

/** setStringsAt writes each key/value into the mapping the field specs select (creating it where allowed). */
export function setStringsAt(
  resources: readonly Resource[],
  specs: readonly FieldSpec[],
  values: Map<string, string>,
): void {
  if (values.size === 0) return;
  applyFieldSpecs(resources, specs, (parent, key, _r, fs) => {
    let m = field(parent, key);
    if (!isMap(m)) {
      if (!fs.create && m === undefined) return;
      if (m !== undefined && !isNullScalar(m)) return;
      if (m === undefined && !fs.create) return;
      m = new YAMLMap();
      setField(parent, key, m);
    }
    for (const [k, v] of values) setField(m as YAMLMap, k, scalar(v));
  });
}

function isNullScalar(n: unknown): boolean {
  const v = (n as { value?: unknown }).value;
  return v === null || v === '' || v === undefined;
}

/** LabelSet is one `labels:` entry (or commonLabels, which is includeSelectors with templates). */
export interface LabelSet {
  pairs: Map<string, string>;
  includeSelectors: boolean;
  includeTemplates: boolean;
  includeVolumeClaimTemplates?: boolean;
  fields: FieldSpec[];
}

/** LabelTables are the label tables of kustomize's transformer configuration. */
export interface LabelTables {
  commonLabels: readonly FieldSpec[];
  labels: readonly FieldSpec[];
  templateLabels: readonly FieldSpec[];
  volumeClaimTemplateLabels: readonly FieldSpec[];
}

/**
 * labelSpecs picks the field specs a `labels:` entry writes, as kustomize configures its label transformer: its own
 * fields merged with the `labels` table; then the commonLabels table (selectors), or the template and
 * volume-claim-template tables it asks for and metadata/labels. Merges are kustomize's (see mergeSpecs); throws
 * ConfigConflictError where kustomize refuses one.
 */
export function labelSpecs(l: LabelSet, t: LabelTables): FieldSpec[] {
  let fss = mergeSpecs(l.fields, t.labels);
  if (l.includeSelectors) return mergeSpecs(fss, t.commonLabels);
  if (l.includeTemplates) fss = mergeSpecs(fss, t.templateLabels);
  if (l.includeVolumeClaimTemplates) fss = mergeSpecs(fss, t.volumeClaimTemplateLabels);
  return mergeSpecs(fss, [{ path: 'metadata/labels', create: true }]);
}

/** addLabels applies one `labels:` entry. */
export function addLabels(resources: readonly Resource[], l: LabelSet, t: LabelTables): void {
  setStringsAt(resources, labelSpecs(l, t), l.pairs);
}

/**
 * affixWithSpecs is kustomize's PrefixTransformer (with `suffix` empty) or SuffixTransformer (with `prefix` empty):
 * for every object outside kustomize's skip list (CRDs, APIServices, Namespaces, by original kind), each field spec
 * selecting it adds the affix to its field; a `metadata/name` spec renames the object, recording the affix for name
 * references and the old id, as kustomize does.
 */
export function affixWithSpecs(
  resources: readonly Resource[],
  specs: readonly FieldSpec[],
  prefix: string,
  suffix: string,
): void {
  for (const r of resources) {
    const kind = r.originalKind;
    if (PREFIX_SKIP.some((s) => s.kind === kind && (s.group === undefined || s.group === r.group))) continue;
    for (const fs of specs) {
      if (!selects(fs, r, kind)) continue;
      if (fs.path === 'metadata/name') {
        if (prefix) r.prefixes.push(prefix);
        if (suffix) r.suffixes.push(suffix);
        if (prefix || suffix) r.storePreviousId();
        r.setName(`${prefix}${r.name}${suffix}`);
        continue;
      }
      applyFieldSpecs([r], [fs], (parent, key) => {
        const s = (field(parent, key) as { value?: unknown } | undefined)?.value;
        if (typeof s === 'string') setField(parent, key, scalar(`${prefix}${s}${suffix}`));
      });
    }
  }
}
