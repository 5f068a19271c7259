import type { Command } from 'commander';

import { allCrds } from '../../api/index.ts';
import { parseConstraint, parseFluxVersion, type SemverVersion } from '../../engines/semver-range/index.ts';
import { isNotFound, type KubeClient, type KubeObject } from '../../kube/index.ts';
import { addGlobalFlags, clusterAction, connect, globalFlags } from '../shared/connect.ts';
import { CliClusterError } from '../shared/errors.ts';
import { DEFAULT_COMPONENTS } from '../shared/install-manifests.ts';
import { localControllers } from '../shared/local-controllers.ts';
import { Logger, type Output, processOutput } from '../shared/terminal.ts';
import { deploymentReady } from './install.ts';

/** KUBERNETES_CONSTRAINT is the range of Kubernetes versions flux supports (flux check's kubernetesConstraint). */
export const KUBERNETES_CONSTRAINT = '>=1.33.0-0';

/** serverVersion reads the apiserver's /version gitVersion (`v1.37.2`). */
export async function serverVersion(client: KubeClient): Promise<string> {
  const v = await client.transport.request<{ gitVersion?: string }>({ method: 'GET', path: '/version' });
  return v.gitVersion ?? '';
}

/**
 * kubernetesVersion reads a gitVersion as flux check does (fluxcd/pkg/version.ParseVersion: strict SemVer, optional
 * `v`); undefined when it is not one.
 */
export function kubernetesVersion(gitVersion: string): SemverVersion | undefined {
  try {
    return parseFluxVersion(gitVersion);
  } catch {
    return undefined;
  }
}

/** kubernetesSupported tests a gitVersion against the constraint (build metadata and pre-releases allowed). */
export function kubernetesSupported(gitVersion: string): boolean {
  const v = kubernetesVersion(gitVersion);
  return v !== undefined && parseConstraint(KUBERNETES_CONSTRAINT).check(v);
}

async function checkKubernetes(client: KubeClient, log: Logger): Promise<boolean> {
  const gitVersion = await serverVersion(client);
  const v = kubernetesVersion(gitVersion);
  if (v === undefined) {
    log.failure("Kubernetes version can't be determined");
    return false;
  }
  if (kubernetesSupported(gitVersion)) {
    log.success(`Kubernetes ${v.toString()} ${KUBERNETES_CONSTRAINT}`);
    return true;
  }
  // flux prints the version as the server sent it here (v.Original()), and without the `v` on success (v.String()).
  log.failure(`Kubernetes version ${v.original} does not match ${KUBERNETES_CONSTRAINT}`);
  return false;
}

/**
 * checkControllers checks each component's Deployment; a component without one passes when it runs as a local
 * process (`fluxts dev`, or `fluxts controller` holding its leader lease), and says so.
 */
async function checkControllers(client: KubeClient, ns: string, components: string[], log: Logger) {
  let ok = true;
  let local: Map<string, string> | undefined;
  for (const name of components) {
    try {
      const d = await client.get<KubeObject>({ apiVersion: 'apps/v1', kind: 'Deployment' }, { namespace: ns, name });
      const ready = deploymentReady(d);
      if (ready) log.success(`${name}: deployment ready`);
      else log.failure(`${name}: deployment not ready`);
      const containers =
        (d.spec as { template?: { spec?: { containers?: { image?: string }[] } } }).template?.spec?.containers ?? [];
      for (const c of containers) log.action(c.image ?? '');
      ok &&= ready;
    } catch (err) {
      if (!isNotFound(err)) throw err;
      local ??= await localControllers(client, ns);
      const runner = local.get(name);
      if (runner !== undefined) {
        log.success(`${name}: running as a local process (${runner})`);
        continue;
      }
      log.failure(`${name}: deployment not found in ${ns} namespace`);
      ok = false;
    }
  }
  return ok;
}

async function checkCrds(client: KubeClient, log: Logger): Promise<boolean> {
  let ok = true;
  for (const crd of allCrds()) {
    const name = (crd.metadata as { name: string }).name;
    try {
      const live = await client.get<KubeObject>(
        { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' },
        { name },
      );
      const st = (live.status ?? {}) as { storedVersions?: string[]; conditions?: { type: string; status: string }[] };
      const established = (st.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True');
      if (established) log.success(`${name}/${(st.storedVersions ?? []).at(-1) ?? ''}`);
      else log.failure(`${name}: not established`);
      ok &&= established;
    } catch (err) {
      if (!isNotFound(err)) throw err;
      log.failure(`${name}: not found`);
      ok = false;
    }
  }
  return ok;
}

/** registerCheckCommand adds `fluxts check [--pre]`. */
export function registerCheckCommand(program: Command, o: Output = processOutput()): Command {
  return addGlobalFlags(program.command('check'))
    .description('Check requirements and installation')
    .option('--pre', 'only run pre-installation checks')
    .option('--components <list>', `controllers to check (default ${DEFAULT_COMPONENTS.join(',')})`, (v: string) =>
      v.split(',').filter((s) => s !== ''),
    )
    .addHelpText(
      'after',
      `
Examples:
  # Run pre-installation checks
  fluxts check --pre

  # Check the installation
  fluxts check`,
    )
    .action(
      clusterAction(async (flags: { pre?: boolean; components?: string[] }, c: Command) => {
        const g = globalFlags(c);
        const client = connect(g);
        const log = new Logger(o);
        log.action('checking prerequisites');
        if (!(await checkKubernetes(client, log))) {
          throw new CliClusterError('prerequisites checks failed', {
            hint: `upgrade Kubernetes to ${KUBERNETES_CONSTRAINT}`,
          });
        }
        if (flags.pre) {
          log.success('prerequisites checks passed');
          return;
        }
        log.action('checking controllers');
        const controllersOk = await checkControllers(
          client,
          g.namespace,
          flags.components ?? [...DEFAULT_COMPONENTS],
          log,
        );
        log.action('checking crds');
        const crdsOk = await checkCrds(client, log);
        if (!controllersOk || !crdsOk) {
          throw new CliClusterError('check failed', { hint: 'install the missing parts with: fluxts install' });
        }
        log.success('all checks passed');
      }),
    );
}
