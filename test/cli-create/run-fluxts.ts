// Runs the fluxts create commands in this process, the way src/cli/main.ts runs them (one error line on stderr, a
// non-zero exit code), capturing stdout and stderr. Spawning Node per case would dominate the golden test's time.
import { Command, CommanderError } from 'commander';

import { registerCreateCommand } from '../../src/cli/commands/create/index.ts';
import { errorMessage } from '../../src/util/errors.ts';

/** RunResult is what one command line produced. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** runFluxts runs `fluxts <args>` with only the create commands registered. */
export async function runFluxts(args: string[]): Promise<RunResult> {
  const result: RunResult = { code: 0, stdout: '', stderr: '' };
  const program = new Command('fluxts')
    .exitOverride()
    .configureOutput({ writeOut: (s) => (result.stdout += s), writeErr: (s) => (result.stderr += s) });
  registerCreateCommand(program, { write: (s) => (result.stdout += s) });
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) result.code = err.exitCode;
    else {
      result.stderr += `✗ ${errorMessage(err)}\n`;
      result.code = 1;
    }
  }
  return result;
}
