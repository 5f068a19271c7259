// The flags `build kustomization` and `diff kustomization` share (pflag spellings and grammars, as flux declares
// them), and the --timeout deadline both run under.
import { type Command, InvalidArgumentError } from 'commander';

import { isDeadline } from './connect.ts';
import { CliWaitError } from './errors.ts';

/** ignorePathsFlag is a pflag string slice: comma-separated, repeatable. */
export function ignorePathsFlag(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').filter((s) => s !== '')];
}

/** localSourcesFlag is a pflag StringToString: `k=v` pairs, comma-separated, repeatable. */
export function localSourcesFlag(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const out = { ...previous };
  for (const pair of value.split(',')) {
    const i = pair.indexOf('=');
    if (i < 0) {
      throw new InvalidArgumentError(`"${pair}" must be formatted as Kind/namespace/name=path`);
    }
    out[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return out;
}

/** addRecursiveFlags declares --recursive, --local-sources and --in-memory-build (build and diff share them). */
export function addRecursiveFlags(cmd: Command, verb: string): Command {
  return cmd
    .option('-r, --recursive', `Recursively ${verb} Kustomizations`, false)
    .option(
      '--local-sources <sources>',
      'Comma-separated list of repositories in format: Kind/namespace/name=path',
      localSourcesFlag,
    )
    .option(
      '--in-memory-build',
      'Use in-memory filesystem during build. (fluxts never writes to --path: every build is in memory.)',
      false,
    );
}

/**
 * withDeadline bounds an operation by --timeout as flux's context does: past it the command fails with one line.
 * Requests still in flight are abandoned; the process then exits instead of waiting for them.
 */
export async function withDeadline<T>(timeoutMs: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadlineError = (): CliWaitError =>
    new CliWaitError(`${what}: context deadline exceeded (--timeout ${formatMs(timeoutMs)})`, {
      hint: 'check the cluster is reachable, or raise --timeout',
    });
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      setTimeout(() => process.exit(), 200).unref();
      reject(deadlineError());
    }, timeoutMs);
  });
  // The client aborts its own requests at the same --timeout (connect's requestTimeoutMs); whichever fires first,
  // the command fails with the same line.
  const bounded = work.catch((err: unknown) => {
    throw isDeadline(err) ? deadlineError() : err;
  });
  try {
    return await Promise.race([bounded, expired]);
  } finally {
    clearTimeout(timer);
  }
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
