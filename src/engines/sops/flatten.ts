import { SopsMetadataError } from './errors.ts';
import { Branch, Comment, type Item, type Value } from './tree.ts';

/**
 * Flattening of nested metadata for the flat formats (dotenv, INI), as sops spells it: `a__map_b__list_0`.
 */
const MAP_SEP = '__map_';
const LIST_SEP = '__list_';

/** flatten turns a mapping into `prefix + path` keys; collisions are errors. */
export function flatten(branch: Branch, prefix: string): Item[] {
  const out: Item[] = [];
  const seen = new Set<string>();
  const descend = (v: Value, key: string): void => {
    if (v instanceof Branch) {
      for (const i of v.items) if (typeof i.key === 'string') descend(i.value, key + MAP_SEP + i.key);
      return;
    }
    if (Array.isArray(v)) {
      v.filter((x) => !(x instanceof Comment)).forEach((x, i) => descend(x, key + LIST_SEP + String(i)));
      return;
    }
    if (seen.has(key))
      throw new SopsMetadataError(`sops metadata: key collision ${JSON.stringify(key)} while flattening`);
    seen.add(key);
    out.push({ key, value: v });
  };
  for (const i of branch.items) if (typeof i.key === 'string') descend(i.value, prefix + i.key);
  return out;
}

type Token = { map: string } | { list: number };

function tokenize(path: string): Token[] {
  const tokens: Token[] = [];
  let state: 'normal' | 'map' | 'list' = 'normal';
  let start = 0;
  let i = 0;
  const finish = (): void => {
    if (state === 'normal') tokens.push({ map: path.slice(start, i) });
    else if (state === 'map') tokens.push({ map: path.slice(start + MAP_SEP.length, i) });
    else tokens.push({ list: Number.parseInt(path.slice(start + LIST_SEP.length, i), 10) || 0 });
    start = i;
  };
  while (i < path.length) {
    if (path.startsWith(MAP_SEP, i)) {
      finish();
      state = 'map';
      i += MAP_SEP.length;
    } else if (path.startsWith(LIST_SEP, i)) {
      finish();
      state = 'list';
      i += LIST_SEP.length;
    } else i++;
  }
  finish();
  return tokens;
}

interface Node {
  value?: { v: Value };
  keys?: Map<string, Node>;
  indices?: Map<number, Node>;
}

function convert(n: Node): Value {
  const kinds = Number(n.value !== undefined) + Number((n.keys?.size ?? 0) > 0) + Number((n.indices?.size ?? 0) > 0);
  if (kinds > 1) throw new SopsMetadataError('sops metadata: type mismatch while unflattening');
  if (n.value) return n.value.v;
  if (n.keys && n.keys.size > 0) {
    const keys = [...n.keys.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return new Branch(keys.map((k) => ({ key: k, value: convert(n.keys?.get(k) as Node) })));
  }
  if (n.indices && n.indices.size > 0) {
    const idx = [...n.indices.keys()];
    const max = Math.max(...idx);
    if (Math.min(...idx) !== 0 || max + 1 !== idx.length) {
      throw new SopsMetadataError('sops metadata: incomplete list while unflattening');
    }
    return idx.sort((a, b) => a - b).map((i) => convert(n.indices?.get(i) as Node));
  }
  return new Branch();
}

/** unflatten rebuilds nested metadata from flat items (comments ignored); map keys come out sorted, as in sops. */
export function unflatten(items: Item[]): Branch {
  const root: Node = {};
  for (const item of items) {
    if (typeof item.key !== 'string') continue;
    let n = root;
    for (const t of tokenize(item.key)) {
      if ('map' in t) {
        n.keys ??= new Map();
        let next = n.keys.get(t.map);
        if (!next) n.keys.set(t.map, (next = {}));
        n = next;
      } else {
        n.indices ??= new Map();
        let next = n.indices.get(t.list);
        if (!next) n.indices.set(t.list, (next = {}));
        n = next;
      }
    }
    if (n.value) throw new SopsMetadataError(`sops metadata: duplicate value for ${JSON.stringify(item.key)}`);
    n.value = { v: item.value };
  }
  const out = convert(root);
  if (!(out instanceof Branch)) throw new SopsMetadataError('sops metadata: cannot find the root while unflattening');
  return out;
}
