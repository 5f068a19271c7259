import { Command, CommanderError } from 'commander';

import { errorMessage, FluxtsError } from '../util/errors.ts';
import { registerClusterCommand } from './commands/cluster.ts';
import { registerControllerCommand } from './commands/controller.ts';
import { registerCreateCommand } from './commands/create/index.ts';
import { registerDevCommand } from './commands/dev.ts';
import { registerKustomizeCommand } from './commands/kustomize.ts';
import { registerSopsCommand } from './commands/sops.ts';

/** buildProgram assembles the command tree; each command group registers itself from its own module. */
export function buildProgram(): Command {
  const program = new Command('fluxts')
    .description('fluxts: the GitOps toolkit of Flux v2, in TypeScript')
    .showSuggestionAfterError(true)
    .exitOverride();
  registerClusterCommand(program);
  registerControllerCommand(program);
  registerDevCommand(program);
  registerCreateCommand(program);
  registerKustomizeCommand(program);
  registerSopsCommand(program);
  return program;
}

/** main parses argv, runs the command, and turns any error into one line on stderr and a non-zero exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    process.stderr.write(`✗ ${errorMessage(err)}\n`);
    if (err instanceof FluxtsError && err.hint) process.stderr.write(`  hint: ${err.hint}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
