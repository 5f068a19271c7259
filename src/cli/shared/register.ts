// One call registers every cluster command of this area on a program, in the order flux lists them.
import type { Command } from 'commander';

import { registerCheckCommand } from '../commands/check.ts';
import { registerCompletionCommand } from '../commands/completion.ts';
import { registerDeleteCommand } from '../commands/delete.ts';
import { registerEventsCommand } from '../commands/events.ts';
import { registerExportCommand } from '../commands/export.ts';
import { registerGetCommand } from '../commands/get.ts';
import { registerInstallCommand, registerUninstallCommand } from '../commands/install.ts';
import { registerReconcileCommand } from '../commands/reconcile.ts';
import { registerResumeCommand, registerSuspendCommand } from '../commands/suspend.ts';
import { registerTreeCommand } from '../commands/tree.ts';
import { registerVersionCommand } from '../commands/version.ts';

/** registerClusterCommands adds get, reconcile, suspend, resume, delete, export, tree, events, install,
 * uninstall, check, version and completion to `program`. */
export function registerClusterCommands(program: Command): void {
  registerInstallCommand(program);
  registerUninstallCommand(program);
  registerCheckCommand(program);
  registerGetCommand(program);
  registerReconcileCommand(program);
  registerSuspendCommand(program);
  registerResumeCommand(program);
  registerDeleteCommand(program);
  registerExportCommand(program);
  registerTreeCommand(program);
  registerEventsCommand(program);
  registerVersionCommand(program);
  registerCompletionCommand(program);
}
