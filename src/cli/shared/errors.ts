import { FluxtsError } from '../../util/errors.ts';

/** CliInputError is bad input to a command (unknown kind, missing name, bad flag value); nothing was changed. */
export class CliInputError extends FluxtsError {}

/** CliClusterError is a cluster that could not be reached or answered with a failure the user must act on. */
export class CliClusterError extends FluxtsError {}

/** CliWaitError is a wait (Ready, reconcile handled, deletion) that failed or ran out of time. */
export class CliWaitError extends FluxtsError {}
