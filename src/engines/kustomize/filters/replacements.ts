import { isMap, isScalar, isSeq, type YAMLMap } from 'yaml';

import type { Problems } from '../errors.ts';
import { field, plainString, setField, str } from '../nodes.ts';
import type { Resource } from '../resource.ts';
import { compileSourceSelector, compileTargetSelector, type Selector } from '../selector.ts';
import { RegexSyntaxError } from '../errors.ts';
import { newMap, newScalar, newSeq } from '../yaml/fast-nodes.ts';

/** ReplacementOptions split a string field and address one part of it. */
export interface ReplacementOptions {
  delimiter?: string;
  index?: number;
  create?: boolean;
}

/** Replacement is one `replacements:` entry: copy a source field into target fields. */
export interface Replacement {
  source: Selector & { fieldPath?: string; options?: ReplacementOptions };
  targets: { select: Selector; reject?: Selector[]; fieldPaths?: string[]; options?: ReplacementOptions }[];
}

/** splitFieldPath splits `a.b.[name=x].c` at dots outside brackets. */
export function splitFieldPath(path: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  for (const ch of path) {
    if (ch === '[') depth++;
    if (ch === ']') depth--;
    if (ch === '.' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.filter((s) => s !== '');
}

/** lookup returns every node the path reaches (several with `*`), creating missing ones when asked. */
function lookup(
  node: unknown,
  parts: readonly string[],
  create: boolean,
): { parent: YAMLMap | undefined; key: string; node: unknown }[] {
  let frontier: { parent: YAMLMap | undefined; key: string; node: unknown }[] = [{ parent: undefined, key: '', node }];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    const last = i === parts.length - 1;
    const next: typeof frontier = [];
    for (const f of frontier) {
      const n = f.node;
      const sel = /^\[(.*)=(.*)\]$/.exec(part);
      if (sel) {
        if (!isSeq(n)) continue;
        const [, k = '', v = ''] = sel;
        let found = false;
        for (const it of n.items) {
          if (k === '' ? str(it) === v : isMap(it) && str(field(it, k)) === v) {
            next.push({ parent: undefined, key: part, node: it });
            found = true;
          }
        }
        if (!found && create && k !== '') {
          const m = newMap();
          setField(m, k, newScalar(v));
          n.items.push(m);
          next.push({ parent: undefined, key: part, node: m });
        }
        continue;
      }
      if (part === '*') {
        if (isSeq(n)) for (const it of n.items) next.push({ parent: undefined, key: part, node: it });
        continue;
      }
      if (isSeq(n) && /^\d+$/.test(part)) {
        const it = n.items[Number(part)];
        if (it !== undefined) next.push({ parent: undefined, key: part, node: it });
        continue;
      }
      if (!isMap(n)) continue;
      let child = field(n, part);
      if (child === undefined && create && !last) {
        // The next segment says what to create: a list for `[k=v]` selectors, else a mapping.
        child = /^\[.*=.*\]$/.test(parts[i + 1] ?? '') ? newSeq() : newMap();
        setField(n, part, child);
      }
      if (child !== undefined || (create && last)) next.push({ parent: n, key: part, node: child });
    }
    frontier = next;
  }
  return frontier;
}

function sourceValue(node: unknown, opts: ReplacementOptions | undefined): unknown {
  if (!opts?.delimiter) return node;
  const parts = plainString((node as { value?: unknown }).value).split(opts.delimiter);
  const i = opts.index ?? 0;
  return newScalar(parts[i] ?? '');
}

/** applyReplacements runs kustomize's replacement transformer. */
export function applyReplacements(
  resources: Resource[],
  list: readonly Replacement[],
  file: string,
  problems: Problems,
): void {
  for (const rep of list) {
    try {
      applyOne(resources, rep, file, problems);
    } catch (err) {
      if (!(err instanceof RegexSyntaxError)) throw err;
      problems.add(file, `replacements: ${err.message}`);
    }
  }
}

/** applyOne runs one replacement; throws RegexSyntaxError for a target pattern Go would not compile. */
function applyOne(resources: Resource[], rep: Replacement, file: string, problems: Problems): void {
  // kustomize matches the source by plain equality of its id fields; only targets are patterns. Both look at every
  // identity the object had (a target may be named as it was before a prefix, or after the first of two).
  const sources = resources.filter(compileSourceSelector(rep.source));
  if (sources.length !== 1) {
    problems.add(
      file,
      `replacements: expected exactly one source for ${describe(rep.source)}, found ${sources.length}`,
    );
    return;
  }
  const src = sources[0] as Resource;
  const path = rep.source.fieldPath ?? 'metadata.name';
  const found = lookup(src.node, splitFieldPath(path), false);
  if (found.length === 0 || found[0]?.node === undefined) {
    problems.add(file, `replacements: field "${path}" not found in source ${src.subject}`);
    return;
  }
  const value = sourceValue(found[0]?.node, rep.source.options);
  for (const t of rep.targets) {
    const sel = compileTargetSelector(t.select);
    const rejects = (t.reject ?? []).map((r) => ({
      ...compileTargetSelector(r),
      byMetadata: !!(r.labelSelector || r.annotationSelector),
    }));
    for (const r of resources) {
      if (!sel.metadata(r) || rejects.some((rj) => rj.byMetadata && rj.metadata(r))) continue;
      if (rejects.some((rj) => rj.rejects(r)) || !sel.selects(r)) continue;
      for (const fp of t.fieldPaths ?? ['metadata.name']) {
        const hits = lookup(r.node, splitFieldPath(fp), t.options?.create === true);
        for (const h of hits) {
          if (!h.parent) {
            // list elements and `*` hits are replaced through their sequence; keep it simple: scalars in place
            if (isScalar(h.node) && isScalar(value)) (h.node as { value: unknown }).value = value.value;
            continue;
          }
          setField(h.parent, h.key, withDelimiter(h.node, value, t.options));
        }
      }
      r.refresh();
    }
  }
}

function withDelimiter(found: unknown, value: unknown, opts: ReplacementOptions | undefined): unknown {
  // A field just created (`create: true`) is an empty scalar, which a delimiter splits like any other.
  const target = found === undefined && opts?.delimiter ? newScalar('') : found;
  // A scalar target keeps its own style (kustomize copies only the value), so "4" into `replicas: 1` stays a number.
  if (!opts?.delimiter && isScalar(target) && isScalar(value)) return newScalar(value.value, target.type);
  if (!opts?.delimiter || !isScalar(target)) return cloneScalar(value);
  const parts = plainString(target.value).split(opts.delimiter);
  const i = opts.index ?? 0;
  const v = plainString((value as { value?: unknown }).value);
  if (i < 0) parts.unshift(v);
  else if (i >= parts.length) parts.push(v);
  else parts[i] = v;
  return newScalar(parts.join(opts.delimiter));
}

function cloneScalar(v: unknown): unknown {
  if (isScalar(v)) return newScalar(v.value, v.type);
  return v;
}

function describe(s: Selector): string {
  return [s.kind, s.namespace, s.name].filter(Boolean).join('/') || 'the selector';
}
