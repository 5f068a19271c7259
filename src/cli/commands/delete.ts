import { createInterface } from 'node:readline/promises';

import type { Command } from 'commander';

import { addGlobalFlags, clusterAction, connect, globalFlags } from '../shared/connect.ts';
import { addKindCommands } from '../shared/kind-commands.ts';
import { getObject } from '../shared/objects.ts';
import { Logger, type Output, processOutput } from '../shared/terminal.ts';

/** confirm asks a yes/no question on a terminal; anything but y/yes declines. */
export async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N]: `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/** registerDeleteCommand adds `fluxts delete <kind> NAME [--silent]`. */
export function registerDeleteCommand(program: Command, o: Output = processOutput()): Command {
  const del = addGlobalFlags(program.command('delete'))
    .description('Delete Flux resources')
    .option('-s, --silent', 'delete without asking for confirmation')
    .addHelpText(
      'after',
      `
Examples:
  # Delete a Kustomization (the objects it applied are pruned when spec.prune is true)
  fluxts delete kustomization podinfo

  # Delete a Git source without asking
  fluxts delete source git podinfo --silent`,
    );
  addKindCommands(del, {}, (cmd, kind) => {
    cmd
      .description(`Delete a ${kind.kind}`)
      .argument('<name>', `the ${kind.kind} name`)
      .addHelpText('after', `\nExamples:\n  fluxts delete ${kind.group ? `${kind.group} ` : ''}${kind.word} podinfo\n`)
      .action(
        clusterAction(async (name: string, _o: unknown, c: Command) => {
          const g = globalFlags(c);
          const silent = c.optsWithGlobals<{ silent?: boolean }>().silent === true;
          const client = connect(g);
          const log = new Logger(o);
          await getObject(client, kind, g.namespace, name);
          // Only a terminal can answer; scripts (no TTY) delete as asked, like flux with piped stdin closed.
          if (!silent && process.stdin.isTTY && !(await confirm(`Are you sure you want to delete this ${kind.word}`))) {
            return;
          }
          log.action(`deleting ${kind.word} ${name} in ${g.namespace} namespace`);
          await client.delete(kind, { namespace: g.namespace, name });
          log.success(`${kind.word} deleted`);
        }),
      );
  });
  return del;
}
