// `fluxts build kustomization NAME --path DIR`: the build kustomize-controller would run for the Kustomization NAME,
// done on a local directory and printed as flux v2.9's `flux build kustomization` prints it. The build itself is
// shared with `diff` (shared/kustomization-build.ts); this file holds the command's flags and output.
import { Command, Option } from 'commander';

import { buildArtifactCommand } from './artifact.ts';
import { buildHelmReleaseCommand } from './build-helmrelease.ts';
import { addRecursiveFlags, ignorePathsFlag, withDeadline } from '../shared/build-flags.ts';
import { addGlobalFlags, clusterAction, connect, globalFlags } from '../shared/connect.ts';
import { CliInputError } from '../shared/errors.ts';
import {
  buildKustomization,
  renderObjects,
  validateBuildRequest,
  type BuildRequest,
} from '../shared/kustomization-build.ts';

/** registerBuildCommand adds `build kustomization|ks NAME --path DIR …` to the program. */
export function registerBuildCommand(program: Command): void {
  const buildCmd = new Command('build').description('Build a flux resource');
  const ks = new Command('kustomization')
    .alias('ks')
    .description('Build Kustomization')
    .argument('[name]', 'the Kustomization name')
    .option('--path <dir>', 'Path to the manifests location.')
    .option('--kustomization-file <file>', 'Path to the Flux Kustomization YAML file.')
    .option('--ignore-paths <patterns>', 'set paths to ignore in .gitignore format', ignorePathsFlag)
    .option('--dry-run', 'Dry run mode.', false)
    .addOption(
      new Option(
        '--strict-substitute',
        'When enabled, the post build substitutions will fail if a var without a default value is declared in files but is missing from the input vars.',
      ).default(false),
    )
    .addHelpText(
      'after',
      `
The build command queries the Kubernetes API and fetches the specified Flux Kustomization, applies it to the
kustomization.yaml of --path (generated when missing; the directory itself is never modified), builds it, runs
the post-build substitutions and writes the resulting multi-doc YAML to stdout.

Examples:
  # Build the local manifests as they were built on the cluster
  fluxts build kustomization my-app --path ./path/to/local/manifests

  # Build using a local flux kustomization file
  fluxts build kustomization my-app --path ./path/to/local/manifests --kustomization-file ./my-app.yaml

  # Build without connecting to the cluster (substitutions from Secrets and ConfigMaps are skipped)
  fluxts build kustomization my-app --path ./manifests --kustomization-file ./my-app.yaml --dry-run

  # Build also the Kustomizations my-app contains, from local checkouts of their sources
  fluxts build kustomization my-app --path ./path/to/local/manifests --recursive \\
    --local-sources GitRepository/flux-system/my-repo=./path/to/local/git`,
    )
    .action(
      clusterAction(async (name: string | undefined, opts: Record<string, unknown>, cmd: Command) => {
        if (!name) throw new CliInputError('Kustomization name is required', { hint: 'pass the Kustomization name' });
        const flags = globalFlags(cmd);
        const dryRun = opts['dryRun'] === true;
        const req: BuildRequest = {
          name,
          namespace: flags.namespace,
          path: typeof opts['path'] === 'string' ? opts['path'] : '',
          kustomizationFile: typeof opts['kustomizationFile'] === 'string' ? opts['kustomizationFile'] : undefined,
          dryRun,
          ignorePaths: (opts['ignorePaths'] as string[] | undefined) ?? [],
          strictSubstitute: opts['strictSubstitute'] === true,
          recursive: opts['recursive'] === true,
          localSources: (opts['localSources'] as Record<string, string> | undefined) ?? {},
        };
        validateBuildRequest(req);
        if (!dryRun) req.client = connect(flags);
        const { objects } = await withDeadline(flags.timeoutMs, 'build failed', buildKustomization(req));
        process.stdout.write(await renderObjects(objects));
      }),
    );
  addRecursiveFlags(ks, 'build');
  addGlobalFlags(ks);
  buildCmd.addCommand(ks);
  buildCmd.addCommand(buildHelmReleaseCommand());
  buildCmd.addCommand(buildArtifactCommand());
  program.addCommand(buildCmd);
}
