import { FluxtsError } from '../util/errors.ts';

/** defaultIntervalJitterPercentage is Flux's `--interval-jitter-percentage` default for SC, KC and HC. */
export const defaultIntervalJitterPercentage = 5;

/** JitterError is a jitter percentage outside [0, 100). */
export class JitterError extends FluxtsError {}

/**
 * intervalJitter returns a function that moves a duration by a random fraction in [-p%, +p%], spreading
 * requeues of objects that share an interval (fluxcd/pkg runtime/jitter). 0% disables jitter; 100% or more is an
 * error, as in Flux. `random` is injectable so tests can pin the draw.
 */
export function intervalJitter(percentage: number, random: () => number = Math.random): (ms: number) => number {
  if (!(percentage >= 0 && percentage < 100)) {
    throw new JitterError(`interval jitter percentage ${percentage}: must be non-negative and less than 100`);
  }
  const p = percentage / 100;
  if (p === 0) return (ms) => ms;
  return (ms) => (ms <= 0 ? ms : Math.round(ms * (1 + p * (2 * random() - 1))));
}
