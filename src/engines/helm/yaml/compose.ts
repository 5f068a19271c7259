import { YamlError } from './errors.ts';
import { E, Parser } from './parser.ts';
import { Scanner } from './scanner.ts';
import type { Source } from './source.ts';

/** YNode is go-yaml v2's node tree of one document: what its decoder walks. */
export interface YNode {
  kind: 'scalar' | 'mapping' | 'sequence' | 'alias';
  /** 0-based line of the node's start. */
  line: number;
  tag: string;
  value: string;
  /** implicit: a plain scalar (or tagged `!`) whose type comes from its text. */
  implicit: boolean;
  children: YNode[];
  /** alias: the anchored node an alias refers to. */
  alias?: YNode;
}

/**
 * composeFirst parses the first document of a YAML stream into nodes, as go-yaml's Unmarshal does: later documents
 * are never read, so their errors do not surface. Returns undefined for a stream without documents.
 */
export function composeFirst(source: Source | string): YNode | undefined {
  const parser = new Parser(new Scanner(source));
  const first = parser.next();
  if (first === undefined || first.type !== E.StreamStart) throw YamlError.plain('decoder', 'expected stream start');
  const ev = parser.next()!;
  if (ev.type === E.StreamEnd) return undefined;
  // ev is the document start.
  const anchors = new Map<string, YNode>();
  // An explicit stack instead of recursion: deeply nested flow collections must not exhaust the JS stack.
  const stack: YNode[] = [];
  let root: YNode | undefined;
  const attach = (n: YNode): void => {
    const parent = stack[stack.length - 1];
    if (parent === undefined) root = n;
    else parent.children.push(n);
  };
  for (;;) {
    const e = parser.next();
    if (e === undefined) throw YamlError.plain('decoder', 'attempted to go past the end of stream; corrupted value?');
    switch (e.type) {
      case E.Scalar: {
        const n: YNode = {
          kind: 'scalar',
          line: e.start.line,
          tag: e.tag,
          value: e.value,
          implicit: e.implicit,
          children: [],
        };
        if (e.anchor !== '') anchors.set(e.anchor, n);
        attach(n);
        break;
      }
      case E.Alias: {
        const target = anchors.get(e.anchor);
        if (target === undefined) throw YamlError.plain('decoder', `unknown anchor '${e.anchor}' referenced`);
        attach({
          kind: 'alias',
          line: e.start.line,
          tag: '',
          value: e.anchor,
          implicit: false,
          children: [],
          alias: target,
        });
        break;
      }
      case E.SequenceStart:
      case E.MappingStart: {
        const n: YNode = {
          kind: e.type === E.SequenceStart ? 'sequence' : 'mapping',
          line: e.start.line,
          tag: e.tag,
          value: '',
          implicit: e.implicit,
          children: [],
        };
        if (e.anchor !== '') anchors.set(e.anchor, n);
        attach(n);
        stack.push(n);
        break;
      }
      case E.SequenceEnd:
      case E.MappingEnd:
        stack.pop();
        break;
      case E.DocumentEnd:
        return root;
      default:
        throw YamlError.plain('decoder', `unexpected event ${e.type}`);
    }
  }
}
