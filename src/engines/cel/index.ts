// Public surface of engines/cel: CEL with the environment Flux uses (healthCheckExprs, readyExpr, Receiver filters).
export { CelEvaluationError, CelExpressionError } from './errors.ts';
export { CelExpression, type CelOptions } from './expression.ts';
export { toCel, type NumberMode } from './values.ts';
