import { FluxtsError } from '../../util/errors.ts';

/** CelExpressionError is an expression that does not parse or compile; its message is Flux's wording. */
export class CelExpressionError extends FluxtsError {}

/** CelEvaluationError is an expression that failed on its input (a missing field, a type mismatch, not a bool). */
export class CelEvaluationError extends FluxtsError {}
