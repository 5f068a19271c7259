/**
 * The template parser: Go's text/template/parse grammar with its error messages and lines. One call parses a
 * text into a set of trees: the body under the given name plus every `define`/`block` inside it.
 */
import { TemplateParseError } from './errors.ts';
import { type Item, type ItemType, itemString, Lexer, T } from './lex.ts';
import type {
  ArgNode,
  BranchNode,
  CommandNode,
  ElseNode,
  EndNode,
  ListNode,
  Node,
  NumberNode,
  PipeNode,
  Source,
  TemplateNode,
  Tree,
  VariableNode,
} from './node.ts';
import { isEmptyTree, nodeString } from './node.ts';
import { parseFloat, parseInt64, parseUint, quote, StrconvSyntaxError, unquote, unquoteChar } from './strconv.ts';

/** maxStackDepth is Go's limit on nested parenthesized expressions. */
const MAX_STACK_DEPTH = 10000;

/** ParseOptions are the inputs Go's parse.Parse takes besides the text. */
export interface ParseOptions {
  leftDelim?: string;
  rightDelim?: string;
  /** Reports whether a function name is defined (the template's functions plus the built-ins). */
  hasFunction: (name: string) => boolean;
  /** Keep comments as nodes (Go's parse.ParseComments). */
  parseComments?: boolean;
  /** Do not check that functions exist (Go's parse.SkipFuncCheck). */
  skipFuncCheck?: boolean;
}

/**
 * parseTrees parses `text` as the template `name` and returns its trees by name (Go's parse.Parse). Throws
 * {@link TemplateParseError}.
 */
export function parseTrees(name: string, text: string, options: ParseOptions): Map<string, Tree> {
  const treeSet = new Map<string, Tree>();
  const source: Source = { parseName: name, text };
  const lexer = new Lexer(text, options.leftDelim ?? '', options.rightDelim ?? '');
  lexer.emitComment = options.parseComments === true;
  lexer.breakOK = !options.hasFunction('break');
  lexer.continueOK = !options.hasFunction('continue');
  const p = new TreeParser(name, source, lexer, treeSet, options);
  try {
    p.parse();
    p.add();
  } catch (err) {
    // Go's stack grows; ours does not. Nesting deep enough to exhaust it (thousands of levels of parentheses or
    // control structures) fails as Go fails past its own limit.
    if (err instanceof RangeError)
      throw new TemplateParseError(name, lexer.currentLine, 'max expression depth exceeded');
    throw err;
  }
  return treeSet;
}

/** TreeParser builds one tree; `define` and `block` bodies get their own, sharing the lexer (as in Go). */
class TreeParser {
  name: string;
  root: ListNode | undefined;
  private readonly token: Item[] = [];
  private peekCount = 0;
  private vars: string[] = ['$'];
  private actionLine = 0;
  private rangeDepth = 0;
  private stackDepth = 0;

  private readonly source: Source;
  private readonly lex: Lexer;
  private readonly treeSet: Map<string, Tree>;
  private readonly options: ParseOptions;

  constructor(name: string, source: Source, lex: Lexer, treeSet: Map<string, Tree>, options: ParseOptions) {
    this.name = name;
    this.source = source;
    this.lex = lex;
    this.treeSet = treeSet;
    this.options = options;
  }

  // ---- tokens ----

  private next(): Item {
    if (this.peekCount > 0) this.peekCount--;
    else this.token[0] = this.lex.nextItem();
    return this.token[this.peekCount]!;
  }

  private backup(): void {
    this.peekCount++;
  }

  private backup2(t1: Item): void {
    this.token[1] = t1;
    this.peekCount = 2;
  }

  private backup3(t2: Item, t1: Item): void {
    this.token[1] = t1;
    this.token[2] = t2;
    this.peekCount = 3;
  }

  private peek(): Item {
    if (this.peekCount > 0) return this.token[this.peekCount - 1]!;
    this.peekCount = 1;
    this.token[0] = this.lex.nextItem();
    return this.token[0];
  }

  private nextNonSpace(): Item {
    let token: Item;
    do token = this.next();
    while (token.typ === T.space);
    return token;
  }

  private peekNonSpace(): Item {
    const token = this.nextNonSpace();
    this.backup();
    return token;
  }

  // ---- errors ----

  errorf(message: string): never {
    throw new TemplateParseError(this.source.parseName, this.token[0]?.line ?? 0, message);
  }

  private expect(expected: ItemType, context: string): Item {
    const token = this.nextNonSpace();
    if (token.typ !== expected) this.unexpected(token, context);
    return token;
  }

  private expectOneOf(e1: ItemType, e2: ItemType, context: string): Item {
    const token = this.nextNonSpace();
    if (token.typ !== e1 && token.typ !== e2) this.unexpected(token, context);
    return token;
  }

  private unexpected(token: Item, context: string): never {
    if (token.typ === T.error) {
      let extra = '';
      if (this.actionLine !== 0 && this.actionLine !== token.line) {
        extra = ` in action started at ${this.source.parseName}:${this.actionLine}`;
        if (token.val.endsWith(' action')) extra = extra.slice(' in action'.length);
      }
      this.errorf(`${itemString(token)}${extra}`);
    }
    this.errorf(`unexpected ${itemString(token)} in ${context}`);
  }

  // ---- tree set ----

  add(): void {
    const tree = this.treeSet.get(this.name);
    const root = this.root!;
    if (tree === undefined || isEmptyTree(tree.root)) {
      this.treeSet.set(this.name, { name: this.name, source: this.source, root });
      return;
    }
    if (!isEmptyTree(root)) this.errorf(`template: multiple definition of template ${quote(this.name)}`);
  }

  private child(name: string): TreeParser {
    return new TreeParser(name, this.source, this.lex, this.treeSet, this.options);
  }

  // ---- grammar ----

  private newList(pos: number): ListNode {
    return { type: 'list', pos, tree: this.source, nodes: [] };
  }

  parse(): void {
    this.root = this.newList(this.peek().pos);
    while (this.peek().typ !== T.eof) {
      if (this.peek().typ === T.leftDelim) {
        const delim = this.next();
        if (this.nextNonSpace().typ === T.define) {
          const def = this.child('definition');
          def.parseDefinition();
          continue;
        }
        this.backup2(delim);
      }
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') this.errorf(`unexpected ${nodeTag(n)}`);
      this.root.nodes.push(n);
    }
  }

  private parseDefinition(): void {
    const context = 'define clause';
    const name = this.expectOneOf(T.string, T.rawString, context);
    this.name = this.unquote(name.val);
    this.expect(T.rightDelim, context);
    const [root, end] = this.itemList();
    this.root = root;
    if (end.type !== 'end') this.errorf(`unexpected ${nodeTag(end)} in ${context}`);
    this.add();
  }

  private unquote(s: string): string {
    // Fast path: a quoted string without escapes, or a raw string without carriage returns.
    if ((s[0] === '"' && !s.includes('\\')) || (s[0] === '`' && !s.includes('\r'))) {
      if (s.length >= 2 && s[s.length - 1] === s[0] && s.indexOf(s[0], 1) === s.length - 1) return s.slice(1, -1);
    }
    try {
      return unquote(s);
    } catch (err) {
      if (err instanceof StrconvSyntaxError) this.errorf(err.message);
      throw err;
    }
  }

  private itemList(): [ListNode, EndNode | ElseNode] {
    const list = this.newList(this.peekNonSpace().pos);
    while (this.peekNonSpace().typ !== T.eof) {
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') return [list, n];
      list.nodes.push(n);
    }
    this.errorf('unexpected EOF');
  }

  private textOrAction(): Node {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case T.text:
        return { type: 'text', pos: token.pos, tree: this.source, text: token.val };
      case T.leftDelim:
        this.actionLine = token.line;
        try {
          return this.action();
        } finally {
          this.actionLine = 0;
        }
      case T.comment:
        return { type: 'comment', pos: token.pos, tree: this.source, text: token.val };
    }
    this.unexpected(token, 'input');
  }

  private action(): Node {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case T.block:
        return this.blockControl();
      case T.break:
        return this.breakControl(token.pos, token.line);
      case T.continue:
        return this.continueControl(token.pos, token.line);
      case T.else:
        return this.elseControl();
      case T.end:
        return this.endControl();
      case T.if:
        return this.branch('if');
      case T.range:
        return this.branch('range');
      case T.template:
        return this.templateControl();
      case T.with:
        return this.branch('with');
    }
    this.backup();
    const t = this.peek();
    return {
      type: 'action',
      pos: t.pos,
      tree: this.source,
      line: t.line,
      pipe: this.pipeline('command', T.rightDelim),
    };
  }

  private breakControl(pos: number, line: number): Node {
    const token = this.nextNonSpace();
    if (token.typ !== T.rightDelim) this.unexpected(token, '{{break}}');
    if (this.rangeDepth === 0) this.errorf('{{break}} outside {{range}}');
    return { type: 'break', pos, tree: this.source, line };
  }

  private continueControl(pos: number, line: number): Node {
    const token = this.nextNonSpace();
    if (token.typ !== T.rightDelim) this.unexpected(token, '{{continue}}');
    if (this.rangeDepth === 0) this.errorf('{{continue}} outside {{range}}');
    return { type: 'continue', pos, tree: this.source, line };
  }

  private pipeline(context: string, end: ItemType): PipeNode {
    const token = this.peekNonSpace();
    const pipe: PipeNode = {
      type: 'pipe',
      pos: token.pos,
      tree: this.source,
      line: token.line,
      isAssign: false,
      decl: [],
      cmds: [],
    };
    decls: for (;;) {
      const v = this.peekNonSpace();
      if (v.typ === T.variable) {
        this.next();
        const tokenAfterVariable = this.peek();
        const next = this.peekNonSpace();
        if (next.typ === T.assign || next.typ === T.declare) {
          pipe.isAssign = next.typ === T.assign;
          this.nextNonSpace();
          pipe.decl.push(this.newVariable(v.pos, v.val));
          this.vars.push(v.val);
        } else if (next.typ === T.char && next.val === ',') {
          this.nextNonSpace();
          pipe.decl.push(this.newVariable(v.pos, v.val));
          this.vars.push(v.val);
          if (context === 'range' && pipe.decl.length < 2) {
            const t = this.peekNonSpace().typ;
            if (t === T.variable || t === T.rightDelim || t === T.rightParen) continue decls;
            this.errorf('range can only initialize variables');
          }
          this.errorf(`too many declarations in ${context}`);
        } else if (tokenAfterVariable.typ === T.space) {
          this.backup3(v, tokenAfterVariable);
        } else {
          this.backup2(v);
        }
      }
      break;
    }
    for (;;) {
      const token = this.nextNonSpace();
      if (token.typ === end) {
        this.checkPipeline(pipe, context);
        return pipe;
      }
      switch (token.typ) {
        case T.bool:
        case T.charConstant:
        case T.complex:
        case T.dot:
        case T.field:
        case T.identifier:
        case T.number:
        case T.nil:
        case T.rawString:
        case T.string:
        case T.variable:
        case T.leftParen:
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(token, context);
      }
    }
  }

  private checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
    for (let i = 1; i < pipe.cmds.length; i++) {
      const t = pipe.cmds[i]!.args[0]!.type;
      if (t === 'bool' || t === 'dot' || t === 'nil' || t === 'number' || t === 'string') {
        this.errorf(`non executable command in pipeline stage ${i + 1}`);
      }
    }
  }

  private parseControl(context: 'if' | 'range' | 'with'): Omit<BranchNode, 'type' | 'tree'> {
    const mark = this.vars.length;
    try {
      const pipe = this.pipeline(context, T.rightDelim);
      if (context === 'range') this.rangeDepth++;
      const [list, next0] = this.itemList();
      let next: EndNode | ElseNode = next0;
      if (context === 'range') this.rangeDepth--;
      let elseList: ListNode | undefined;
      if (next.type === 'else') {
        if (context === 'if' && this.peek().typ === T.if) {
          this.next();
          elseList = this.newList(next.pos);
          elseList.nodes.push(this.branch('if'));
        } else if (context === 'with' && this.peek().typ === T.with) {
          this.next();
          elseList = this.newList(next.pos);
          elseList.nodes.push(this.branch('with'));
        } else {
          [elseList, next] = this.itemList();
          if (next.type !== 'end') this.errorf(`expected end; found ${nodeTag(next)}`);
        }
      }
      return { pos: pipe.pos, line: pipe.line, pipe, list, elseList };
    } finally {
      this.vars.length = mark;
    }
  }

  private branch(type: 'if' | 'range' | 'with'): BranchNode {
    return { type, tree: this.source, ...this.parseControl(type) };
  }

  private endControl(): EndNode {
    return { type: 'end', pos: this.expect(T.rightDelim, 'end').pos, tree: this.source };
  }

  private elseControl(): ElseNode {
    const peek = this.peekNonSpace();
    if (peek.typ === T.if || peek.typ === T.with)
      return { type: 'else', pos: peek.pos, tree: this.source, line: peek.line };
    const token = this.expect(T.rightDelim, 'else');
    return { type: 'else', pos: token.pos, tree: this.source, line: token.line };
  }

  private blockControl(): Node {
    const context = 'block clause';
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    const pipe = this.pipeline(context, T.rightDelim);
    const block = this.child(name);
    const [root, end] = block.itemList();
    block.root = root;
    if (end.type !== 'end') this.errorf(`unexpected ${nodeTag(end)} in ${context}`);
    block.add();
    return { type: 'template', pos: token.pos, tree: this.source, line: token.line, name, pipe };
  }

  private templateControl(): TemplateNode {
    const context = 'template clause';
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    let pipe: PipeNode | undefined;
    if (this.nextNonSpace().typ !== T.rightDelim) {
      this.backup();
      pipe = this.pipeline(context, T.rightDelim);
    }
    return { type: 'template', pos: token.pos, tree: this.source, line: token.line, name, pipe };
  }

  private parseTemplateName(token: Item, context: string): string {
    if (token.typ === T.string || token.typ === T.rawString) return this.unquote(token.val);
    this.unexpected(token, context);
  }

  private command(): CommandNode {
    const cmd: CommandNode = { type: 'command', pos: this.peekNonSpace().pos, tree: this.source, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand !== undefined) cmd.args.push(operand);
      const token = this.next();
      if (token.typ === T.space) continue;
      if (token.typ === T.rightDelim || token.typ === T.rightParen) this.backup();
      else if (token.typ !== T.pipe) this.unexpected(token, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.errorf('empty command');
    return cmd;
  }

  private operand(): ArgNode | undefined {
    let node = this.term();
    if (node === undefined) return undefined;
    if (this.peek().typ === T.field) {
      const pos = this.peek().pos;
      const fields: string[] = [];
      while (this.peek().typ === T.field) fields.push(this.next().val.slice(1));
      switch (node.type) {
        case 'field':
          node = { type: 'field', pos, tree: this.source, ident: [...node.ident, ...fields] };
          break;
        case 'variable':
          node = { type: 'variable', pos, tree: this.source, ident: [...node.ident, ...fields] };
          break;
        case 'bool':
        case 'string':
        case 'number':
        case 'nil':
        case 'dot':
          this.errorf(`unexpected . after term ${quote(nodeString(node))}`);
          break;
        default:
          node = { type: 'chain', pos, tree: this.source, node, fields };
      }
    }
    return node;
  }

  private term(): ArgNode | undefined {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case T.identifier:
        if (!this.options.skipFuncCheck && !this.options.hasFunction(token.val)) {
          this.errorf(`function ${quote(token.val)} not defined`);
        }
        return { type: 'identifier', pos: token.pos, tree: this.source, ident: token.val };
      case T.dot:
        return { type: 'dot', pos: token.pos, tree: this.source };
      case T.nil:
        return { type: 'nil', pos: token.pos, tree: this.source };
      case T.variable:
        return this.useVar(token.pos, token.val);
      case T.field:
        return { type: 'field', pos: token.pos, tree: this.source, ident: token.val.slice(1).split('.') };
      case T.bool:
        return { type: 'bool', pos: token.pos, tree: this.source, value: token.val === 'true' };
      case T.charConstant:
      case T.complex:
      case T.number:
        return this.newNumber(token.pos, token.val, token.typ);
      case T.leftParen: {
        if (this.stackDepth >= MAX_STACK_DEPTH) this.errorf('max expression depth exceeded');
        this.stackDepth++;
        try {
          return this.pipeline('parenthesized pipeline', T.rightParen);
        } finally {
          this.stackDepth--;
        }
      }
      case T.string:
      case T.rawString:
        return { type: 'string', pos: token.pos, tree: this.source, quoted: token.val, text: this.unquote(token.val) };
    }
    this.backup();
    return undefined;
  }

  private newVariable(pos: number, ident: string): VariableNode {
    return { type: 'variable', pos, tree: this.source, ident: ident.split('.') };
  }

  private useVar(pos: number, name: string): VariableNode {
    const v = this.newVariable(pos, name);
    if (this.vars.includes(v.ident[0]!)) return v;
    this.errorf(`undefined variable ${quote(v.ident[0]!)}`);
  }

  private newNumber(pos: number, text: string, typ: ItemType): NumberNode {
    const n: NumberNode = {
      type: 'number',
      pos,
      tree: this.source,
      text,
      isInt: false,
      isUint: false,
      isFloat: false,
      isComplex: false,
      int64: 0n,
      uint64: 0n,
      float64: 0,
      complex: [0, 0],
    };
    if (typ === T.charConstant) {
      let r;
      try {
        r = unquoteChar(text, 1, text.charCodeAt(0));
      } catch (err) {
        if (err instanceof StrconvSyntaxError) this.errorf(err.message);
        throw err;
      }
      if (text.slice(r.next) !== "'") this.errorf(`malformed character constant: ${text}`);
      n.int64 = BigInt(r.value);
      n.isInt = true;
      n.uint64 = BigInt(r.value);
      n.isUint = true;
      n.float64 = r.value;
      n.isFloat = true;
      return n;
    }
    if (typ === T.complex) {
      const c = parseComplex(text);
      if (c === undefined) this.errorf(`expected integer`);
      n.isComplex = true;
      n.complex = c;
      simplifyComplex(n);
      return n;
    }
    if (text.endsWith('i')) {
      const f = parseFloat(text.slice(0, -1));
      if (f !== undefined) {
        n.isComplex = true;
        n.complex = [0, f];
        simplifyComplex(n);
        return n;
      }
    }
    const u = parseUint(text);
    if (u !== undefined) {
      n.isUint = true;
      n.uint64 = u;
    }
    const i = parseInt64(text);
    if (i !== undefined) {
      n.isInt = true;
      n.int64 = i;
      if (i === 0n) {
        n.isUint = true;
        n.uint64 = u ?? 0n;
      }
    }
    if (n.isInt) {
      n.isFloat = true;
      n.float64 = Number(n.int64);
    } else if (n.isUint) {
      n.isFloat = true;
      n.float64 = Number(n.uint64);
    } else {
      const f = parseFloat(text);
      if (f !== undefined) {
        if (!/[.eEpP]/.test(text)) this.errorf(`integer overflow: ${quote(text)}`);
        n.isFloat = true;
        n.float64 = f;
        if (Number.isFinite(f) && Number.isInteger(f)) {
          const asInt = BigInt(f);
          if (asInt >= -(1n << 63n) && asInt < 1n << 63n) {
            n.isInt = true;
            n.int64 = asInt;
          }
          if (asInt >= 0n && asInt < 1n << 64n) {
            n.isUint = true;
            n.uint64 = asInt;
          }
        }
      }
    }
    if (!n.isInt && !n.isUint && !n.isFloat) this.errorf(`illegal number syntax: ${quote(text)}`);
    return n;
  }
}

function simplifyComplex(n: NumberNode): void {
  const [re, im] = n.complex;
  n.isFloat = im === 0;
  if (n.isFloat) {
    n.float64 = re;
    n.isInt = Number.isInteger(re) && Math.abs(re) < 2 ** 63;
    if (n.isInt) n.int64 = BigInt(re);
    n.isUint = Number.isInteger(re) && re >= 0 && re < 2 ** 64;
    if (n.isUint) n.uint64 = BigInt(re);
  }
}

/** parseComplex reads `a+bi` / `a-bi` as fmt.Sscan does for the forms the lexer lets through. */
function parseComplex(text: string): [number, number] | undefined {
  const m = /^([+-]?[^+-]*(?:[eEpP][+-][^+-]*)?)([+-].*)i$/.exec(text);
  if (!m) return undefined;
  const re = parseFloat(m[1]!);
  const im = parseFloat(m[2]!);
  if (re === undefined || im === undefined) return undefined;
  return [re, im];
}

function nodeTag(n: EndNode | ElseNode): string {
  return n.type === 'end' ? '{{end}}' : '{{else}}';
}
