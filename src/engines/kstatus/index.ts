// Public surface of engines/kstatus: the health of Kubernetes objects as Flux judges it.
export { aggregateStatus, refKey, waitDone, waitError, type WaitErrorOptions, type WaitOptions } from './aggregate.ts';
export { compileHealthChecks, type HealthCheckExpr } from './cel.ts';
export { computeStatus, notFoundStatus, readStatus, type CustomStatus, type ReadOptions } from './compute.ts';
export { SCHEDULE_WINDOW_MS, type RuleOptions } from './core.ts';
export { HealthCheckConfigError, KstatusError } from './errors.ts';
export { fluxJobStatus } from './job.ts';
export { dependencyNotReady, type DependencyInput } from './dependency.ts';
export { compileReadyExpr, evaluateReadyExpr } from './ready-expr.ts';
export {
  formatRef,
  refOf,
  type Condition,
  type KubeObject,
  type ObjectRef,
  type ResourceStatus,
  type Result,
  type Status,
} from './types.ts';
