// Polling waits as the flux CLI does them: every 2s (faster in tests through FLUXTS_POLL_INTERVAL_MS) until a
// condition holds or the timeout passes.
import { setTimeout as sleep } from 'node:timers/promises';

import { CliWaitError } from './errors.ts';

/** pollIntervalMs is flux's 2s poll, overridable for tests. */
export function pollIntervalMs(): number {
  const fromEnv = Number(process.env['FLUXTS_POLL_INTERVAL_MS']);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 2000;
}

/**
 * pollUntil calls `check` until it returns a value other than undefined; it throws CliWaitError with `what` when
 * `timeoutMs` passes. Errors from `check` end the wait at once.
 */
export async function pollUntil<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) throw new CliWaitError(`${what}: timed out waiting for the condition`);
    await sleep(Math.min(pollIntervalMs(), Math.max(0, deadline - Date.now())));
  }
}
