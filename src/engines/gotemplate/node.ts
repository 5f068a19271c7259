/**
 * Parse tree nodes, shaped like Go's text/template/parse nodes. Every node records its tree (for the file name
 * and text in error locations) and its start offset. {@link nodeString} prints a node the way Go's `String()`
 * does, which is the `<…>` context of execution errors.
 */
import { quote } from './strconv.ts';

/** Source is one parsed text: the file and its definitions share it. */
export interface Source {
  /** Name of the top-level template the text was parsed as (the file), used in error locations. */
  readonly parseName: string;
  /** The whole text that was parsed. */
  readonly text: string;
}

/** Tree is one parsed template: a file body or a `define`/`block` body. */
export interface Tree {
  /** Template name: the file name, or the name given to `define`/`block`. */
  readonly name: string;
  readonly source: Source;
  readonly root: ListNode;
}

interface Base {
  readonly pos: number;
  readonly tree: Source;
}

export interface TextNode extends Base {
  readonly type: 'text';
  readonly text: string;
}
export interface CommentNode extends Base {
  readonly type: 'comment';
  readonly text: string;
}
export interface ActionNode extends Base {
  readonly type: 'action';
  readonly line: number;
  readonly pipe: PipeNode;
}
export interface BranchNode extends Base {
  readonly type: 'if' | 'range' | 'with';
  readonly line: number;
  readonly pipe: PipeNode;
  readonly list: ListNode;
  readonly elseList: ListNode | undefined;
}
export interface BreakNode extends Base {
  readonly type: 'break';
  readonly line: number;
}
export interface ContinueNode extends Base {
  readonly type: 'continue';
  readonly line: number;
}
export interface TemplateNode extends Base {
  readonly type: 'template';
  readonly line: number;
  readonly name: string;
  readonly pipe: PipeNode | undefined;
}
export interface ListNode extends Base {
  readonly type: 'list';
  readonly nodes: Node[];
}
export interface PipeNode extends Base {
  readonly type: 'pipe';
  readonly line: number;
  isAssign: boolean;
  readonly decl: VariableNode[];
  readonly cmds: CommandNode[];
}
export interface CommandNode extends Base {
  readonly type: 'command';
  readonly args: ArgNode[];
}
export interface FieldNode extends Base {
  readonly type: 'field';
  readonly ident: readonly string[];
}
export interface VariableNode extends Base {
  readonly type: 'variable';
  readonly ident: readonly string[];
}
export interface ChainNode extends Base {
  readonly type: 'chain';
  readonly node: ArgNode;
  readonly fields: string[];
}
export interface IdentifierNode extends Base {
  readonly type: 'identifier';
  readonly ident: string;
}
export interface DotNode extends Base {
  readonly type: 'dot';
}
export interface NilNode extends Base {
  readonly type: 'nil';
}
export interface BoolNode extends Base {
  readonly type: 'bool';
  readonly value: boolean;
}
export interface StringNode extends Base {
  readonly type: 'string';
  readonly quoted: string;
  readonly text: string;
}
export interface NumberNode extends Base {
  readonly type: 'number';
  isInt: boolean;
  isUint: boolean;
  isFloat: boolean;
  isComplex: boolean;
  int64: bigint;
  uint64: bigint;
  float64: number;
  complex: [re: number, im: number];
  readonly text: string;
}
/** Parse-only markers, never in a finished tree. */
export interface EndNode extends Base {
  readonly type: 'end';
}
export interface ElseNode extends Base {
  readonly type: 'else';
  readonly line: number;
}

/** ArgNode is an operand of a command. */
export type ArgNode =
  | FieldNode
  | VariableNode
  | ChainNode
  | IdentifierNode
  | DotNode
  | NilNode
  | BoolNode
  | StringNode
  | NumberNode
  | PipeNode;

/** Node is any node of a list. */
export type Node =
  | TextNode
  | CommentNode
  | ActionNode
  | BranchNode
  | BreakNode
  | ContinueNode
  | TemplateNode
  | ListNode
  | EndNode
  | ElseNode;

export type AnyNode = Node | ArgNode | CommandNode;

/** nodeString prints a node as Go's Node.String() does. */
export function nodeString(n: AnyNode): string {
  switch (n.type) {
    case 'text':
      return n.text;
    case 'comment':
      return `{{${n.text}}}`;
    case 'action':
      return `{{${nodeString(n.pipe)}}}`;
    case 'if':
    case 'range':
    case 'with':
      return `{{${n.type} ${nodeString(n.pipe)}}}${nodeString(n.list)}${n.elseList ? `{{else}}${nodeString(n.elseList)}` : ''}{{end}}`;
    case 'break':
      return '{{break}}';
    case 'continue':
      return '{{continue}}';
    case 'template':
      return `{{template ${quote(n.name)}${n.pipe ? ' ' + nodeString(n.pipe) : ''}}}`;
    case 'list':
      return n.nodes.map(nodeString).join('');
    case 'end':
      return '{{end}}';
    case 'else':
      return '{{else}}';
    case 'pipe': {
      let s = '';
      if (n.decl.length > 0) s = n.decl.map(nodeString).join(', ') + (n.isAssign ? ' = ' : ' := ');
      return s + n.cmds.map(nodeString).join(' | ');
    }
    case 'command':
      return n.args.map((a) => (a.type === 'pipe' ? `(${nodeString(a)})` : nodeString(a))).join(' ');
    case 'field':
      return n.ident.map((i) => '.' + i).join('');
    case 'variable':
      return n.ident.join('.');
    case 'chain':
      return (
        (n.node.type === 'pipe' ? `(${nodeString(n.node)})` : nodeString(n.node)) +
        n.fields.map((f) => '.' + f).join('')
      );
    case 'identifier':
      return n.ident;
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'bool':
      return n.value ? 'true' : 'false';
    case 'string':
      return n.quoted;
    case 'number':
      return n.text;
  }
}

/**
 * location returns Go's `NAME:LINE:COL` for a node: the file it was parsed from, the 1-based line and the 0-based
 * byte column of its start.
 */
export function location(n: AnyNode): string {
  const text = n.tree.text;
  const nl = text.lastIndexOf('\n', n.pos - 1);
  const line = 1 + countChar(text, 0x0a, n.pos);
  const lineStart = nl < 0 ? 0 : nl + 1;
  return `${n.tree.parseName}:${line}:${byteLength(text, lineStart, n.pos)}`;
}

function countChar(s: string, c: number, end: number): number {
  let n = 0;
  for (let i = 0; i < end; i++) if (s.charCodeAt(i) === c) n++;
  return n;
}

function byteLength(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** isEmptyTree reports whether a tree holds only whitespace text and comments (Go's parse.IsEmptyTree). */
export function isEmptyTree(n: Node | undefined): boolean {
  if (n === undefined) return true;
  switch (n.type) {
    case 'comment':
      return true;
    case 'list':
      return n.nodes.every(isEmptyTree);
    case 'text':
      return /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/.test(n.text);
  }
  return false;
}
