import { CelExpression } from '../cel/index.ts';
import { errorMessage } from '../../util/errors.ts';
import type { CustomStatus } from './compute.ts';
import { nestedInt64 } from './fields.ts';
import { HealthCheckConfigError } from './errors.ts';
import { groupOf, type KubeObject, type Result, type Status } from './types.ts';

/** HealthCheckExpr is one `spec.healthCheckExprs` entry of a Kustomization. */
export interface HealthCheckExpr {
  apiVersion: string;
  kind?: string;
  current: string;
  inProgress?: string;
  failed?: string;
}

interface Evaluator {
  inProgress?: CelExpression;
  failed?: CelExpression;
  current: CelExpression;
}

const gkString = (group: string, kind: string): string => (group === '' ? kind : `${kind}.${group}`);

function compile(expr: string | undefined, what: string): CelExpression | undefined {
  if (expr === undefined || expr === '') return undefined;
  try {
    return new CelExpression(expr);
  } catch (err) {
    throw new Error(`failed to parse the expression ${what}: ${errorMessage(err)}`, { cause: err });
  }
}

/**
 * compileHealthChecks compiles a Kustomization's healthCheckExprs (fluxcd/pkg runtime/cel `NewStatusReader`):
 * one evaluator per group and kind, or per group when `kind` is omitted (a kind-specific entry wins). Throws a
 * HealthCheckConfigError worded as Flux's (`failed to create custom status evaluator for healthchecks[0]: …`,
 * `duplicate custom health check for GroupKind …`), which the controller reports as InvalidCELExpression.
 */
export function compileHealthChecks(checks: readonly HealthCheckExpr[]): CustomStatus {
  const evaluators = new Map<string, Evaluator>();
  checks.forEach((hc, i) => {
    const group = groupOf(hc.apiVersion);
    const kind = hc.kind ?? '';
    const key = `${group}|${kind}`;
    if (evaluators.has(key)) {
      throw new HealthCheckConfigError(
        `duplicate custom health check for GroupKind ${gkString(group, kind)} at healthchecks[${i}]`,
      );
    }
    try {
      if (hc.current === '') throw new Error('expression Current not specified');
      const current = compile(hc.current, 'Current') as CelExpression;
      const failed = compile(hc.failed, 'Failed');
      const inProgress = compile(hc.inProgress, 'InProgress');
      evaluators.set(key, { current, ...(failed && { failed }), ...(inProgress && { inProgress }) });
    } catch (err) {
      throw new HealthCheckConfigError(
        `failed to create custom status evaluator for healthchecks[${i}]: ${errorMessage(err)}`,
        { cause: err },
      );
    }
  });
  const find = (group: string, kind: string): Evaluator | undefined =>
    evaluators.get(`${group}|${kind}`) ?? evaluators.get(`${group}|`);
  return {
    supports: (group, kind) => find(group, kind) !== undefined,
    evaluate: (obj) => {
      const apiVersion = typeof obj['apiVersion'] === 'string' ? obj['apiVersion'] : '';
      const kind = typeof obj['kind'] === 'string' ? obj['kind'] : '';
      const ev = find(groupOf(apiVersion), kind);
      if (!ev)
        throw new HealthCheckConfigError(`the GroupKind ${gkString(groupOf(apiVersion), kind)} is not supported`);
      return evaluateStatus(ev, obj);
    },
  };
}

const bare = (status: Status): Result => ({ status, message: '', conditions: [] });

/**
 * evaluateStatus is Flux's StatusEvaluator: an unobserved generation is InProgress; then `inProgress`, `failed`
 * and `current` in that order, the first true one deciding; none true is InProgress. Results carry no message.
 */
function evaluateStatus(ev: Evaluator, obj: KubeObject): Result {
  let observed: number | undefined;
  let generation: number | undefined;
  try {
    observed = nestedInt64(obj, 'status.observedGeneration');
    generation = nestedInt64(obj, 'metadata.generation');
  } catch {
    // Flux ignores malformed generation fields here.
  }
  if (observed !== undefined && generation !== undefined && observed !== generation) return bare('InProgress');
  const steps: [CelExpression | undefined, Status][] = [
    [ev.inProgress, 'InProgress'],
    [ev.failed, 'Failed'],
    [ev.current, 'Current'],
  ];
  for (const [expr, status] of steps) {
    if (expr?.evaluateBoolean(obj)) return bare(status);
  }
  return bare('InProgress');
}
