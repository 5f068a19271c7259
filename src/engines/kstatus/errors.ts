import { FluxtsError } from '../../util/errors.ts';

/** KstatusError is an object whose status fields have the wrong shape, so no rule can judge it (status Unknown). */
export class KstatusError extends FluxtsError {}

/** HealthCheckConfigError is an invalid `healthCheckExprs` list (Flux: InvalidCELExpression, terminal). */
export class HealthCheckConfigError extends FluxtsError {}
