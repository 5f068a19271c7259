// Runs the fluxts command line as a child process with this area's commands registered. Until the lead wires them
// into src/cli/main.ts, bin/fluxts.js does not know them, so this script builds the same program main.ts builds plus
// the cluster commands, with main.ts's error handling (one line on stderr, non-zero exit).
import { Command, CommanderError } from 'commander';

import { registerClusterCommands } from '../../src/cli/shared/register.ts';
import { errorMessage, FluxtsError } from '../../src/util/errors.ts';

const program = new Command('fluxts').showSuggestionAfterError(true).exitOverride();
registerClusterCommands(program);
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
