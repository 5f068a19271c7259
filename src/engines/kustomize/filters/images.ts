import { isMap, isSeq, Scalar, type YAMLMap } from 'yaml';

import { field, scalar, setField, str } from '../nodes.ts';
import type { Resource } from '../resource.ts';
import { applyFieldSpecs, type FieldSpec, selects } from './fieldspec.ts';

/** ImageRule is one `images:` entry. */
export interface ImageRule {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

/** splitImage splits `registry:port/name:tag@digest` into name, tag and digest (kustomize's image.Split). */
export function splitImage(image: string): { name: string; tag: string; digest: string } {
  let rest = image;
  let digest = '';
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag = '';
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { name: rest, tag, digest };
}

/** rewriteImage applies the first matching rule to an image reference, or returns undefined when none match. */
export function rewriteImage(image: string, rules: readonly ImageRule[]): string | undefined {
  const parts = splitImage(image);
  const rule = rules.find((r) => r.name === parts.name);
  if (!rule) return undefined;
  let { name, tag, digest } = parts;
  if (rule.newName) name = rule.newName;
  if (rule.newTag && rule.digest) [tag, digest] = [rule.newTag, rule.digest];
  else if (rule.newTag) [tag, digest] = [rule.newTag, ''];
  else if (rule.digest) [tag, digest] = ['', rule.digest];
  return name + (tag ? `:${tag}` : '') + (digest ? `@${digest}` : '');
}

function rewriteAt(parent: YAMLMap, key: string, rules: readonly ImageRule[]): void {
  const v = field(parent, key);
  const s = str(v);
  if (s === undefined) return;
  const next = rewriteImage(s, rules);
  if (next !== undefined && next !== s) setField(parent, key, scalar(next));
}

/** walkContainers visits every `containers`/`initContainers` list anywhere in the object, as kustomize does. */
function walkContainers(node: unknown, rules: readonly ImageRule[]): void {
  if (isMap(node)) {
    for (const it of node.items) {
      const k = str(it.key);
      if ((k === 'containers' || k === 'initContainers') && isSeq(it.value)) {
        for (const c of it.value.items) if (isMap(c)) rewriteAt(c, 'image', rules);
      }
      if (isMap(it.value) || isSeq(it.value)) walkContainers(it.value, rules);
    }
  } else if (isSeq(node)) {
    for (const it of node.items) walkContainers(it, rules);
  }
}

/**
 * setImages is kustomize's image tag transformer: every containers list is rewritten regardless (its legacy
 * image filter), then the fields `specs` select (kustomize's images table, or a plugin config's own field specs).
 */
export function setImages(
  resources: readonly Resource[],
  rules: readonly ImageRule[],
  specs: readonly FieldSpec[],
): void {
  // kustomize's image filter never creates a field, whatever the table's `create` says.
  const found = specs.map((fs) => (fs.create ? { ...fs, create: false } : fs));
  // kustomize runs one transformer per entry, in order: a later entry sees what an earlier one wrote, so two
  // entries for the same image chain (nginx → nginx:2 → nginx:3) rather than the first one winning.
  for (const rule of rules) {
    const one = [rule];
    for (const r of resources) walkContainers(r.node, one);
    applyFieldSpecs(resources, found, (parent, key) => rewriteAt(parent, key, one));
  }
}

/** ReplicaRule is one `replicas:` entry. */
export interface ReplicaRule {
  name: string;
  count: bigint;
}

/**
 * setReplicas is kustomize's replica count transformer: each rule sets the count on the objects that had its name
 * (now or before a rename) and that a field spec selects. A rule that no field spec finds an object for is an
 * error in kustomize; the messages are returned.
 */
export function setReplicas(
  resources: readonly Resource[],
  rules: readonly ReplicaRule[],
  specs: readonly FieldSpec[],
): string[] {
  const problems: string[] = [];
  for (const rule of rules) {
    const named = resources.filter((r) => r.hadName(rule.name));
    let found = false;
    for (const fs of specs) {
      const matched = named.filter((r) => selects(fs, r));
      if (matched.length === 0) continue;
      found = true;
      applyFieldSpecs(matched, [fs], (parent, key) => {
        if (field(parent, key) === undefined && !fs.create) return;
        setField(parent, key, new Scalar(rule.count));
      });
    }
    if (!found) {
      const kinds = specs.map((fs) => fs.kind ?? '').join(', ');
      problems.push(`resource with name ${rule.name} does not match a config with the following kinds [${kinds}]`);
    }
  }
  return problems;
}
