// go-yaml v2's block layout (emitterc.go) after sigs.k8s.io/yaml's JSON step (json-reread.ts): what kustomize,
// Helm's toYaml and the flux CLI print. Mappings are sorted with v2's key order and indent by 2; a sequence that is a mapping value is not
// indented ("indentless"); keys longer than 128 bytes or spanning lines become complex keys (`? key` / `: value`);
// empty collections are `{}` and `[]`. Any tree can be printed through a V2Tree that reads its nodes.
import { analyzeScalar } from './analyze.ts';
import { codePoints } from './chars.ts';
import { rereadJsonString } from './json-reread.ts';
import { keyLess } from './keys.ts';
import { formatRoundTripped, type Typed } from './numbers.ts';
import { Writer } from './writer.ts';

/** V2Node is what a V2Tree says a node is: a mapping's entries, a sequence's items, or a scalar. */
export type V2Node<N> =
  { readonly map: Iterable<readonly [string, N]> } | { readonly seq: Iterable<N> } | { readonly scalar: Typed };

/** V2Tree reads the nodes of some tree (plain values, `yaml` nodes, …) for the emitter. */
export type V2Tree<N> = (node: N) => V2Node<N>;

/** Value is plain data: typed scalars, arrays, and string-keyed Maps or objects (printed sorted). */
export type Value = Typed | readonly Value[] | ReadonlyMap<string, Value> | { readonly [key: string]: Value };

/** valueTree reads plain data. */
export const valueTree: V2Tree<Value> = (v) => {
  if (v instanceof Map) return { map: v.entries() };
  if (Array.isArray(v)) return { seq: v };
  if (v !== null && typeof v === 'object') return { map: Object.entries(v as { readonly [key: string]: Value }) };
  return { scalar: v };
};

const ALPHA = /^[A-Za-z]+$/;
const INDENT = 2;

interface Keyed<N> {
  key: string;
  alpha: boolean;
  value: N;
}

function byKey<N>(a: Keyed<N>, b: Keyed<N>): number {
  if (a.alpha && b.alpha) return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
  return keyLess(a.key, b.key) ? -1 : keyLess(b.key, a.key) ? 1 : 0;
}

/** isSimpleKey is libyaml's check_simple_key for a scalar key: one line, at most 128 bytes. */
function isSimpleKey(key: string): boolean {
  if (key.length <= 42 && !/[\n\r\u0085\u2028\u2029]/.test(key)) return true;
  return Buffer.byteLength(key, 'utf8') <= 128 && !analyzeScalar(codePoints(key), false).multiline;
}

class V2Emitter<N> {
  readonly w = new Writer({ version: 2, bestIndent: INDENT, bestWidth: 80 });
  private readonly tree: V2Tree<N>;

  constructor(tree: V2Tree<N>) {
    this.tree = tree;
  }

  document(root: N): string {
    const n = this.tree(root);
    if ('map' in n) {
      if (!this.mapping(n.map, 0)) return '{}\n';
    } else if ('seq' in n) {
      if (!this.sequence(n.seq, 0)) return '[]\n';
    } else this.scalar(n.scalar, INDENT, false); // a root scalar continues folded lines at the first indent
    // The document end: exactly one final line break.
    const w = this.w;
    if (!w.indention || w.column > 0 || !w.whitespace) w.putBreak();
    return w.text();
  }

  /** mapping writes a block mapping whose keys sit at `indent`; false (nothing written) when it is empty. */
  private mapping(entries: Iterable<readonly [string, N]>, indent: number): boolean {
    const keyed: Keyed<N>[] = [];
    for (const [text, value] of entries) {
      const key = rereadJsonString(text, true);
      keyed.push({ key, alpha: ALPHA.test(key), value });
    }
    if (keyed.length === 0) return false;
    keyed.sort(byKey);
    const w = this.w;
    for (let i = 0; i < keyed.length; i++) {
      const e = keyed[i]!;
      if (i + 1 < keyed.length && keyed[i + 1]!.key === e.key) continue; // a duplicate key: the last one wins
      w.writeIndent(indent);
      if (isSimpleKey(e.key)) {
        w.scalar(e.key, indent + INDENT, true);
        w.indicator(':', false, false, false);
      } else {
        w.indicator('?', true, false, true);
        w.scalar(e.key, indent + INDENT, false);
        w.writeIndent(indent);
        w.indicator(':', true, false, true);
      }
      this.node(e.value, indent, true);
    }
    return true;
  }

  /** sequence writes a block sequence whose dashes sit at `indent`; false when it is empty. */
  private sequence(items: Iterable<N>, indent: number): boolean {
    const w = this.w;
    let any = false;
    for (const item of items) {
      any = true;
      w.writeIndent(indent);
      w.indicator('-', true, false, true);
      this.node(item, indent, false);
    }
    return any;
  }

  /** node writes a value after `key:` (inMapping) or `- `, with the parent collection at `indent`. */
  private node(v: N, indent: number, inMapping: boolean): void {
    const n = this.tree(v);
    if ('map' in n) {
      if (!this.mapping(n.map, indent + INDENT)) this.w.raw('{}');
    } else if ('seq' in n) {
      if (!this.sequence(n.seq, inMapping ? indent : indent + INDENT)) this.w.raw('[]');
    } else this.scalar(n.scalar, indent + INDENT, false);
  }

  private scalar(v: Typed, indent: number, simpleKey: boolean): void {
    if (typeof v === 'string') this.w.scalar(rereadJsonString(v), indent, simpleKey);
    else this.w.raw(formatRoundTripped(v));
  }
}

/** emitV2 prints one document of any tree as go-yaml v2 does, ending with one line break. */
export function emitV2<N>(root: N, tree: V2Tree<N>): string {
  return new V2Emitter(tree).document(root);
}
