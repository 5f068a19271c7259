import { fromBytes, toBytes } from './bytes.ts';
import { EnvsubstUnsetError } from './errors.ts';
import { isDefaultOp, lookupFunc } from './funcs.ts';
import { type Node, parseTemplate } from './parse.ts';

/**
 * Lookup returns a variable's value, or undefined when it is not defined. In lenient mode Flux treats every
 * variable as defined (undefined ones are empty), which `lenient(vars)` gives.
 */
export type Lookup = (name: string) => string | undefined;

/** strictLookup reads variables from a map; undefined ones stay undefined (StrictPostBuildSubstitutions). */
export function strictLookup(vars: ReadonlyMap<string, string>): Lookup {
  return (name) => vars.get(name);
}

/** lenientLookup reads variables from a map and treats undefined ones as empty strings. */
export function lenientLookup(vars: ReadonlyMap<string, string>): Lookup {
  return (name) => vars.get(name) ?? '';
}

/**
 * envsubst expands a template with Flux's envsubst grammar (fluxcd/pkg/envsubst `Eval`). It throws
 * EnvsubstSyntaxError for a malformed expression and EnvsubstUnsetError for an undefined variable used without a
 * default operator.
 *
 * @example envsubst('image: app:${TAG:=latest}', strictLookup(new Map())) // 'image: app:latest'
 */
export function envsubst(template: string, lookup: Lookup): string {
  const tree = parseTemplate(toBytes(template));
  const byteLookup: Lookup = (name) => {
    const v = lookup(fromBytes(name));
    return v === undefined ? undefined : toBytes(v);
  };
  return fromBytes(evaluate(tree, byteLookup));
}

function evaluate(node: Node, lookup: Lookup): string {
  switch (node.kind) {
    case 'text':
      return node.value;
    case 'list':
      return node.nodes.map((n) => evaluate(n, lookup)).join('');
    case 'func': {
      const args = node.args.map((n) => evaluate(n, lookup));
      const value = lookup(node.param);
      if (value === undefined && !isDefaultOp(node.name)) throw new EnvsubstUnsetError(fromBytes(node.param));
      return lookupFunc(node.name, args.length)(value ?? '', args);
    }
  }
}
