// Shared rules of the property-based fuzzers (fast-check). `npm test` runs every target for a bounded number of
// inputs from a fixed seed, so a run is repeatable; `npm run fuzz` runs many more from a fresh seed. A failure
// prints the seed and the shrunk input; replay it with FLUXTS_FUZZ_SEED=<seed>.
//
// The invariants every target states (each file adds its own):
// - no exception escapes except the module's typed errors (a FluxtsError subclass, named per target);
// - each input is handled in bounded CPU time (MAX_CPU_MS; far above what any accepted input needs);
// - inputs are bounded in size by the generators, so memory per input is bounded by the module's own limits.
import assert from 'node:assert/strict';

import fc from 'fast-check';

/** RUNS is the number of inputs per target: FLUXTS_FUZZ_RUNS, else 150 (npm test's bounded run). */
export const RUNS = Number(process.env['FLUXTS_FUZZ_RUNS'] ?? 150);
/** SEED fixes the inputs: FLUXTS_FUZZ_SEED, else a constant under npm test, a random one under npm run fuzz. */
export const SEED = Number(process.env['FLUXTS_FUZZ_SEED'] ?? (process.env['FLUXTS_FUZZ_RUNS'] ? Date.now() : 1207));
/** MAX_CPU_MS bounds the CPU time of one input (generous: the machine may be shared, and CI is slow). */
export const MAX_CPU_MS = 3000;

type ErrorClass = abstract new (...args: never[]) => Error;

/** expectTyped rethrows anything that is not one of the allowed typed errors, with the input in the message. */
export function expectTyped(err: unknown, allowed: readonly ErrorClass[], input: unknown): void {
  if (err instanceof assert.AssertionError) throw err; // a target's own invariant failed: report it as is
  if (allowed.some((c) => err instanceof c)) return;
  const what = err instanceof Error ? `${err.name}: ${err.message}\n${err.stack ?? ''}` : String(err);
  assert.fail(`untyped error ${what}\non input ${JSON.stringify(input)?.slice(0, 2000)}`);
}

/** cpuMs runs `fn` and returns the CPU time it took (user + system, this process). */
export function cpuMs(fn: () => void): number {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** Outcomes counts accepted and refused inputs, so a target can show it is not vacuous. */
export interface Outcomes {
  accepted: number;
  refused: number;
}

/** checkSync asserts a synchronous property: only typed errors, bounded CPU time. */
export function checkSync<T>(arb: fc.Arbitrary<T>, allowed: readonly ErrorClass[], run: (input: T) => void): Outcomes {
  const outcomes = { accepted: 0, refused: 0 };
  fc.assert(
    fc.property(arb, (input) => {
      const ms = cpuMs(() => {
        try {
          run(input);
          outcomes.accepted++;
        } catch (err) {
          expectTyped(err, allowed, input);
          outcomes.refused++;
        }
      });
      assert.ok(ms < MAX_CPU_MS, `${ms.toFixed(0)} ms of CPU for input ${JSON.stringify(input)?.slice(0, 500)}`);
    }),
    { numRuns: RUNS, seed: SEED },
  );
  return outcomes;
}

/** checkAsync asserts an asynchronous property: only typed errors, bounded wall time. */
export async function checkAsync<T>(
  arb: fc.Arbitrary<T>,
  allowed: readonly ErrorClass[],
  run: (input: T) => Promise<void>,
): Promise<Outcomes> {
  const outcomes = { accepted: 0, refused: 0 };
  await fc.assert(
    fc.asyncProperty(arb, async (input) => {
      const started = Date.now();
      try {
        await run(input);
        outcomes.accepted++;
      } catch (err) {
        expectTyped(err, allowed, input);
        outcomes.refused++;
      }
      const ms = Date.now() - started;
      assert.ok(ms < 10 * MAX_CPU_MS, `${ms} ms for input ${JSON.stringify(input)?.slice(0, 500)}`);
    }),
    { numRuns: RUNS, seed: SEED },
  );
  return outcomes;
}

/** soup builds strings from pieces that matter to a grammar, mixed with arbitrary characters. */
export function soup(pieces: readonly string[], maxLength = 40): fc.Arbitrary<string> {
  return fc
    .array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...pieces) }, { weight: 1, arbitrary: fc.string() }), {
      maxLength,
    })
    .map((parts) => parts.join(''));
}
