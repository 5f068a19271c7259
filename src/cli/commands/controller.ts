// `fluxts controller <name>…`: run controllers in this process. Names, flags and how each starts come from the
// registry (controllers/index.ts); this file only wires them to the command line.
import { Argument, type Command } from 'commander';

import {
  registerControllerOptions,
  runnableControllers,
  selectControllers,
  startControllers,
} from '../../controllers/index.ts';
import { controllerOptionsFrom, registerControllerFlags, runManager } from '../../runtime/index.ts';

/** registerControllerCommand adds `fluxts controller <name>…`: run controllers in this process. */
export function registerControllerCommand(program: Command): void {
  const names = [...runnableControllers().map((c) => c.name), 'all'];
  const command = program
    .command('controller')
    .description('Run one or more fluxts controllers in this process (all: every controller)')
    .addArgument(new Argument('<names...>', 'controllers to run').choices(names))
    .addHelpText(
      'after',
      `
Examples:
  # Run the source-controller against the current kubeconfig, serving artifacts on port 9090
  fluxts controller source-controller --storage-path ./data --storage-addr 127.0.0.1:9090

  # Run every controller in one process
  fluxts controller all --kubeconfig .fluxts/kubeconfig --storage-path ./data`,
    );
  registerControllerOptions(command);
  registerControllerFlags(command);
  command.action(async (selected: string[], values: Record<string, unknown>) => {
    const options = controllerOptionsFrom(values);
    const services = await startControllers(selectControllers(selected), values);
    try {
      await runManager(options, services.setups);
    } finally {
      await services.close();
    }
  });
}
