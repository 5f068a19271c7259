import { isMap, YAMLMap } from 'yaml';

import { COMMON_ANNOTATIONS, METADATA_LABELS, PREFIX_SKIP, TEMPLATE_LABELS, COMMON_LABELS } from '../config.ts';
import { field, scalar, setField } from '../nodes.ts';
import type { Resource } from '../resource.ts';
import { applyFieldSpecs, type FieldSpec, selects } from './fieldspec.ts';

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

/** LabelTables are the label field specs `configurations:` files add to kustomize's tables. */
export interface LabelTables {
  commonLabels?: readonly FieldSpec[];
  labels?: readonly FieldSpec[];
  templateLabels?: readonly FieldSpec[];
  volumeClaimTemplateLabels?: readonly FieldSpec[];
}

/** VOLUME_CLAIM_TEMPLATE_LABELS is kustomize's volumeClaimTemplateLabels table. */
const VOLUME_CLAIM_TEMPLATE_LABELS: FieldSpec = {
  path: 'spec/volumeClaimTemplates[]/metadata/labels',
  create: true,
  group: 'apps',
  kind: 'StatefulSet',
};

/**
 * labelSpecs picks the field specs a labels entry writes, as kustomize's label transformer configures them: its
 * own fields and the configured `labels` table always; then the selector table, or metadata/labels plus the
 * template and volume-claim-template tables the entry asks for.
 */
export function labelSpecs(l: LabelSet, t: LabelTables = {}): FieldSpec[] {
  const base = [...l.fields, ...(t.labels ?? [])];
  if (l.includeSelectors) return [...base, ...COMMON_LABELS, ...(t.commonLabels ?? [])];
  return [
    ...base,
    ...(l.includeTemplates ? [...TEMPLATE_LABELS, ...(t.templateLabels ?? [])] : []),
    ...(l.includeVolumeClaimTemplates ? [VOLUME_CLAIM_TEMPLATE_LABELS, ...(t.volumeClaimTemplateLabels ?? [])] : []),
    METADATA_LABELS,
  ];
}

/** addLabels applies one label set. */
export function addLabels(resources: readonly Resource[], l: LabelSet, t: LabelTables = {}): void {
  setStringsAt(resources, labelSpecs(l, t), l.pairs);
}

/** addAnnotations applies commonAnnotations. */
export function addAnnotations(
  resources: readonly Resource[],
  values: Map<string, string>,
  extra: readonly FieldSpec[] = [],
): void {
  setStringsAt(resources, [...COMMON_ANNOTATIONS, ...extra], values);
}

/**
 * addPrefixSuffix renames every resource kustomize renames, recording the affixes for reference matching.
 * `prefixFields`/`suffixFields` are further string fields the prefix or suffix alone is added to (identity fields
 * from `crds:`, `configurations:` namePrefix/nameSuffix); metadata/name is always renamed.
 */
export function addPrefixSuffix(
  resources: readonly Resource[],
  prefix: string,
  suffix: string,
  prefixFields: readonly FieldSpec[] = [],
  suffixFields: readonly FieldSpec[] = [],
): void {
  const renamed = resources.filter(
    (r) => !PREFIX_SKIP.some((s) => s.kind === r.kind && (s.group === undefined || s.group === r.group)),
  );
  for (const r of renamed) {
    if (prefix) r.prefixes.push(prefix);
    if (suffix) r.suffixes.push(suffix);
    r.setName(`${prefix}${r.name}${suffix}`);
  }
  const affix = (specs: readonly FieldSpec[], before: string, after: string): void => {
    const extra = specs.filter((fs) => fs.path !== 'metadata/name');
    if (extra.length === 0 || (!before && !after)) return;
    applyFieldSpecs(renamed, extra, (parent, key) => {
      const s = (field(parent, key) as { value?: unknown } | undefined)?.value;
      if (typeof s === 'string') setField(parent, key, scalar(`${before}${s}${after}`));
    });
  };
  affix(prefixFields, prefix, '');
  affix(suffixFields, '', suffix);
}

/**
 * affixWithSpecs is a PrefixTransformer or SuffixTransformer plugin config: objects a `metadata/name` spec selects
 * are renamed (and remember the affix for name references); other selected string fields get the affix too.
 * kustomize's skip list (CRDs, APIServices, Namespaces) holds here as for the kustomization fields.
 */
export function affixWithSpecs(
  resources: readonly Resource[],
  specs: readonly FieldSpec[],
  prefix: string,
  suffix: string,
): void {
  const eligible = resources.filter(
    (r) => !PREFIX_SKIP.some((s) => s.kind === r.kind && (s.group === undefined || s.group === r.group)),
  );
  for (const fs of specs) {
    if (fs.path === 'metadata/name') {
      for (const r of eligible) {
        if (!selects(fs, r)) continue;
        if (prefix) r.prefixes.push(prefix);
        if (suffix) r.suffixes.push(suffix);
        r.setName(`${prefix}${r.name}${suffix}`);
      }
      continue;
    }
    applyFieldSpecs(eligible, [fs], (parent, key) => {
      const s = (field(parent, key) as { value?: unknown } | undefined)?.value;
      if (typeof s === 'string') setField(parent, key, scalar(`${prefix}${s}${suffix}`));
    });
  }
}
