import { type Document, isMap, isSeq, parseAllDocuments, visit, type YAMLMap } from 'yaml';

import { lineCol, Problems } from './errors.ts';
import { field, str } from './nodes.ts';
import { fastParseDocuments } from './yaml/fast-parse.ts';
import { checkDocumentCount, checkText, checkTree, isStackOverflow, YAML_LIMITS } from './yaml/limits.ts';
import { Resource } from './resource.ts';

/**
 * PARSE_OPTIONS read every scalar as a string that remembers its style: kustomize's own typing (go-yaml v3) is
 * applied on output, so the YAML 1.2 core schema of the `yaml` package must not retype anything first.
 */
// logLevel 'error': warnings stay in the document (a pure engine prints nothing to the process's warnings).
export const PARSE_OPTIONS = { schema: 'failsafe', uniqueKeys: false, strict: false, logLevel: 'error' } as const;

/** ParsedDoc is one YAML document: its root node and, when the full parser read it, the Document (for aliases). */
export interface ParsedDoc {
  contents: unknown;
  doc?: Document;
}

/**
 * parseDocuments parses a multi-document YAML text, through the fast reader when the text allows it; syntax
 * errors go to `problems` with line and column. It is where resources and patches are read, so the limits on
 * hostile YAML apply here (`yaml/limits.ts`): control characters, document count, nesting depth, duplicate keys
 * (refused, as kustomize refuses them in resources) and alias expansion (once, linear, within a budget).
 */
export function parseDocuments(text: string, file: string, problems: Problems): ParsedDoc[] {
  if (!checkText(text, file, problems) || !checkDocumentCount(text, file, problems)) return [];
  // kustomize splits a stream into documents before decoding each, so a byte order mark opening any document (not
  // only the first) is dropped; the yaml package would read it as part of the first key.
  if (text.includes('\uFEFF')) text = text.replace(/^\uFEFF/, '').replace(/(\n---[ \t]*\r?\n)\uFEFF/g, '$1');
  const fast = fastParseDocuments(text);
  if (fast !== undefined && fast.length <= YAML_LIMITS.maxDocuments) {
    // Fast nodes carry no positions: on any problem, the general parser below reports it with line and column.
    const probe = new Problems();
    const budget = { aliasNodes: YAML_LIMITS.maxAliasNodes };
    const checked = fast.map((contents) => checkTree(contents, file, probe, budget));
    if (probe.empty) return checked.map((contents) => ({ contents }));
  }
  return parseWithYaml(text, file, problems).map((doc) => ({ contents: doc.contents, doc }));
}

/**
 * parseWithYaml parses with the `yaml` package (the general path), within the limits of `yaml/limits.ts`.
 * Duplicate keys are refused unless `allowDuplicateKeys` (kustomization files: kustomize lets the last one win).
 */
export function parseWithYaml(
  text: string,
  file: string,
  problems: Problems,
  opts: { allowDuplicateKeys?: boolean } = {},
): Document[] {
  if (!checkText(text, file, problems) || !checkDocumentCount(text, file, problems)) return [];
  let parsed: ReturnType<typeof parseAllDocuments>;
  try {
    parsed = parseAllDocuments(text, PARSE_OPTIONS);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    problems.add(file, `invalid YAML: exceeded max depth of ${YAML_LIMITS.maxDepth}`);
    return [];
  }
  const docs = Array.isArray(parsed) ? parsed : [];
  if (docs.length > YAML_LIMITS.maxDocuments) {
    problems.add(file, `invalid YAML: more than ${YAML_LIMITS.maxDocuments} documents in one file`);
    return [];
  }
  let ok = true;
  const budget = { aliasNodes: YAML_LIMITS.maxAliasNodes };
  const position = (offset: number): { line: number; col: number } => lineCol(text, offset);
  for (const doc of docs) {
    for (const e of doc.errors) {
      ok = false;
      const pos = e.linePos?.[0];
      const message = isStackOverflow(e.message)
        ? `exceeded max depth of ${YAML_LIMITS.maxDepth}`
        : (e.message.split('\n')[0] ?? e.message);
      problems.add(file, `invalid YAML: ${message}`, pos?.line, pos?.col);
    }
    if (!ok) continue;
    if (!flowPlainScalarsOk(doc, text, file, problems)) {
      ok = false;
      continue;
    }
    const checked = checkTree(doc.contents, file, problems, budget, position, opts.allowDuplicateKeys);
    if (checked === undefined && doc.contents !== null && doc.contents !== undefined) ok = false;
    else doc.contents = checked as typeof doc.contents;
  }
  return ok ? docs : [];
}

/**
 * flowPlainScalarsOk applies libyaml's rule, which go-yaml (and so kustomize) keeps from YAML 1.1: inside a flow
 * collection a `?` ends a plain scalar, so `{name: (?i)web}` or `[a?b]` is a syntax error there, where YAML 1.2
 * (the yaml package) reads one scalar.
 */
function flowPlainScalarsOk(doc: Document, text: string, file: string, problems: Problems): boolean {
  let ok = true;
  visit(doc, {
    Scalar(_key, node, path) {
      if (node.type !== 'PLAIN' || typeof node.value !== 'string' || !node.value.includes('?')) return;
      if (!path.some((p) => (isMap(p) || isSeq(p)) && p.flow === true)) return;
      const pos = node.range ? lineCol(text, node.range[0]) : undefined;
      problems.add(
        file,
        "invalid YAML: did not find expected ',' or '}' (a '?' ends a plain scalar in a flow collection; quote it)",
        pos?.line,
        pos?.col,
      );
      ok = false;
      return visit.BREAK;
    },
  });
  return ok;
}

/**
 * parseResources reads Kubernetes objects from a YAML text: empty documents are skipped, `kind: *List` objects
 * with `items` are expanded, and anything that is not a mapping with a kind is reported.
 */
export function parseResources(text: string, file: string, problems: Problems): Resource[] {
  const out: Resource[] = [];
  for (const { contents: c, doc } of parseDocuments(text, file, problems)) {
    if (c === null || c === undefined || (!isMap(c) && !isSeq(c) && (str(c) ?? '') === '')) continue;
    if (!isMap(c)) {
      problems.add(file, `expected a mapping (a Kubernetes object) but found ${isSeq(c) ? 'a sequence' : 'a scalar'}`);
      continue;
    }
    if (c.items.length === 0) continue;
    addObject(c, file, doc, out, problems);
  }
  return out;
}

function addObject(m: YAMLMap, file: string, doc: Document | undefined, out: Resource[], problems: Problems): void {
  const kind = str(field(m, 'kind')) ?? '';
  const itemsNode = field(m, 'items');
  if (kind.endsWith('List') && (isSeq(itemsNode) || field(m, 'items') !== undefined)) {
    if (isSeq(itemsNode)) {
      for (const it of itemsNode.items) {
        if (isMap(it)) addObject(it, file, doc, out, problems);
      }
    }
    return;
  }
  if (kind === '') {
    problems.add(file, `missing Resource metadata: an object has no kind`);
    return;
  }
  out.push(new Resource(m, file, doc));
}
