// `fluxts build helmrelease NAME --path DIR`: what the helm-controller would install for the HelmRelease NAME of
// the manifests under DIR (flux2#2808, which flux lacks), printed as `flux build kustomization` prints objects. The
// render is shared with `diff helmrelease` (shared/helmrelease-build.ts); this file holds flags and output.
import { Command } from 'commander';

import type { KubeObject } from '../../kube/index.ts';
import { localSourcesFlag, withDeadline } from '../shared/build-flags.ts';
import { addGlobalFlags, clusterAction, connect, globalFlags } from '../shared/connect.ts';
import { CliInputError } from '../shared/errors.ts';
import type { HelmReleaseBuildRequest } from '../shared/helmrelease-build.ts';
import { renderObjects } from '../shared/kustomization-build.ts';
import { Logger, processOutput } from '../shared/terminal.ts';

/** SECRET_MASK replaces every Secret value build prints: values from Secrets never reach the terminal or CI logs. */
export const SECRET_MASK = '***';

/** maskSecret replaces the values of a Secret's data and stringData with the mask; other objects pass unchanged. */
export function maskSecret(obj: KubeObject): KubeObject {
  if (obj.kind !== 'Secret') return obj;
  const out = structuredClone(obj) as KubeObject & Record<string, unknown>;
  for (const field of ['data', 'stringData']) {
    const map = out[field];
    if (typeof map !== 'object' || map === null) continue;
    for (const key of Object.keys(map)) (map as Record<string, string>)[key] = SECRET_MASK;
  }
  return out;
}

/** helmReleaseRequest reads the flags `build` and `diff` share into a request (without the client). */
export function helmReleaseRequest(
  name: string | undefined,
  opts: Record<string, unknown>,
  namespace: string,
): HelmReleaseBuildRequest {
  if (!name) throw new CliInputError('HelmRelease name is required', { hint: 'pass the HelmRelease name' });
  const path = typeof opts['path'] === 'string' ? opts['path'] : '';
  if (!path) {
    throw new CliInputError('invalid resource path ""', { hint: 'pass --path with the directory of the manifests' });
  }
  return {
    name,
    namespace,
    path,
    valuesFromCluster: opts['valuesFromCluster'] === true,
    localSources: (opts['localSources'] as Record<string, string> | undefined) ?? {},
  };
}

/** addHelmReleaseFlags declares the flags `build helmrelease` and `diff helmrelease` share. */
export function addHelmReleaseFlags(cmd: Command): Command {
  return cmd
    .argument('[name]', 'the HelmRelease name')
    .option(
      '--path <dir>',
      'Path to the manifests location (a local checkout; kustomize-built where it has a kustomization).',
    )
    .option(
      '--values-from-cluster',
      'Read the ConfigMaps and Secrets of spec.valuesFrom from the cluster, not from the manifests.',
      false,
    )
    .option(
      '--local-sources <sources>',
      'Comma-separated list of chart sources (GitRepository, Bucket) in format: Kind/namespace/name=path',
      localSourcesFlag,
    );
}

/** buildHelmReleaseCommand is `build helmrelease|hr NAME --path DIR …`. */
export function buildHelmReleaseCommand(): Command {
  const hr = new Command('helmrelease').alias('hr').description('Build HelmRelease');
  addHelmReleaseFlags(hr)
    .option('--dry-run', 'Dry run mode: never contact the cluster (no Secrets, no release history).', false)
    .addHelpText(
      'after',
      `
The build command finds the HelmRelease in the manifests under --path, fetches its chart (from an HTTP
HelmRepository, with the credentials of its Secret in the cluster, or from a local checkout of its GitRepository
or Bucket given with --local-sources), composes its values as the helm-controller does (valuesFrom ConfigMaps and
Secrets from the manifests, else from the cluster), renders the chart for the release name, namespace and revision
the controller would use, and writes the objects it would apply to stdout. Secret values are printed as ***.

Examples:
  # Render the HelmRelease podinfo of the local manifests as the controller would install it
  fluxts build helmrelease podinfo -n apps --path ./apps/podinfo

  # Render with the valuesFrom objects as they are in the cluster
  fluxts build helmrelease podinfo -n apps --path ./apps/podinfo --values-from-cluster

  # Render a chart kept in a Git repository, from a local checkout of it
  fluxts build helmrelease podinfo -n apps --path ./apps/podinfo \\
    --local-sources GitRepository/flux-system/charts=./path/to/charts-checkout

  # Render without connecting to the cluster
  fluxts build helmrelease podinfo -n apps --path ./apps/podinfo --dry-run`,
    )
    .action(
      clusterAction(async (name: string | undefined, opts: Record<string, unknown>, cmd: Command) => {
        const flags = globalFlags(cmd);
        const req = helmReleaseRequest(name, opts, flags.namespace);
        if (opts['dryRun'] !== true) req.client = connect(flags);
        const { buildHelmRelease } = await import('../shared/helmrelease-build.ts');
        const built = await withDeadline(flags.timeoutMs, 'build failed', buildHelmRelease(req));
        for (const w of built.warnings) new Logger(processOutput()).warning(w);
        process.stdout.write(await renderObjects([...built.crds, ...built.objects].map(maskSecret)));
      }),
    );
  return addGlobalFlags(hr);
}
