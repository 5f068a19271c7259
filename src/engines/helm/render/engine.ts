import {
  ANY,
  type FuncMap,
  goFunc,
  type GoMap,
  type GoValue,
  isGoMap,
  MAP_ANY,
  mapGet,
  mapSet,
  quote,
  STRING,
  Template,
  TemplateError,
  TemplateExecError,
  TemplateParseError,
  withGoType,
} from '../../gotemplate/index.ts';
import type { Chart } from '../chart/types.ts';
import { FluxtsError } from '../../../util/errors.ts';
import { chartObject, filesObject, toGoValue, VALUES } from './model.ts';
import { helmFuncs } from './funcs.ts';
import type { ValueMap } from '../values/value.ts';

/**
 * Helm's template engine (pkg/engine): every template of the chart and its enabled subcharts parsed into one set
 * named `gotpl` (deepest files first, so the shallowest `define` wins), then every non-partial file executed with
 * its chart's context (`.Values`, `.Chart`, `.Files`, `.Release`, `.Capabilities`, `.Template`, `.Subcharts`),
 * `<no value>` removed from the output; `include`, `tpl`, `required`, `fail` and `lookup` bound per render; Go's
 * errors reformatted as Helm reformats them.
 */

/** RenderError is a failed render; the message is Helm's (`parse error at (…)`, `execution error at (…)`, …). */
export class RenderError extends FluxtsError {}

/** Lookup is the `lookup` function's data source: the live object (or list) as a map; empty when not found. */
export type Lookup = (apiVersion: string, kind: string, namespace: string, name: string) => GoMap;

export interface RenderOptions {
  /** functions: the base function map (Sprig's, as Helm exposes it). Helm's own functions are added on top. */
  functions?: FuncMap;
  /** strict: missingkey=error (an SDK option no helm command sets). */
  strict?: boolean;
  /** lintMode: `required` and `fail` only warn (helm lint). */
  lintMode?: boolean;
  /** lookup: a cluster to read; without it `lookup` returns an empty map, as in `helm template`. */
  lookup?: Lookup;
  /** maxOutputLength / deadline bound a hostile chart's render (characters; ms since the epoch). */
  maxOutputLength?: number;
  deadline?: number;
  /** warn receives lint-mode warnings. */
  warn?: (message: string) => void;
}

/** RenderInput is what `helm template` hands the engine: the processed chart and the top-level render values. */
export interface RenderInput {
  chart: Chart;
  /** values: the coalesced values of the root chart. */
  values: ValueMap;
  release: GoMap;
  capabilities: GoValue;
}

interface Renderable {
  tpl: string;
  vals: GoMap;
  basePath: string;
}

const RECURSION_MAX = 1000;
const TPL_DEPTH_MAX = 1000;
const WARN_START = 'HELM_ERR_START';
const WARN_END = 'HELM_ERR_END';
const WARN_RE = /HELM_ERR_START([\s\S]*)HELM_ERR_END/;

function joinPath(...parts: string[]): string {
  return parts
    .filter((p) => p !== '')
    .join('/')
    .replace(/\/+/g, '/');
}

function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** tableFor is common.Values.Table("Values.<name>") on the parent's context: the subchart's values or an error. */
function subValues(parentNext: GoMap, name: string): GoMap | undefined {
  let t: GoValue | undefined = parentNext;
  for (const n of `Values.${name}`.split('.')) {
    if (!isGoMap(t)) return undefined;
    t = mapGet(t, n);
    if (t === undefined || !isGoMap(t)) return undefined;
  }
  return t;
}

function allTemplates(input: RenderInput): Map<string, Renderable> {
  const templates = new Map<string, Renderable>();
  const rootValues = withGoType(toGoValue(input.values) as GoMap, VALUES);
  const recAll = (c: Chart, parent: GoMap | undefined): GoMap => {
    const subCharts: GoMap = {};
    let values: GoMap = withGoType({}, VALUES);
    if (parent === undefined) values = rootValues;
    else {
      const vs = subValues(parent, c.name);
      if (vs !== undefined) values = withGoType(vs, VALUES);
    }
    const next: GoMap = {
      Chart: chartObject(c.metadata, c.isRoot()),
      Files: filesObject(c.files),
      Release: input.release,
      Capabilities: input.capabilities,
      Values: values,
      Subcharts: subCharts,
    };
    for (const child of c.dependencies) mapSet(subCharts, child.name, recAll(child, next));
    const prefix = c.chartFullPath();
    for (const t of c.templates) {
      if (c.isLibrary() && !baseName(t.name).startsWith('_')) continue;
      templates.set(joinPath(prefix, t.name), {
        tpl: new TextDecoder().decode(t.data),
        vals: next,
        basePath: joinPath(prefix, 'templates'),
      });
    }
    return next;
  };
  recAll(input.chart, undefined);
  return templates;
}

/** sortTemplates is Helm's order: more path segments first, then reverse byte order of the name. */
export function sortTemplates(names: Iterable<string>): string[] {
  const count = (s: string): number => s.split('/').length - 1;
  return [...names].sort((a, b) => {
    const ca = count(a);
    const cb = count(b);
    if (ca !== cb) return cb - ca;
    return a < b ? 1 : a > b ? -1 : 0;
  });
}

/** cleanupParseError is Helm's: `parse error at (<file>:<line>): <last part of Go's message>`. */
function cleanupParseError(filename: string, err: Error): RenderError {
  const tokens = err.message.split(': ');
  if (tokens.length === 1) return new RenderError(`parse error in (${filename}): ${err.message}`, { cause: err });
  return new RenderError(`parse error at (${tokens[1]}): ${tokens[tokens.length - 1]}`, { cause: err });
}

interface Traceable {
  location: string;
  message: string;
  executed: string;
}

/** parseExecMessage is Helm's parseTemplateExecErrorString over one error message of the chain. */
function parseExecMessage(s: string): Traceable | undefined {
  const prefix = 'template: ';
  if (!s.startsWith(prefix)) return undefined;
  const rest = s.slice(prefix.length);
  if (rest.startsWith('no template ')) return { location: '', message: s, executed: '' };
  const exec = rest.indexOf(': executing ');
  if (exec >= 0) {
    const name = rest.slice(0, exec);
    const after = rest.slice(exec + ': executing '.length);
    if (after.startsWith('"')) {
      const endQuote = after.indexOf('"', 1);
      if (endQuote >= 0) {
        const fn = after.slice(1, endQuote);
        const afterFunc = after.slice(endQuote + 1);
        if (afterFunc.startsWith(' at <')) {
          const afterAt = afterFunc.slice(' at <'.length);
          const cut = afterAt.indexOf('>: ');
          if (cut >= 0) {
            let msg = afterAt.slice(cut + 3);
            const tcut = msg.indexOf(' template:');
            if (tcut >= 0) msg = msg.slice(0, tcut);
            return { location: name, message: msg, executed: `executing "${fn}" at <${afterAt.slice(0, cut)}>:` };
          }
        }
      }
    }
    return undefined;
  }
  const sep = rest.lastIndexOf(': ');
  if (sep < 0) return undefined;
  let msg = rest.slice(sep + 2);
  const tcut = msg.indexOf(' template:');
  if (tcut >= 0) msg = msg.slice(0, tcut);
  return { location: rest.slice(0, sep), message: msg, executed: '' };
}

/** errorChain lists the messages errors.Unwrap walks through: each ExecError, its %w wrapper, its cause. */
function errorChain(err: unknown): string[] {
  const out: string[] = [];
  let current: unknown = err;
  while (current !== undefined && current !== null) {
    if (current instanceof TemplateExecError) {
      out.push(current.message);
      if (current.cause === undefined) break;
      out.push(current.message);
      current = current.cause;
    } else if (current instanceof Error) {
      out.push(current.message);
      current = (current as { cause?: unknown }).cause;
    } else {
      break;
    }
  }
  return out;
}

/** reformatExecError is Helm's reformatExecErrorMsg. */
function reformatExecError(filename: string, err: unknown): RenderError {
  if (!(err instanceof TemplateExecError)) return new RenderError((err as Error).message, { cause: err });
  const tokens = splitN(err.message, ': ', 3);
  if (tokens.length !== 3) return new RenderError(`execution error in (${filename}): ${err.message}`, { cause: err });
  const warn = WARN_RE.exec(tokens[2]!);
  if (warn !== null) return new RenderError(`execution error at (${tokens[1]}): ${warn[1]}`, { cause: err });
  const locations: Traceable[] = [];
  for (const message of errorChain(err)) {
    const tr = parseExecMessage(message);
    if (tr === undefined) return new RenderError(err.message, { cause: err });
    const last = locations[locations.length - 1];
    if (
      last === undefined ||
      last.location !== tr.location ||
      last.message !== tr.message ||
      last.executed !== tr.executed
    ) {
      locations.push(tr);
    }
  }
  let text = '';
  for (const l of locations) {
    if (l.location !== '') text += `${l.location}\n  `;
    if (l.executed !== '') text += `${l.executed}\n    `;
    if (l.message !== '') text += `${l.message}\n`;
  }
  return new RenderError(text.trim(), { cause: err });
}

function splitN(s: string, sep: string, n: number): string[] {
  const out: string[] = [];
  let rest = s;
  while (out.length < n - 1) {
    const i = rest.indexOf(sep);
    if (i < 0) break;
    out.push(rest.slice(0, i));
    rest = rest.slice(i + sep.length);
  }
  out.push(rest);
  return out;
}

/**
 * render is Helm's Engine.Render: every non-partial template's output by name (`chart/templates/x.yaml`).
 * Throws RenderError with Helm's message on the first parse or execution error.
 */
export function render(input: RenderInput, options: RenderOptions = {}): Map<string, string> {
  const tpls = allTemplates(input);
  const t = new Template('gotpl').option(options.strict === true ? 'missingkey=error' : 'missingkey=zero');
  t.limit({
    ...(options.maxOutputLength !== undefined ? { maxOutputLength: options.maxOutputLength } : {}),
    ...(options.deadline !== undefined ? { deadline: options.deadline } : {}),
  });
  const includedNames = new Map<string, number>();
  let tplDepth = 0;
  const warn = options.warn ?? (() => {});
  const includeFun = (set: Template) =>
    goFunc(
      [STRING, ANY],
      (name, data) => {
        const n = includedNames.get(name);
        if (n !== undefined) {
          if (n > RECURSION_MAX) {
            throw new Error(`rendering template has a nested reference name: ${name}: unable to execute template`);
          }
          includedNames.set(name, n + 1);
        } else includedNames.set(name, 1);
        try {
          return set.executeTemplate(name, data);
        } finally {
          includedNames.set(name, includedNames.get(name)! - 1);
        }
      },
      { type: STRING, error: true },
    );
  const tplFun = (parent: Template): ReturnType<typeof goFunc> =>
    goFunc(
      [STRING, ANY],
      (tpl, vals) => {
        if (tplDepth >= TPL_DEPTH_MAX) {
          throw new Error(`tpl nested more than ${TPL_DEPTH_MAX} levels deep (a value that renders itself?)`);
        }
        const clone = parent.clone();
        clone.option(options.strict === true ? 'missingkey=error' : 'missingkey=zero');
        clone.funcs({ include: includeFun(clone), tpl: tplFun(clone) });
        let nt: Template;
        try {
          nt = clone.new(parent.name).parse(tpl);
        } catch (err) {
          throw new Error(`cannot parse template ${goQuoted(tpl)}: ${(err as Error).message}`, { cause: err });
        }
        tplDepth++;
        try {
          return nt.execute(vals).replaceAll('<no value>', '');
        } catch (err) {
          throw new Error(`error during tpl function execution for ${goQuoted(tpl)}: ${(err as Error).message}`, {
            cause: err,
          });
        } finally {
          tplDepth--;
        }
      },
      { type: ANY, error: true },
    );
  const lookup = options.lookup;
  const funcs: FuncMap = {
    ...(options.functions ?? {}),
    ...helmFuncs(),
    include: includeFun(t),
    tpl: tplFun(t),
    required: goFunc(
      [STRING, ANY],
      (msg, val) => {
        if (val === null || val === '') {
          if (options.lintMode === true) {
            warn(`missing required value: ${msg}`);
            return '';
          }
          throw new Error(WARN_START + msg + WARN_END);
        }
        return val;
      },
      { type: ANY, error: true },
    ),
    fail: goFunc(
      [STRING],
      (msg) => {
        if (options.lintMode === true) {
          warn(`fail: ${msg}`);
          return '';
        }
        throw new Error(WARN_START + msg + WARN_END);
      },
      { type: STRING, error: true },
    ),
    lookup: goFunc(
      [STRING, STRING, STRING, STRING],
      (apiVersion, kind, namespace, name) => (lookup === undefined ? {} : lookup(apiVersion, kind, namespace, name)),
      { type: MAP_ANY, error: true },
    ),
  };
  t.funcs(funcs);
  const keys = sortTemplates(tpls.keys());
  for (const filename of keys) {
    try {
      t.new(filename).parse(tpls.get(filename)!.tpl);
    } catch (err) {
      if (err instanceof TemplateParseError || err instanceof TemplateError) throw cleanupParseError(filename, err);
      throw err;
    }
  }
  const rendered = new Map<string, string>();
  for (const filename of keys) {
    if (baseName(filename).startsWith('_')) continue;
    const r = tpls.get(filename)!;
    mapSet(r.vals, 'Template', withGoType({ Name: filename, BasePath: r.basePath }, VALUES));
    let out: string;
    try {
      out = t.executeTemplate(filename, r.vals);
    } catch (err) {
      throw reformatExecError(filename, err);
    }
    rendered.set(filename, out.replaceAll('<no value>', ''));
  }
  return rendered;
}

/** goQuoted is `%q` for the tpl error messages. */
function goQuoted(s: string): string {
  return quote(s);
}
