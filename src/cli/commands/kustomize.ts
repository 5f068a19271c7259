import { type Command, Option } from 'commander';

/**
 * registerKustomizeCommand adds `fluxts kustomize build DIR`, which prints what `kustomize build DIR` prints. The
 * engine is imported when the command runs, so other commands do not pay for loading it.
 */
export function registerKustomizeCommand(program: Command): void {
  const kustomize = program.command('kustomize').description('kustomize, built in: render kustomizations');
  kustomize
    .command('build')
    .description('print the resources of the kustomization in DIR, byte for byte as `kustomize build` does')
    .argument('[dir]', 'directory holding kustomization.yaml', '.')
    .option('--generate-missing', "Flux's rule: generate a kustomization for a directory without one", false)
    .option('--allow-remote', 'permit remote bases (reported, never fetched: the engine has no network)', false)
    .addOption(
      new Option(
        '--load-restrictor <restrictor>',
        'LoadRestrictionsNone lets a kustomization read files outside its directory (as Flux does)',
      )
        .choices(['LoadRestrictionsRootOnly', 'LoadRestrictionsNone'])
        .default('LoadRestrictionsRootOnly'),
    )
    .action(async (dir: string, opts: { generateMissing: boolean; allowRemote: boolean; loadRestrictor: string }) => {
      const { build, nodeFileSystem } = await import('../../engines/kustomize/index.ts');
      const { yaml } = build(dir, {
        fs: nodeFileSystem,
        generateMissing: opts.generateMissing,
        allowRemote: opts.allowRemote,
        loadRestrictions: opts.loadRestrictor === 'LoadRestrictionsNone' ? 'none' : 'rootOnly',
        env: process.env,
      });
      process.stdout.write(yaml);
    });
}

// Standalone entry (`node src/cli/commands/kustomize.ts build DIR`): loads only this command, with Node's compile
// cache on (it keeps the type-stripped, compiled modules between runs). The benchmark times it beside `fluxts`.
if (import.meta.main) {
  const { enableCompileCache } = await import('node:module');
  enableCompileCache();
  const { Command } = await import('commander');
  const { errorMessage } = await import('../../util/errors.ts');
  const program = new Command('fluxts').exitOverride();
  registerKustomizeCommand(program);
  try {
    await program.parseAsync(['kustomize', ...process.argv.slice(2)], { from: 'user' });
  } catch (err) {
    if (!(err instanceof Error && 'exitCode' in err && err.exitCode === 0)) {
      process.stderr.write(`✗ ${errorMessage(err)}\n`);
      process.exitCode = 1;
    }
  }
}
