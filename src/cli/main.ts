import { Command, CommanderError } from 'commander';

import { errorMessage, FluxtsError } from '../util/errors.ts';

type Register = (program: Command) => void;

/**
 * COMMAND_GROUPS lists each module that registers top-level commands, with the names it registers. Modules are
 * imported only when needed: a `fluxts kustomize build` must not pay for loading the controllers and the
 * Kubernetes client (about a second of CPU), while `--help` and `completion` load everything.
 */
const COMMAND_GROUPS: { names: readonly string[]; load: () => Promise<Register> }[] = [
  {
    names: [
      'install',
      'uninstall',
      'check',
      'get',
      'reconcile',
      'suspend',
      'resume',
      'delete',
      'export',
      'tree',
      'events',
      'version',
    ],
    load: async () => (await import('./shared/register.ts')).registerClusterCommands,
  },
  {
    names: ['create'],
    load: async () => {
      const [{ registerCreateCommand }, { applyCreated }] = await Promise.all([
        import('./commands/create/index.ts'),
        import('./commands/create-apply.ts'),
      ]);
      return (program) => void registerCreateCommand(program, { apply: applyCreated });
    },
  },
  { names: ['bootstrap'], load: async () => (await import('./commands/bootstrap.ts')).registerBootstrapCommand },
  { names: ['build'], load: async () => (await import('./commands/build.ts')).registerBuildCommand },
  { names: ['diff'], load: async () => (await import('./commands/diff.ts')).registerDiffCommand },
  { names: ['dev'], load: async () => (await import('./commands/dev.ts')).registerDevCommand },
  { names: ['ui'], load: async () => (await import('./commands/ui.ts')).registerUiCommand },
  { names: ['cluster'], load: async () => (await import('./commands/cluster.ts')).registerClusterCommand },
  { names: ['controller'], load: async () => (await import('./commands/controller.ts')).registerControllerCommand },
  { names: ['kustomize'], load: async () => (await import('./commands/kustomize.ts')).registerKustomizeCommand },
  { names: ['sops'], load: async () => (await import('./commands/sops.ts')).registerSopsCommand },
  {
    names: ['push', 'pull', 'tag', 'list'],
    load: async () => (await import('./commands/artifact.ts')).registerArtifactCommands,
  },
  { names: ['trigger'], load: async () => (await import('./commands/trigger.ts')).registerTriggerCommand },
  { names: ['helm'], load: async () => (await import('./commands/helm.ts')).registerHelmCommand },
  { names: ['debug'], load: async () => (await import('./commands/debug.ts')).registerDebugCommand },
];

/**
 * buildProgram assembles the command tree. Given the arguments, it loads only the group of the command they
 * name; for anything else (no command, `--help`, `completion`, a typo) it loads every group, so help, completion
 * scripts and suggestions see the whole tree.
 */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('fluxts')
    .description('fluxts: the GitOps toolkit of Flux v2, in TypeScript')
    .showSuggestionAfterError(true)
    .exitOverride();
  const first = argv.find((arg) => !arg.startsWith('-'));
  const group = COMMAND_GROUPS.find((g) => first !== undefined && g.names.includes(first));
  const registers = await Promise.all((group ? [group] : COMMAND_GROUPS).map((g) => g.load()));
  for (const register of registers) register(program);
  return program;
}

/** main parses argv, runs the command, and turns any error into one line on stderr and a non-zero exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    const program = await buildProgram(argv);
    await program.parseAsync(argv, { from: 'user' });
    // A command that reports failure without throwing (helm template prints helm's `Error: …`) sets exitCode.
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    process.stderr.write(`✗ ${errorMessage(err)}\n`);
    if (err instanceof FluxtsError && err.hint) process.stderr.write(`  hint: ${err.hint}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
