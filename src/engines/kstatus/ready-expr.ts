import { CelExpression } from '../cel/index.ts';
import { errorMessage } from '../../util/errors.ts';
import { HealthCheckConfigError } from './errors.ts';
import type { KubeObject } from './types.ts';

/**
 * compileReadyExpr compiles a dependsOn `readyExpr` as kustomize-controller does: variables `self` (the
 * Kustomization) and `dep` (the dependency), bool output. Throws a HealthCheckConfigError
 * (`failed to evaluate dependency <name>: …`), which Flux treats as terminal.
 */
export function compileReadyExpr(expr: string, dependencyName: string): CelExpression {
  try {
    return new CelExpression(expr, { variables: ['self', 'dep'], boolOutput: true });
  } catch (err) {
    throw new HealthCheckConfigError(`failed to evaluate dependency ${dependencyName}: ${errorMessage(err)}`, {
      cause: err,
    });
  }
}

/** evaluateReadyExpr evaluates a compiled readyExpr on the two objects; evaluation errors throw CelEvaluationError. */
export function evaluateReadyExpr(expr: CelExpression, self: KubeObject, dep: KubeObject): boolean {
  return expr.evaluateBoolean({ self, dep });
}
