/**
 * Template sets, as Go's text/template.Template: named templates that share a function map, options, limits and
 * each other's definitions. A parsed set is immutable in use: execute it any number of times.
 *
 *     const root = new Template('gotpl').funcs(sprig).option('missingkey=zero');
 *     root.new('chart/templates/a.yaml').parse('{{ include "x" . }}');
 *     root.new('chart/templates/_helpers.tpl').parse('{{ define "x" }}{{ .Values.name }}{{ end }}');
 *     const out = root.executeTemplate('chart/templates/a.yaml', { Values: { name: 'web' } });
 */
import { BUILTINS } from './builtins.ts';
import { TemplateError } from './errors.ts';
import { execute, type ExecLimits, type ExecTemplate, type MissingKey } from './exec.ts';
import { isEmptyTree, type Tree } from './node.ts';
import { parseTrees } from './parse.ts';
import { isDigit, isLetter, quote } from './strconv.ts';
import { type FuncMap, GoFunc, type GoValue } from './values.ts';

/** DEFAULT_LIMITS: 256 Mi characters of output, no deadline. */
export const DEFAULT_LIMITS: ExecLimits = { maxOutputLength: 256 * 1024 * 1024, deadline: undefined };

/** The state a set's templates share (Go's `common`). */
class Common {
  readonly tmpl = new Map<string, Template>();
  readonly funcs = new Map<string, GoFunc>();
  missingKey: MissingKey = 'invalid';
  limits: ExecLimits = DEFAULT_LIMITS;
}

/**
 * Template is one named template of a set. Methods mirror Go's (`New`, `Parse`, `Lookup`, `Clone`, `Funcs`,
 * `Option`, `Delims`, `Execute`, `ExecuteTemplate`, `Templates`, `DefinedTemplates`, `AddParseTree`); errors are
 * thrown: {@link TemplateParseError}, {@link TemplateExecError}, {@link TemplateError}.
 */
export class Template implements ExecTemplate {
  readonly name: string;
  private parsed: Tree | undefined;
  private common: Common;
  private leftDelim = '';
  private rightDelim = '';

  /** Creates a new, empty template set whose first template is `name` (Go's template.New). */
  constructor(name: string, common?: Common) {
    this.name = name;
    this.common = common ?? new Common();
  }

  /** The parsed tree of this template; undefined until a parse defines it. */
  get tree(): Tree | undefined {
    return this.parsed;
  }

  get missingKey(): MissingKey {
    return this.common.missingKey;
  }

  get limits(): ExecLimits {
    return this.common.limits;
  }

  /** new creates a template associated with this one: same functions, options and definitions (Go's t.New). */
  new(name: string): Template {
    const t = new Template(name, this.common);
    t.leftDelim = this.leftDelim;
    t.rightDelim = this.rightDelim;
    return t;
  }

  /**
   * parse parses `text` as this template's body; `define`/`block` inside add or replace named templates of the
   * set. A later definition replaces an earlier one unless its body is empty (only spaces and comments).
   */
  parse(text: string): this {
    const trees = parseTrees(this.name, text, {
      leftDelim: this.leftDelim,
      rightDelim: this.rightDelim,
      hasFunction: (name) => this.common.funcs.has(name) || BUILTINS.has(name),
    });
    for (const [name, tree] of trees) this.addParseTree(name, tree);
    return this;
  }

  /** addParseTree associates a parsed tree with the set under `name` (Go's AddParseTree). */
  addParseTree(name: string, tree: Tree): Template {
    const nt = name === this.name ? this : this.new(name);
    if (this.associate(nt, tree) || nt.parsed === undefined) nt.parsed = tree;
    return nt;
  }

  private associate(nt: Template, tree: Tree): boolean {
    const old = this.common.tmpl.get(nt.name);
    if (old !== undefined && isEmptyTree(tree.root) && old.parsed !== undefined) return false;
    this.common.tmpl.set(nt.name, nt);
    return true;
  }

  /** lookup returns the template of the set named `name`. */
  lookup(name: string): Template | undefined {
    return this.common.tmpl.get(name);
  }

  /** func returns the function of the set's map named `name` (not the built-ins). */
  func(name: string): GoFunc | undefined {
    return this.common.funcs.get(name);
  }

  /** templates lists the set's templates. */
  templates(): Template[] {
    return [...this.common.tmpl.values()];
  }

  /**
   * definedTemplates lists the set's parsed templates as `; defined templates are: "a", "b"` (empty when none),
   * the suffix Go adds to some error messages.
   */
  definedTemplates(): string {
    const names = [...this.common.tmpl.values()].filter((t) => t.parsed !== undefined).map((t) => quote(t.name));
    return names.length === 0 ? '' : `; defined templates are: ${names.join(', ')}`;
  }

  /**
   * clone copies the set: the copy has its own map of names, functions and options, so parsing into it (Helm's
   * `tpl`) leaves the original untouched. Parsed trees are shared, which is safe: they are never mutated.
   */
  clone(): Template {
    const c = new Common();
    c.missingKey = this.common.missingKey;
    c.limits = this.common.limits;
    const nt = new Template(this.name, c);
    nt.parsed = this.parsed;
    nt.leftDelim = this.leftDelim;
    nt.rightDelim = this.rightDelim;
    for (const [k, v] of this.common.tmpl) {
      if (k === this.name) {
        c.tmpl.set(k, nt);
        continue;
      }
      const copy = new Template(v.name, c);
      copy.parsed = v.parsed;
      copy.leftDelim = v.leftDelim;
      copy.rightDelim = v.rightDelim;
      c.tmpl.set(k, copy);
    }
    for (const [k, f] of this.common.funcs) c.funcs.set(k, f);
    return nt;
  }

  /**
   * funcs adds functions to the set's map (replacing same-named ones, shadowing built-ins). Must be called before
   * parsing templates that use them. Throws for a name that is not an identifier.
   */
  funcs(funcMap: FuncMap): this {
    for (const [name, fn] of Object.entries(funcMap)) {
      if (!goodName(name)) throw new TemplateError(`function name ${quote(name)} is not a valid identifier`);
      if (!(fn instanceof GoFunc)) throw new TemplateError(`value for ${name} not a function`);
      this.common.funcs.set(name, fn);
    }
    return this;
  }

  /** option sets options: `missingkey=default|invalid|zero|error` (Go's Option). Throws for unknown options. */
  option(...opts: string[]): this {
    for (const opt of opts) {
      if (opt === '') throw new TemplateError('empty option string');
      const eq = opt.indexOf('=');
      if (eq >= 0 && opt.slice(0, eq) === 'missingkey') {
        const value = opt.slice(eq + 1);
        if (value === 'invalid' || value === 'default') {
          this.common.missingKey = 'invalid';
          continue;
        }
        if (value === 'zero' || value === 'error') {
          this.common.missingKey = value;
          continue;
        }
      }
      throw new TemplateError(`unrecognized option: ${opt}`);
    }
    return this;
  }

  /** delims sets the action delimiters for later parses ('' means the default `{{` / `}}`). */
  delims(left: string, right: string): this {
    this.leftDelim = left;
    this.rightDelim = right;
    return this;
  }

  /** limit bounds executions of the whole set: output size and a wall-clock deadline (ms since the epoch). */
  limit(limits: Partial<ExecLimits>): this {
    this.common.limits = { ...this.common.limits, ...limits };
    return this;
  }

  /** execute runs this template with `data` as dot and returns the output. */
  execute(data?: GoValue): string {
    return execute(this, data);
  }

  /** executeTemplate runs the set's template `name` with `data` as dot and returns the output. */
  executeTemplate(name: string, data?: GoValue): string {
    const t = this.lookup(name);
    if (t === undefined) {
      throw new TemplateError(`template: no template ${quote(name)} associated with template ${quote(this.name)}`);
    }
    return t.execute(data);
  }
}

function goodName(name: string): boolean {
  if (name === '') return false;
  let first = true;
  for (const ch of name) {
    const r = ch.codePointAt(0)!;
    if (r === 0x5f) {
      first = false;
      continue;
    }
    if (first && !isLetter(r)) return false;
    if (!isLetter(r) && !isDigit(r)) return false;
    first = false;
  }
  return true;
}
