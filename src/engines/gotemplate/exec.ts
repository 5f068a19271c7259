/**
 * The template executor: Go's text/template/exec.go semantics over the value model.
 *
 * Control flow (lists, if/with/range, {{template}}) runs on an explicit frame stack instead of JavaScript
 * recursion, so a template that calls itself 100000 deep reaches Go's `exceeded maximum template depth
 * (100000)` in bounded memory instead of overflowing the JavaScript stack. Expressions recurse (their depth is
 * bounded by the parser's limit on nested parentheses).
 *
 * Internally `undefined` is Go's invalid reflect.Value ("no value") and `null` a nil `interface{}`. Whether a
 * receiver's static type is `interface {}` (it came out of a `map[string]interface {}` or `[]interface {}`) is
 * tracked beside dot and variables: it shows in Go's messages (`can't evaluate field x in type interface {}`).
 */
import {
  BUILTINS,
  callFunc,
  canBeNil,
  deref,
  emptyOf,
  Iface,
  indirectInterface,
  printable,
  zeroOf,
} from './builtins.ts';
import { TemplateExecError } from './errors.ts';
import { formatValue } from './fmt.ts';
import {
  type AnyNode,
  type ArgNode,
  type BranchNode,
  type ChainNode,
  type CommandNode,
  type FieldNode,
  type IdentifierNode,
  location,
  type Node,
  nodeString,
  type NumberNode,
  type PipeNode,
  type TemplateNode,
  type Tree,
  type VariableNode,
} from './node.ts';
import { quote } from './strconv.ts';
import {
  ANY,
  assignable,
  GoChan,
  GoComplex,
  GoFunc,
  GoInt,
  GoNil,
  GoStruct,
  type GoType,
  type GoValue,
  goInt,
  isGoMap,
  GoKeyedMap,
  isIntKind,
  isTrue,
  MAP_ANY,
  mapGet,
  taggedType,
  REFLECT_VALUE,
  sortedKeys,
  typeOf,
  UINT8,
} from './values.ts';

/** MAX_EXEC_DEPTH is Go's limit on nested {{template}} invocations. */
export const MAX_EXEC_DEPTH = 100000;

/** MissingKey is the `missingkey` option: what a missing map key yields. */
export type MissingKey = 'invalid' | 'zero' | 'error';

/** ExecLimits bound one execution of a hostile template (Go has neither). */
export interface ExecLimits {
  /** Largest output, in UTF-16 code units, before execution fails. */
  maxOutputLength: number;
  /** Wall-clock instant (ms since the epoch) after which execution fails; undefined for none. */
  deadline: number | undefined;
}

/** ExecTemplate is what the executor needs from a template of a set. */
export interface ExecTemplate {
  readonly name: string;
  readonly tree: Tree | undefined;
  lookup(name: string): ExecTemplate | undefined;
  /** The function of the set's map named `name` (the executor falls back to the built-ins). */
  func(name: string): GoFunc | undefined;
  readonly missingKey: MissingKey;
  readonly limits: ExecLimits;
}

type V = GoValue | undefined;
const MISSING: unique symbol = Symbol('missing');
type Final = V | typeof MISSING;

interface Variable {
  readonly name: string;
  value: V;
  iface: boolean;
}

interface ListFrame {
  readonly k: 0;
  readonly nodes: readonly Node[];
  i: number;
  readonly dot: V;
  readonly dotIface: boolean;
  /** Variables to drop when the list ends (−1: none, the template frame restores them). */
  readonly mark: number;
}

interface RangeFrame {
  readonly k: 1;
  readonly node: BranchNode;
  readonly dot: V;
  readonly dotIface: boolean;
  readonly mark0: number;
  readonly mark1: number;
  /** Elements (slices, maps' values, channels' received values) or undefined for integer ranges. */
  readonly elems: readonly V[] | undefined;
  readonly keys: readonly V[] | undefined;
  readonly elemIface: boolean;
  readonly count: number;
  /** For integer ranges: the type of the integers. */
  readonly intType: GoType | undefined;
  i: number;
  done: boolean;
}

interface TemplateFrame {
  readonly k: 2;
  readonly vars: Variable[];
  readonly tmpl: ExecTemplate;
}

type Frame = ListFrame | RangeFrame | TemplateFrame;

/**
 * execute runs a template on `data` and returns its output; throws {@link TemplateExecError}.
 */
export function execute(tmpl: ExecTemplate, data: V): string {
  const s: State = new State(tmpl);
  const dot = data === null ? undefined : data;
  s.vars = [{ name: '$', value: dot, iface: false }];
  const nodes = tmpl.tree?.root.nodes;
  if (nodes === undefined) s.errorf(`${quote(tmpl.name)} is an incomplete or empty template`);
  try {
    s.run(dot, nodes);
  } catch (err) {
    // Expressions nested deeper than the JavaScript stack allows (Go's stack grows) fail at the current node.
    if (err instanceof RangeError) s.errorf('max expression depth exceeded');
    throw err;
  }
  return s.out;
}

const DEADLINE_CHECK_EVERY = 4096;

class State {
  tmpl: ExecTemplate;
  node: AnyNode | undefined;
  vars: Variable[] = [];
  depth = 0;
  out = '';
  private readonly stack: Frame[] = [];
  private readonly maxOutput: number;
  private readonly deadline: number | undefined;
  private ticks = DEADLINE_CHECK_EVERY;
  /** Side result of evalField: whether the value's static type is `interface {}`. */
  private fieldIface = false;

  constructor(tmpl: ExecTemplate) {
    this.tmpl = tmpl;
    this.maxOutput = tmpl.limits.maxOutputLength;
    this.deadline = tmpl.limits.deadline;
  }

  // ---- errors ----

  errorf(detail: string, cause?: unknown): never {
    const name = this.tmpl.name;
    const n = this.node;
    const err =
      n === undefined
        ? new TemplateExecError(name, undefined, undefined, detail, cause)
        : new TemplateExecError(name, location(n), nodeString(n), detail, cause);
    throw err;
  }

  // ---- variables ----

  private setVar(name: string, value: V, iface: boolean): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i]!;
      if (v.name === name) {
        v.value = value;
        v.iface = iface;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  private setTopVar(n: number, value: V, iface: boolean): void {
    const v = this.vars[this.vars.length - n]!;
    v.value = value;
    v.iface = iface;
  }

  private varOf(name: string): Variable {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i]!;
      if (v.name === name) return v;
    }
    this.errorf(`undefined variable: ${name}`);
  }

  // ---- output ----

  private write(s: string): void {
    this.out += s;
    if (this.out.length > this.maxOutput) {
      this.errorf(`output exceeds the limit of ${this.maxOutput} characters`);
    }
  }

  // ---- walking ----

  run(dot: V, nodes: readonly Node[]): void {
    const stack = this.stack;
    stack.push({ k: 0, nodes, i: 0, dot, dotIface: false, mark: -1 });
    while (stack.length > 0) {
      if (--this.ticks === 0) this.checkDeadline();
      const f = stack[stack.length - 1]!;
      if (f.k === 0) {
        if (f.i >= f.nodes.length) {
          stack.pop();
          if (f.mark >= 0) this.vars.length = f.mark;
          continue;
        }
        const node = f.nodes[f.i++]!;
        this.node = node;
        switch (node.type) {
          case 'text':
            this.write(node.text);
            break;
          case 'action': {
            const val = this.evalPipeline(f.dot, f.dotIface, node.pipe);
            if (node.pipe.decl.length === 0) this.printValue(node, val);
            break;
          }
          case 'if':
          case 'with': {
            const mark = this.vars.length;
            const val = this.evalPipeline(f.dot, f.dotIface, node.pipe);
            if (isTrue(val)) {
              const isWith = node.type === 'with';
              stack.push({
                k: 0,
                nodes: node.list.nodes,
                i: 0,
                dot: isWith ? val : f.dot,
                dotIface: isWith ? false : f.dotIface,
                mark,
              });
            } else if (node.elseList !== undefined) {
              stack.push({ k: 0, nodes: node.elseList.nodes, i: 0, dot: f.dot, dotIface: f.dotIface, mark });
            } else this.vars.length = mark;
            break;
          }
          case 'range':
            this.startRange(f, node);
            break;
          case 'template':
            this.startTemplate(f, node);
            break;
          case 'break':
          case 'continue':
            this.breakOrContinue(node.type === 'break');
            break;
          case 'comment':
            break;
          default:
            this.errorf(`unknown node: ${nodeString(node)}`);
        }
      } else if (f.k === 1) {
        this.nextIteration(f);
      } else {
        stack.pop();
        this.vars = f.vars;
        this.tmpl = f.tmpl;
        this.depth--;
      }
    }
  }

  private checkDeadline(): void {
    this.ticks = DEADLINE_CHECK_EVERY;
    if (this.deadline !== undefined && Date.now() > this.deadline) {
      this.errorf('template execution exceeded its deadline');
    }
  }

  private startRange(f: ListFrame, r: BranchNode): void {
    this.node = r;
    const mark0 = this.vars.length;
    const val = deref(this.evalPipeline(f.dot, f.dotIface, r.pipe));
    const mark1 = this.vars.length;
    let elems: V[] | undefined;
    let keys: V[] | undefined;
    let elemIface = false;
    let count = 0;
    let intType: GoType | undefined;
    if (val instanceof GoInt) {
      if (r.pipe.decl.length > 1) this.errorf(`can't use ${formatValue(val)} to iterate over more than one variable`);
      intType = val.type;
      count = val.value > 0n ? Number(val.value) : 0;
    } else if (Array.isArray(val)) {
      elems = val;
      count = val.length;
      elemIface = (typeOf(val)!.elem ?? ANY) === ANY;
    } else if (val instanceof Uint8Array) {
      elems = Array.from(val, (b) => new GoInt(BigInt(b), UINT8));
      count = elems.length;
    } else if (val === undefined || (val instanceof GoNil && val.type.kind !== 'ptr' && val.type.kind !== 'func')) {
      count = 0;
    } else if (isGoMap(val)) {
      const type = typeOf(val)!;
      keys = sortedKeys(val);
      elems = keys.map((k) => mapGet(val, k as string)!);
      count = keys.length;
      elemIface = (type.elem ?? ANY) === ANY;
    } else if (val instanceof GoKeyedMap) {
      keys = val.entries.map(([k]) => k);
      elems = val.entries.map(([, v]) => v);
      count = keys.length;
      elemIface = (val.type.elem ?? ANY) === ANY;
    } else if (val instanceof GoChan) {
      elems = [];
      for (let v = val.receive(); v !== undefined; v = val.receive()) elems.push(v);
      count = elems.length;
      elemIface = val.type.elem === ANY;
    } else {
      this.errorf(`range can't iterate over ${formatValue(val)}`);
    }
    this.stack.push({
      k: 1,
      node: r,
      dot: f.dot,
      dotIface: f.dotIface,
      mark0,
      mark1,
      elems,
      keys,
      elemIface,
      count,
      intType,
      i: 0,
      done: false,
    });
  }

  private nextIteration(f: RangeFrame): void {
    const r = f.node;
    if (f.done || f.i >= f.count) {
      this.stack.pop();
      if (f.count === 0 && r.elseList !== undefined) {
        this.stack.push({ k: 0, nodes: r.elseList.nodes, i: 0, dot: f.dot, dotIface: f.dotIface, mark: f.mark0 });
      } else this.vars.length = f.mark0;
      return;
    }
    const i = f.i++;
    this.vars.length = f.mark1;
    let index: V;
    let elem: V;
    let elemIface = f.elemIface;
    if (f.intType !== undefined) {
      index = undefined;
      elem = f.intType.name === 'int' ? goInt(i) : goInt(BigInt(i), f.intType);
      elemIface = false;
    } else {
      index = f.keys !== undefined ? f.keys[i] : goInt(i);
      elem = f.elems![i];
    }
    const decl = r.pipe.decl;
    if (decl.length > 0) {
      if (r.pipe.isAssign) {
        if (decl.length > 1) this.setVar(decl[0]!.ident[0]!, index, false);
        else this.setVar(decl[0]!.ident[0]!, elem, elemIface);
      } else this.setTopVar(1, elem, elemIface);
    }
    if (decl.length > 1) {
      if (r.pipe.isAssign) this.setVar(decl[1]!.ident[0]!, elem, elemIface);
      else this.setTopVar(2, index, false);
    }
    this.stack.push({ k: 0, nodes: r.list.nodes, i: 0, dot: elem, dotIface: elemIface, mark: f.mark1 });
  }

  private breakOrContinue(isBreak: boolean): void {
    const stack = this.stack;
    for (;;) {
      const top = stack[stack.length - 1]!;
      if (top.k === 1) {
        this.vars.length = top.mark1;
        if (isBreak) top.done = true;
        return;
      }
      stack.pop();
    }
  }

  private startTemplate(f: ListFrame, t: TemplateNode): void {
    this.node = t;
    const tmpl = this.tmpl.lookup(t.name);
    if (tmpl === undefined || tmpl.tree === undefined) this.errorf(`template ${quote(t.name)} not defined`);
    if (this.depth === MAX_EXEC_DEPTH) this.errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
    const dot = this.evalPipeline(f.dot, f.dotIface, t.pipe);
    this.stack.push({ k: 2, vars: this.vars, tmpl: this.tmpl });
    this.depth++;
    this.tmpl = tmpl;
    this.vars = [{ name: '$', value: dot, iface: false }];
    this.stack.push({ k: 0, nodes: tmpl.tree.root.nodes, i: 0, dot, dotIface: false, mark: -1 });
  }

  private printValue(n: Node, v: V): void {
    this.node = n;
    if (typeof v === 'string') {
      this.write(v);
      return;
    }
    const p = printable(v);
    if (
      (p instanceof GoFunc || p instanceof GoChan) &&
      p.type.method('String') === undefined &&
      p.type.method('Error') === undefined
    ) {
      this.errorf(`can't print ${nodeString(n)} of type ${p.type.name}`);
    }
    this.write(formatValue(p));
  }

  // ---- evaluation ----

  evalPipeline(dot: V, dotIface: boolean, pipe: PipeNode | undefined): V {
    if (pipe === undefined) return undefined;
    this.node = pipe;
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, dotIface, cmd, value);
      // A nil interface{} is no value once it leaves its slot.
      if (value === null) value = undefined;
    }
    const v = value as V;
    for (const variable of pipe.decl) {
      if (pipe.isAssign) this.setVar(variable.ident[0]!, v, false);
      else this.vars.push({ name: variable.ident[0]!, value: v, iface: false });
    }
    return v;
  }

  private notAFunction(args: readonly ArgNode[] | undefined, final: Final): void {
    if ((args !== undefined && args.length > 1) || final !== MISSING) {
      this.errorf(`can't give argument to non-function ${nodeString(args![0]!)}`);
    }
  }

  private evalCommand(dot: V, dotIface: boolean, cmd: CommandNode, final: Final): V {
    const first = cmd.args[0]!;
    switch (first.type) {
      case 'field':
        return this.evalFieldNode(dot, dotIface, first, cmd.args, final);
      case 'chain':
        return this.evalChainNode(dot, dotIface, first, cmd.args, final);
      case 'identifier':
        return this.evalFunction(dot, dotIface, first, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, dotIface, first);
      case 'variable':
        return this.evalVariableNode(dot, dotIface, first, cmd.args, final);
    }
    this.node = first;
    this.notAFunction(cmd.args, final);
    switch (first.type) {
      case 'bool':
        return first.value;
      case 'dot':
        return dot;
      case 'nil':
        this.errorf('nil is not a command');
        break;
      case 'number':
        return this.idealConstant(first);
      case 'string':
        return first.text;
    }
    this.errorf(`can't evaluate command ${quote(nodeString(first))}`);
  }

  private idealConstant(c: NumberNode): V {
    this.node = c;
    if (c.isComplex) return new GoComplex(c.complex[0], c.complex[1]);
    if (c.isFloat && !isHexInt(c.text) && !isRuneInt(c.text) && /[.eEpP]/.test(c.text)) return c.float64;
    if (c.isInt) return goInt(c.int64);
    if (c.isUint) this.errorf(`${c.text} overflows int`);
    return undefined;
  }

  private evalFieldNode(
    dot: V,
    dotIface: boolean,
    field: FieldNode,
    args: readonly ArgNode[] | undefined,
    final: Final,
  ): V {
    this.node = field;
    return this.evalFieldChain(dot, dotIface, dot, dotIface, field, field.ident, 0, args, final);
  }

  private evalChainNode(
    dot: V,
    dotIface: boolean,
    chain: ChainNode,
    args: readonly ArgNode[] | undefined,
    final: Final,
  ): V {
    this.node = chain;
    if (chain.fields.length === 0) this.errorf('internal error: no fields in evalChainNode');
    if (chain.node.type === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    let pipe: V;
    let iface = false;
    if (chain.node.type === 'identifier') {
      this.node = chain.node;
      const fn = this.findFunction(chain.node.ident);
      pipe = this.evalFunction(dot, dotIface, chain.node, chain.node, undefined, MISSING);
      iface = fn !== undefined && fn.result === ANY;
    } else {
      pipe = this.evalArg(dot, dotIface, undefined, chain.node);
    }
    return this.evalFieldChain(dot, dotIface, pipe, iface, chain, chain.fields, 0, args, final);
  }

  private evalVariableNode(
    dot: V,
    dotIface: boolean,
    variable: VariableNode,
    args: readonly ArgNode[] | undefined,
    final: Final,
  ): V {
    this.node = variable;
    const v = this.varOf(variable.ident[0]!);
    if (variable.ident.length === 1) {
      this.notAFunction(args, final);
      this.fieldIface = v.iface;
      return v.value;
    }
    return this.evalFieldChain(dot, dotIface, v.value, v.iface, variable, variable.ident, 1, args, final);
  }

  private evalFieldChain(
    dot: V,
    dotIface: boolean,
    receiver: V,
    recvIface: boolean,
    node: AnyNode,
    ident: readonly string[],
    start: number,
    args: readonly ArgNode[] | undefined,
    final: Final,
  ): V {
    const n = ident.length;
    for (let i = start; i < n - 1; i++) {
      receiver = this.evalField(dot, dotIface, ident[i]!, node, undefined, MISSING, receiver, recvIface);
      recvIface = this.fieldIface;
    }
    return this.evalField(dot, dotIface, ident[n - 1]!, node, args, final, receiver, recvIface);
  }

  private evalField(
    dot: V,
    dotIface: boolean,
    fieldName: string,
    node: AnyNode,
    args: readonly ArgNode[] | undefined,
    final: Final,
    receiver: V,
    recvIface: boolean,
  ): V {
    this.fieldIface = false;
    if (receiver === undefined) {
      if (this.tmpl.missingKey === 'error') this.errorf(`nil data; no entry for key ${quote(fieldName)}`);
      return undefined;
    }
    // Fast path: a field of a plain map[string]interface{}.
    if (typeof receiver === 'object' && receiver !== null && receiver.constructor === Object) {
      const tagged = taggedType(receiver) ?? MAP_ANY;
      if (tagged === MAP_ANY || !tagged.hasMethods()) {
        if ((args !== undefined && args.length > 1) || final !== MISSING) {
          this.errorf(`${fieldName} is not a method but has arguments`);
        }
        return this.mapField(receiver as Record<string, GoValue>, tagged, fieldName);
      }
    }
    const typName = (): string => (recvIface || receiver === null ? 'interface {}' : typeOf(receiver)!.name);
    if (receiver === null) this.errorf(`nil pointer evaluating interface {}.${fieldName}`);
    const type = typeOf(receiver)!;
    const method = type.method(fieldName);
    if (method !== undefined)
      return this.evalCall(dot, dotIface, method, receiver, false, node, fieldName, args, final);
    const hasArgs = (args !== undefined && args.length > 1) || final !== MISSING;
    const isNilPtr = receiver instanceof GoNil && receiver.type.kind === 'ptr';
    if (receiver instanceof GoStruct) {
      const field = type.field(fieldName);
      if (field !== undefined) {
        if (field.exported === false) this.errorf(`${fieldName} is an unexported field of struct type ${typName()}`);
        if (hasArgs) this.errorf(`${fieldName} has arguments but cannot be invoked as function`);
        const v = receiver.fields[fieldName];
        this.fieldIface = field.type === ANY;
        return v === undefined ? zeroOf(field.type) : v;
      }
    } else if (isGoMap(receiver) || (receiver instanceof GoNil && receiver.type.kind === 'map')) {
      if ((type.key ?? ANY).kind === 'string' || type.key === undefined) {
        if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
        if (receiver instanceof GoNil) return this.missingKey(type, fieldName);
        return this.mapField(receiver, type, fieldName);
      }
    } else if (isNilPtr) {
      const etyp = type.elem;
      if (!(etyp !== undefined && etyp.kind === 'struct' && etyp.field(fieldName) === undefined)) {
        this.errorf(`nil pointer evaluating ${typName()}.${fieldName}`);
      }
    }
    this.errorf(`can't evaluate field ${fieldName} in type ${typName()}`);
  }

  private mapField(m: Record<string, GoValue>, type: GoType, fieldName: string): V {
    const v = mapGet(m, fieldName);
    if (v === undefined) return this.missingKey(type, fieldName);
    this.fieldIface = (type.elem ?? ANY) === ANY;
    return v;
  }

  private missingKey(type: GoType, fieldName: string): V {
    switch (this.tmpl.missingKey) {
      case 'invalid':
        return undefined;
      case 'zero':
        this.fieldIface = (type.elem ?? ANY) === ANY;
        return zeroOf(type.elem ?? ANY);
      case 'error':
        this.errorf(`map has no entry for key ${quote(fieldName)}`);
    }
  }

  private findFunction(name: string): GoFunc | undefined {
    return this.tmpl.func(name) ?? BUILTINS.get(name);
  }

  private evalFunction(
    dot: V,
    dotIface: boolean,
    node: IdentifierNode,
    cmd: AnyNode,
    args: readonly ArgNode[] | undefined,
    final: Final,
  ): V {
    this.node = node;
    const name = node.ident;
    const user = this.tmpl.func(name);
    const fn = user ?? BUILTINS.get(name);
    if (fn === undefined) this.errorf(`${quote(name)} is not a defined function`);
    return this.evalCall(dot, dotIface, fn, undefined, user === undefined, cmd, name, args, final);
  }

  private evalCall(
    dot: V,
    dotIface: boolean,
    fn: GoFunc,
    receiver: V,
    isBuiltin: boolean,
    node: AnyNode,
    name: string,
    allArgs: readonly ArgNode[] | undefined,
    final: Final,
  ): V {
    const args = allArgs === undefined ? [] : allArgs.slice(1);
    const params = fn.params;
    const numIn = args.length + (final !== MISSING ? 1 : 0);
    let numFixed = args.length;
    if (fn.variadic !== undefined) {
      numFixed = params.length;
      if (numIn < numFixed) {
        this.errorf(`wrong number of args for ${name}: want at least ${params.length} got ${args.length}`);
      }
    } else if (numIn !== params.length) {
      this.errorf(`wrong number of args for ${name}: want ${params.length} got ${numIn}`);
    }

    if (isBuiltin && (name === 'and' || name === 'or')) {
      const argType = params[0]!;
      let v: V;
      for (const arg of args) {
        v = this.evalArg(dot, dotIface, argType, arg);
        if (isTrue(indirectInterface(v)) === (name === 'or')) return v instanceof Iface ? v.v : v;
      }
      if (final !== MISSING) v = this.validateType(final, argType);
      return v instanceof Iface ? v.v : v;
    }

    const argv: V[] = [];
    let i = 0;
    for (; i < numFixed && i < args.length; i++) argv.push(this.evalArg(dot, dotIface, params[i], args[i]!));
    if (fn.variadic !== undefined) {
      for (; i < args.length; i++) argv.push(this.evalArg(dot, dotIface, fn.variadic, args[i]!));
    }
    if (final !== MISSING) {
      let t = fn.variadic ?? params[params.length - 1]!;
      if (fn.variadic !== undefined && numIn - 1 < numFixed) t = params[numIn - 1]!;
      argv.push(this.validateType(final, t));
    }

    let result: GoValue;
    try {
      if (isBuiltin && name === 'call') {
        const calleeName = args.length === 0 ? formatValue(final as GoValue) : nodeString(args[0]!);
        result = callFunc(calleeName, argv[0], ...argv.slice(1));
      } else {
        if (!isBuiltin) normalizeNilArgs(fn, argv);
        result = receiver !== undefined ? fn.impl(receiver, ...argv) : fn.impl(...argv);
      }
    } catch (err) {
      this.node = node;
      // A body that trips over a nil receiver is Go's nil dereference.
      const message =
        err instanceof TypeError && receiver instanceof GoNil
          ? 'runtime error: invalid memory address or nil pointer dereference'
          : err instanceof Error
            ? err.message
            : String(err);
      this.errorf(`error calling ${name}: ${message}`, err);
    }
    this.fieldIface = fn.result === ANY;
    return result;
  }

  private validateType(value: V, typ: GoType | undefined): V {
    if (value === undefined) {
      if (typ === undefined) return undefined;
      if (canBeNil(typ)) return zeroOf(typ);
      this.errorf(`invalid value; expected ${typ.name}`);
    }
    if (typ === undefined || typ === ANY || typ === REFLECT_VALUE) return value;
    if (value === null) this.errorf(`wrong type for value; expected ${typ.name}; got interface {}`);
    // Fast paths for the common parameter types.
    if (typeof value === 'string' && typ.name === 'string') return value;
    const vt = typeOf(value)!;
    if (assignable(vt, typ)) return value;
    if (vt.kind === 'ptr' && vt.elem !== undefined && assignable(vt.elem, typ)) return deref(value);
    this.errorf(`wrong type for value; expected ${typ.name}; got ${vt.name}`);
  }

  private evalArg(dot: V, dotIface: boolean, typ: GoType | undefined, n: ArgNode): V {
    this.node = n;
    switch (n.type) {
      case 'dot':
        return this.reflectArg(this.validateType(dot, typ), typ, dotIface);
      case 'nil':
        if (typ !== undefined && canBeNil(typ)) return zeroOf(typ);
        this.errorf(`cannot assign nil to ${typ?.name ?? '<nil>'}`);
        break;
      case 'field':
        return this.reflectArg(this.validateType(this.evalFieldNode(dot, dotIface, n, [n], MISSING), typ), typ);
      case 'variable':
        return this.reflectArg(
          this.validateType(this.evalVariableNode(dot, dotIface, n, undefined, MISSING), typ),
          typ,
        );
      case 'pipe':
        return this.validateType(this.evalPipeline(dot, dotIface, n), typ);
      case 'identifier':
        return this.reflectArg(this.validateType(this.evalFunction(dot, dotIface, n, n, undefined, MISSING), typ), typ);
      case 'chain':
        return this.reflectArg(this.validateType(this.evalChainNode(dot, dotIface, n, undefined, MISSING), typ), typ);
    }
    if (typ === undefined) this.errorf(`can't handle ${nodeString(n)} for arg of type <nil>`);
    const kind = typ.kind;
    if (kind === 'bool') {
      if (n.type === 'bool') return n.value;
      this.errorf(`expected bool; found ${nodeString(n)}`);
    }
    if (kind === 'complex64' || kind === 'complex128') {
      if (n.type === 'number' && n.isComplex) return new GoComplex(n.complex[0], n.complex[1]);
      this.errorf(`expected complex; found ${nodeString(n)}`);
    }
    if (kind === 'float32' || kind === 'float64') {
      if (n.type === 'number' && n.isFloat) return n.float64;
      this.errorf(`expected float; found ${nodeString(n)}`);
    }
    if (isIntKind(kind)) {
      if (kind.startsWith('u')) {
        if (n.type === 'number' && n.isUint) return goInt(n.uint64, typ);
        this.errorf(`expected unsigned integer; found ${nodeString(n)}`);
      }
      if (n.type === 'number' && n.isInt) return goInt(n.int64, typ);
      this.errorf(`expected integer; found ${nodeString(n)}`);
    }
    if ((kind === 'interface' && typ === ANY) || typ === REFLECT_VALUE) return this.evalEmptyInterface(dot, n);
    if (kind === 'string') {
      if (n.type === 'string') return n.text;
      this.errorf(`expected string; found ${nodeString(n)}`);
    }
    this.errorf(`can't handle ${nodeString(n)} for arg of type ${typ.name}`);
  }

  /**
   * reflectArg marks a value whose static type is `interface {}` (per `iface`, by default the side result of the
   * evaluation just done) when it goes to a reflect.Value parameter of a built-in.
   */
  private reflectArg(v: V, typ: GoType | undefined, iface = this.fieldIface): V {
    return typ === REFLECT_VALUE && iface && v !== undefined && v !== null ? new Iface(v) : v;
  }

  private evalEmptyInterface(dot: V, n: ArgNode): V {
    this.node = n;
    switch (n.type) {
      case 'bool':
        return n.value;
      case 'dot':
        return dot;
      case 'number':
        return this.idealConstant(n);
      case 'string':
        return n.text;
    }
    this.errorf(`can't handle assignment of ${nodeString(n)} to empty interface argument`);
  }
}

/**
 * normalizeNilArgs hands a body an empty array or object where Go passes a nil slice or map to a slice or map
 * parameter, so that bodies can rely on the JavaScript shape of their parameter types. An `interface {}`
 * parameter keeps the typed nil (`toJson` prints it as `null`, `%#v` as `[]string(nil)`).
 */
function normalizeNilArgs(fn: GoFunc, argv: V[]): void {
  for (let k = 0; k < argv.length; k++) {
    const v = argv[k];
    if (v instanceof GoNil && (v.type.kind === 'slice' || v.type.kind === 'map')) {
      const t = k < fn.params.length ? fn.params[k]! : fn.variadic;
      if (t !== undefined && (t.kind === 'slice' || t.kind === 'map')) argv[k] = emptyOf(t);
    }
  }
}

function isRuneInt(s: string): boolean {
  return s.length > 0 && s[0] === "'";
}

function isHexInt(s: string): boolean {
  return s.length > 2 && s[0] === '0' && (s[1] === 'x' || s[1] === 'X') && !/[pP]/.test(s);
}
