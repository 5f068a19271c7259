// Runs `fluxts build|diff …` as a child process with this area's commands registered, with main.ts's error handling
// (one line on stderr, the CommanderError's exit code as is). Until the lead wires build and diff into
// src/cli/main.ts, bin/fluxts.js does not know them.
import { Command, CommanderError } from 'commander';

import { registerBuildCommand } from '../../src/cli/commands/build.ts';
import { registerDiffCommand } from '../../src/cli/commands/diff.ts';
import { errorMessage, FluxtsError } from '../../src/util/errors.ts';

const program = new Command('fluxts').showSuggestionAfterError(true).exitOverride();
registerBuildCommand(program);
registerDiffCommand(program);
try {
  await program.parseAsync(process.argv.slice(2), { from: 'user' });
} catch (err) {
  if (err instanceof CommanderError) process.exitCode = err.exitCode;
  else {
    process.stderr.write(`✗ ${errorMessage(err)}\n`);
    if (err instanceof FluxtsError && err.hint) process.stderr.write(`  hint: ${err.hint}\n`);
    process.exitCode = 1;
  }
}
