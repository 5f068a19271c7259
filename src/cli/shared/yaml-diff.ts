// flux's YAML diff report (the dyff "human" printer `flux diff` uses): the changes from the live object to the
// dry-run result as blocks of `path`, `± value change` / `+ one map entry added:` lines and side-by-side entries.
// Pure text over two objects, no cluster: unit-tested beside it.
import type { KubeObject } from '../../kube/index.ts';

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const WORDS = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
];
const count = (n: number, noun: string): string => `${WORDS[n] ?? String(n)} ${noun}${n === 1 ? '' : 's'}`;

/** scalarText prints a scalar as dyff shows it: no quotes. */
function scalarText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return 'null';
}

/** plainYaml renders a value the way dyff shows entries: block YAML with unquoted scalars. */
function plainYaml(value: unknown, indent = ''): string[] {
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${indent}[]`];
    return value.flatMap((item) => {
      const lines = plainYaml(item, `${indent}  `);
      const first = (lines[0] ?? '').slice(indent.length + 2);
      return [`${indent}- ${first}`, ...lines.slice(1)];
    });
  }
  if (isMap(value)) {
    const keys = Object.keys(value).sort();
    if (keys.length === 0) return [`${indent}{}`];
    return keys.flatMap((k) => {
      const v = value[k];
      if ((isMap(v) && Object.keys(v).length > 0) || (Array.isArray(v) && v.length > 0)) {
        return [`${indent}${k}:`, ...plainYaml(v, Array.isArray(v) ? indent : `${indent}  `)];
      }
      return [`${indent}${k}: ${plainYaml(v)[0] ?? ''}`];
    });
  }
  return [`${indent}${scalarText(value)}`];
}

/** sideBySide puts a removal block and an addition block next to each other, as flux's dyff printer does. */
function sideBySide(left: string[], right: string[]): string[] {
  const width = Math.max(...left.map((l) => l.length)) + 3;
  const rows = Math.max(left.length, right.length);
  const out: string[] = [];
  for (let i = 0; i < rows; i++) {
    const l = left[i] ?? '';
    const r = i === 0 ? (right[0] ?? '') : right[i] === undefined ? '' : `  ${right[i]}`;
    out.push(r ? `${l.padEnd(width)}${r}` : l);
  }
  return out;
}

function entriesBlock(kind: 'map' | 'list', removed: unknown[], added: unknown[]): string[] {
  const body = (items: unknown[]): string[] => (kind === 'map' ? items.flatMap((e) => plainYaml(e)) : plainYaml(items));
  const rm = removed.length
    ? [`- ${count(removed.length, `${kind} entry`).replace('entrys', 'entries')} removed:`]
    : [];
  const ad = added.length ? [`+ ${count(added.length, `${kind} entry`).replace('entrys', 'entries')} added:`] : [];
  if (removed.length && added.length) return sideBySide([...rm, ...body(removed)], [...ad, ...body(added)]);
  // flux's printer indents what was added, not what was removed.
  if (removed.length) return [...rm, ...body(removed)];
  return [...ad, ...body(added).map((l) => `  ${l}`)];
}

/** lineDiff is a minimal line diff (LCS) of two texts: removed and inserted lines in order. */
function lineDiff(a: string[], b: string[]): { lines: string[]; inserts: number; deletions: number } {
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const lines: string[] = [];
  let inserts = 0;
  let deletions = 0;
  // Within a changed run, deletions print before insertions, as dyff does.
  let del: string[] = [];
  let ins: string[] = [];
  const flush = (): void => {
    // dyff counts changed runs, not lines: four deleted lines in a row are "one deletion".
    if (del.length) deletions++;
    if (ins.length) inserts++;
    lines.push(...del, ...ins);
    del = [];
    ins = [];
  };
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      flush();
      i++;
      j++;
    } else if (j < m && (i >= n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      ins.push(`+ ${b[j++]!}`);
    } else {
      del.push(`- ${a[i++]!}`);
    }
  }
  flush();
  return { lines, inserts, deletions };
}

/** identifierOf is the field that names the entries of a list (dyff's Kubernetes entity detection). */
function identifierOf(a: unknown[], b: unknown[]): string | undefined {
  const all = [...a, ...b];
  if (all.length === 0) return undefined;
  for (const id of ['name', 'key', 'id']) {
    if (all.every((e) => isMap(e) && typeof e[id] === 'string')) {
      const names = (l: unknown[]): Set<unknown> => new Set(l.map((e) => (e as Json)[id]));
      if (names(a).size === a.length && names(b).size === b.length) return id;
    }
  }
  return undefined;
}

/** compareValues appends one report block per changed path (pre-order, keys sorted). */
function compareValues(path: string, from: unknown, to: unknown, out: string[][]): void {
  const at = (k: string): string => (path ? `${path}.${k}` : k);
  if (isMap(from) && isMap(to)) {
    const removed = Object.keys(from)
      .filter((k) => !(k in to))
      .sort()
      .map((k) => ({ [k]: from[k] }));
    const added = Object.keys(to)
      .filter((k) => !(k in from))
      .sort()
      .map((k) => ({ [k]: to[k] }));
    if (removed.length || added.length) out.push([path, ...entriesBlock('map', removed, added)]);
    for (const k of Object.keys(from).sort()) if (k in to) compareValues(at(k), from[k], to[k], out);
    return;
  }
  if (Array.isArray(from) && Array.isArray(to)) {
    const id = identifierOf(from, to);
    if (id) {
      const key = (e: unknown): string => String((e as Json)[id]);
      const toByName = new Map(to.map((e) => [key(e), e]));
      const fromNames = new Set(from.map(key));
      const removed = from.filter((e) => !toByName.has(key(e)));
      const added = to.filter((e) => !fromNames.has(key(e)));
      if (removed.length || added.length) out.push([path, ...entriesBlock('list', removed, added)]);
      for (const e of from) if (toByName.has(key(e))) compareValues(at(key(e)), e, toByName.get(key(e)), out);
      return;
    }
    // Unnamed lists of the same length are compared entry by entry (dyff reports `ports.0.containerPort`).
    if (from.length === to.length && from.every((e) => isMap(e) || Array.isArray(e))) {
      from.forEach((e, i) => compareValues(at(String(i)), e, to[i], out));
      return;
    }
    const same = (x: unknown, y: unknown): boolean => JSON.stringify(x) === JSON.stringify(y);
    const removed = from.filter((e) => !to.some((t) => same(e, t)));
    const added = to.filter((e) => !from.some((f) => same(e, f)));
    if (removed.length || added.length) out.push([path, ...entriesBlock('list', removed, added)]);
    else if (!same(from, to))
      out.push([
        path,
        '⇆ order changed',
        ...plainYaml(from).map((l) => `- ${l}`),
        ...plainYaml(to).map((l) => `+ ${l}`),
      ]);
    return;
  }
  if (JSON.stringify(from) === JSON.stringify(to)) return;
  if (typeof from === 'string' && typeof to === 'string' && (from.includes('\n') || to.includes('\n'))) {
    const d = lineDiff(from.replace(/\n$/, '').split('\n'), to.replace(/\n$/, '').split('\n'));
    const parts = [d.inserts ? count(d.inserts, 'insert') : '', d.deletions ? count(d.deletions, 'deletion') : ''];
    // dyff ends a multiline text report with an empty line of its own.
    out.push([path, `± value change in multiline text (${parts.filter(Boolean).join(', ')})`, ...d.lines, '']);
    return;
  }
  const typeName = (v: unknown): string =>
    Array.isArray(v) ? 'list' : isMap(v) ? 'map' : v === null ? 'null' : typeof v === 'number' ? 'int' : typeof v;
  if (typeName(from) !== typeName(to)) {
    out.push([
      path,
      `± type change from ${typeName(from)} to ${typeName(to)}`,
      ...plainYaml(from).map((l) => `- ${l}`),
      ...plainYaml(to).map((l) => `+ ${l}`),
    ]);
    return;
  }
  out.push([path, '± value change', `- ${plainYaml(from)[0] ?? ''}`, `+ ${plainYaml(to)[0] ?? ''}`]);
}

/** reportChanges renders the changes from `live` to `merged` as flux's dyff printer: blocks separated by blank lines. */
export function reportChanges(live: KubeObject, merged: KubeObject): string {
  const blocks: string[][] = [];
  compareValues('', live, merged, blocks);
  return blocks.map((b) => `${b.join('\n')}\n\n`).join('');
}
