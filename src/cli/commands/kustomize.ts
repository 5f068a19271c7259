import type { Command } from 'commander';

import { build, nodeFileSystem } from '../../engines/kustomize/index.ts';

/** registerKustomizeCommand adds `fluxts kustomize build DIR`, which prints what `kustomize build DIR` prints. */
export function registerKustomizeCommand(program: Command): void {
  const kustomize = program.command('kustomize').description('kustomize, built in: render kustomizations');
  kustomize
    .command('build')
    .description('print the resources of the kustomization in DIR, byte for byte as `kustomize build` does')
    .argument('[dir]', 'directory holding kustomization.yaml', '.')
    .option('--generate-missing', "Flux's rule: generate a kustomization for a directory without one", false)
    .option('--allow-remote', 'permit remote bases (reported, never fetched: the engine has no network)', false)
    .action((dir: string, opts: { generateMissing: boolean; allowRemote: boolean }) => {
      const { yaml } = build(dir, {
        fs: nodeFileSystem,
        generateMissing: opts.generateMissing,
        allowRemote: opts.allowRemote,
      });
      process.stdout.write(yaml);
    });
}

// Run standalone (`node src/cli/commands/kustomize.ts build DIR`) until the command is wired into main.ts; the
// benchmark uses this entry to time the whole process.
if (import.meta.main) {
  const { Command } = await import('commander');
  const program = new Command('fluxts');
  registerKustomizeCommand(program);
  try {
    program.parse(['kustomize', ...process.argv.slice(2)], { from: 'user' });
  } catch (err) {
    process.stderr.write(`✗ ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
