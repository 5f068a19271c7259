// Applying setters to the text of one YAML file: find the scalars that carry a marker, replace the bytes of those
// scalars only. Every other byte of the file (comments, indentation, quoting, blank lines, document markers) is
// kept; Flux re-serialises the whole file through kyaml instead.
import { isMap, isScalar, parseAllDocuments, visit, type Document, type Scalar } from 'yaml';

import { markerSetter } from './marker.ts';
import { renderScalar, type ScalarStyle } from './scalar.ts';
import type { SetterValue } from './values.ts';

/** ObjectIdentifier names the Kubernetes object (document) a change was made in; empty strings when absent. */
export interface ObjectIdentifier {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

/** Change is one value written by one setter. */
export interface Change {
  oldValue: string;
  newValue: string;
  setter: string;
}

/** ObjectChange groups a change with the object it was made in. */
export interface ObjectChange extends Change {
  object: ObjectIdentifier;
}

/** RewriteResult is the new text (undefined when nothing changed), the changes, and markers without a setter. */
export interface RewriteResult {
  text: string | undefined;
  changes: ObjectChange[];
  /** unknownSetters: setters named by markers for which no (selected, resolved) policy exists. */
  unknownSetters: string[];
}

const STYLES = new Set(['PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE']);

/**
 * rewriteYaml applies the setters to every marked scalar of every document in `text`. A file that does not parse
 * is returned unchanged with no changes, as Flux skips such files.
 * @example rewriteYaml('image: app:1 # {"$imagepolicy": "ns:app"}\n', values).text
 *   // 'image: reg/app:2 # {"$imagepolicy": "ns:app"}\n'
 */
export function rewriteYaml(text: string, setters: ReadonlyMap<string, SetterValue>): RewriteResult {
  // The failsafe schema keeps every scalar a string: `1.0` stays "1.0", as kyaml's node values are.
  const docs = parseAllDocuments(text, { schema: 'failsafe' });
  const result: RewriteResult = { text: undefined, changes: [], unknownSetters: [] };
  // Flux skips files that do not parse, and files with a document that is not a mapping (kyaml's reader cannot
  // annotate a bare list or scalar), so these files are never changed.
  if (docs.some((d) => d.errors.length > 0 || !(isMap(d.contents) || isEmptyDocument(d)))) return result;
  const edits: { from: number; to: number; text: string }[] = [];
  for (const doc of docs) {
    const object = identify(doc);
    visit(doc, {
      Scalar(key, node) {
        if (key === 'key' || !node.range || !STYLES.has(node.type ?? '')) return;
        const setter = findMarker(text, node);
        if (setter === undefined) return;
        const value = setters.get(setter);
        if (value === undefined) {
          result.unknownSetters.push(setter);
          return;
        }
        const old = typeof node.value === 'string' ? node.value : '';
        if (old === value.value) return;
        edits.push({
          from: node.range[0],
          to: node.range[1],
          text: renderScalar(value.value, node.type as ScalarStyle),
        });
        result.changes.push({ oldValue: old, newValue: value.value, setter, object });
      },
    });
  }
  if (edits.length === 0) return result;
  let out = '';
  let at = 0;
  for (const e of edits.sort((a, b) => a.from - b.from)) {
    out += text.slice(at, e.from) + e.text;
    at = e.to;
  }
  result.text = out + text.slice(at);
  return result;
}

/**
 * findMarker reads the comments kyaml would see on a scalar: its line comment (after the value on the same line)
 * or, only when it has none, for a block sequence item, a head comment of exactly one line right above its `-`.
 */
function findMarker(text: string, node: Scalar): string | undefined {
  const [start, end] = node.range!;
  const lineEnd = indexOrEnd(text, '\n', end);
  const trailing = /^[ \t]+#(.*)$/u.exec(text.slice(end, lineEnd).replace(/\r$/u, ''));
  if (trailing) return markerSetter(trailing[1]!);
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  if (!/^[ \t]*-[ \t]+$/u.test(text.slice(lineStart, start))) return undefined;
  const above = previousLine(text, lineStart);
  if (above === undefined) return undefined;
  const head = /^[ \t]*#(.*)$/u.exec(above.text);
  if (!head) return undefined;
  const twoAbove = previousLine(text, above.start);
  if (twoAbove !== undefined && /^[ \t]*#/u.test(twoAbove.text)) return undefined;
  return markerSetter(head[1]!);
}

/** isEmptyDocument: no content at all (comments only), which kyaml's reader drops. */
function isEmptyDocument(doc: Document): boolean {
  const c = doc.contents;
  return c === null || (isScalar(c) && c.range != null && c.range[0] === c.range[1]);
}

function indexOrEnd(text: string, needle: string, from: number): number {
  const i = text.indexOf(needle, from);
  return i < 0 ? text.length : i;
}

function previousLine(text: string, lineStart: number): { start: number; text: string } | undefined {
  if (lineStart === 0) return undefined;
  const start = text.lastIndexOf('\n', lineStart - 2) + 1;
  return { start, text: text.slice(start, lineStart - 1).replace(/\r$/u, '') };
}

/** identify reads apiVersion, kind, metadata.name and metadata.namespace of a document, as kyaml's GetMeta. */
function identify(doc: Document): ObjectIdentifier {
  const id: ObjectIdentifier = { apiVersion: '', kind: '', namespace: '', name: '' };
  if (!isMap(doc.contents)) return id;
  const str = (v: unknown): string => (isScalar(v) && typeof v.value === 'string' ? v.value : '');
  id.apiVersion = str(doc.contents.get('apiVersion', true));
  id.kind = str(doc.contents.get('kind', true));
  const meta = doc.contents.get('metadata', true);
  if (isMap(meta)) {
    id.name = str(meta.get('name', true));
    id.namespace = str(meta.get('namespace', true));
  }
  return id;
}
