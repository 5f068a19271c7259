import { Environment } from '@marcbachmann/cel-js';

import { errorMessage } from '../../util/errors.ts';
import { CelEvaluationError, CelExpressionError } from './errors.ts';
import { registerFluxExtensions } from './extensions.ts';
import { type NumberMode, toCel } from './values.ts';

export interface CelOptions {
  /**
   * variables compiles the expression with these names declared as maps (Flux's `WithCompile` +
   * `WithStructVariables`): undeclared names and type errors fail at compile time, numbers are doubles.
   * Without it the expression is only parsed and evaluated against the top-level fields of the input
   * (healthCheckExprs), with integers as ints.
   */
  variables?: readonly string[];
  /** boolOutput requires the compiled expression's type to be bool (Flux's `WithOutputType(BoolType)`). */
  boolOutput?: boolean;
  /** stringOutput requires the compiled expression's type to be string (Flux's `WithOutputType(StringType)`). */
  stringOutput?: boolean;
}

type Program = ReturnType<Environment['parse']>;

/** newEnvironment builds an environment with the options Flux's runtime/cel enables. */
function newEnvironment(compiled: boolean): Environment {
  const env = new Environment({
    unlistedVariablesAreDyn: !compiled,
    enableOptionalTypes: true,
    // cel-go enforces homogeneous literals in its type checker, which only runs for compiled expressions.
    homogeneousAggregateLiterals: compiled,
  });
  registerFluxExtensions(env);
  return env;
}

/**
 * CelExpression is a parsed (or compiled) CEL expression with Flux's environment: standard CEL, optional types,
 * and the strings, sets and base64 extensions. Messages match fluxcd/pkg runtime/cel.
 *
 * @example new CelExpression("status.conditions.exists(c, c.type == 'Ready' && c.status == 'True')").evaluateBoolean(obj)
 */
export class CelExpression {
  readonly expr: string;
  private readonly program: Program;
  private readonly mode: NumberMode;

  constructor(expr: string, options: CelOptions = {}) {
    this.expr = expr;
    const compiled = options.variables !== undefined;
    this.mode = compiled ? 'double' : 'int64';
    const env = newEnvironment(compiled);
    for (const v of options.variables ?? []) env.registerVariable(v, 'map');
    try {
      this.program = env.parse(expr);
    } catch (err) {
      throw new CelExpressionError(`failed to parse the CEL expression '${expr}': ${firstLine(err)}`, { cause: err });
    }
    if (compiled) {
      const checked = env.check(expr);
      if (!checked.valid) {
        throw new CelExpressionError(`failed to parse the CEL expression '${expr}': ${firstLine(checked.error)}`, {
          cause: checked.error,
        });
      }
      const type = String(checked.type);
      if (options.boolOutput && type !== 'bool') {
        throw new CelExpressionError(`CEL expression output type mismatch: expected bool, got ${type}`);
      }
      if (options.stringOutput && type !== 'string' && type !== 'dyn') {
        throw new CelExpressionError(`CEL expression output type mismatch: expected string, got ${type}`);
      }
    }
  }

  /** evaluate runs the expression on JSON data (the object's fields, or the declared variables). */
  evaluate(data: Readonly<Record<string, unknown>>): unknown {
    const input = toCel(data, this.mode) as Record<string, unknown>;
    try {
      const out: unknown = this.program(input);
      if (out instanceof Promise) throw new Error('asynchronous functions are not supported');
      return out;
    } catch (err) {
      throw new CelEvaluationError(`failed to evaluate the CEL expression '${this.expr}': ${firstLine(err)}`, {
        cause: err,
      });
    }
  }

  /** evaluateString runs the expression and requires a string result. */
  evaluateString(data: Readonly<Record<string, unknown>>): string {
    const out = this.evaluate(data);
    if (typeof out !== 'string') {
      throw new CelEvaluationError(`failed to evaluate CEL expression as string: '${this.expr}'`);
    }
    return out;
  }

  /** evaluateBoolean runs the expression and requires a bool result. */
  evaluateBoolean(data: Readonly<Record<string, unknown>>): boolean {
    const out = this.evaluate(data);
    if (typeof out !== 'boolean') {
      throw new CelEvaluationError(`failed to evaluate CEL expression as boolean: '${this.expr}'`);
    }
    return out;
  }
}

function firstLine(err: unknown): string {
  const msg = errorMessage(err);
  return msg.split('\n')[0] ?? msg;
}
