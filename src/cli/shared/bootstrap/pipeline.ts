// The bootstrap pipeline every `fluxts bootstrap <target>` shares, as flux orders it: read the cluster; clone; write,
// commit and push the component manifests; install; create the sync Secret (only when missing, so a re-run keeps
// the deploy key the repository trusts); write, commit and push the sync manifests; apply them; wait until the
// cluster reconciles itself from the pushed commit. The cluster is only read until the components are pushed, and
// a push the remote refuses ends the run with nothing half-written there. What differs per target (plain Git, or a
// hosting service that creates the repository and registers the deploy key) comes in as a BootstrapTarget.
import type { GitCredentials } from '../../../fetchers/git/index.ts';
import type { KubeClient } from '../../../kube/index.ts';
import type { GlobalFlags } from '../connect.ts';
import { CliClusterError } from '../errors.ts';
import { installObjects, type InstallOptions } from '../install-manifests.ts';
import type { Logger } from '../terminal.ts';
import { VERSION } from '../version.ts';
import { applyInstall, applyObjects, FIELD_MANAGER, manifestsYaml, waitDeployments } from '../../commands/install.ts';
import { installedFlux, requestReconcile, secretExists, waitSynced } from './cluster.ts';
import { BootstrapRepo } from './repo.ts';
import type { SourceSecret } from './source-secret.ts';
import {
  COMPONENTS_FILE,
  fluxSystemDir,
  KUSTOMIZATION_FILE,
  kustomizationYaml,
  SYNC_FILE,
  syncObjects,
  syncYaml,
} from './sync-manifests.ts';

const gitRepositoryType = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' };
const kustomizationType = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' };

/** BootstrapTarget is where the manifests go and how the cluster will read them back. */
export interface BootstrapTarget {
  /** url the CLI clones and pushes, with credentials. */
  url: string;
  credentials: GitCredentials;
  /** syncUrl is the URL the cluster's GitRepository gets (no password in it). */
  syncUrl: string;
  /** displayUrl is the pushed-to URL as messages show it, without credentials (default: syncUrl). */
  displayUrl?: string;
  /** makeSecret builds the sync Secret; called only when the Secret does not exist yet. */
  makeSecret(): Promise<SourceSecret>;
  /** secretMade runs after a Secret was built and before it is applied (show or register a generated key). */
  secretMade?(made: SourceSecret): Promise<void>;
}

/** BootstrapSettings are the flags every target shares. */
export interface BootstrapSettings {
  branch: string;
  /** path is already cleaned (cleanRepoPath). */
  path: string;
  interval: string;
  secretName: string;
  author: { name: string; email: string };
  commitMessageAppendix?: string;
  force?: boolean;
  install: InstallOptions;
  global: GlobalFlags;
}

const message = (subject: string, appendix: string | undefined): string =>
  appendix ? `${subject}\n\n${appendix}` : subject;

/** checkInstalled refuses a cluster with another Flux unless forced, and says when this run is an upgrade. */
export async function checkInstalled(client: KubeClient, s: BootstrapSettings, log: Logger): Promise<void> {
  const ns = s.install.namespace;
  const installed = await installedFlux(client, ns);
  if (installed.kind === 'other' && !s.force) {
    throw new CliClusterError(`Flux ${installed.version} (${installed.image}) is installed in the ${ns} namespace`, {
      hint: 'uninstall it first (flux uninstall), or pass --force to replace it with fluxts',
    });
  }
  if (installed.kind === 'fluxts' && installed.version !== `v${VERSION}`) {
    log.action(`upgrading fluxts ${installed.version} to v${VERSION}`);
  }
}

/** runBootstrap runs the shared pipeline against a target (checkInstalled must have passed). */
export async function runBootstrap(
  client: KubeClient,
  s: BootstrapSettings,
  target: BootstrapTarget,
  log: Logger,
): Promise<void> {
  const ns = s.install.namespace;
  const g = s.global;
  const shown = target.displayUrl ?? target.syncUrl;
  log.action(`cloning branch "${s.branch}" from Git repository "${shown}"`);
  const repo = await BootstrapRepo.open({
    url: target.url,
    branch: s.branch,
    credentials: target.credentials,
    timeoutMs: g.timeoutMs,
  });
  try {
    log.success(repo.initialized ? 'initialized a new branch (the repository was empty)' : 'cloned repository');
    const dir = fluxSystemDir(s.path);
    // One commit per step, pushed at once; nothing to commit is an idempotent re-run.
    const commitAndPush = async (subject: string, what: string): Promise<void> => {
      const sha = await repo.commit(s.author, message(subject, s.commitMessageAppendix));
      if (sha === undefined) {
        log.success(`${what} are up to date`);
        return;
      }
      log.success(`committed ${what} to "${s.branch}" ("${sha}")`);
      log.action(`pushing ${what} to "${shown}"`);
      await repo.push();
    };

    log.action('generating component manifests');
    const objects = installObjects(s.install);
    await repo.write(`${dir}/${COMPONENTS_FILE}`, manifestsYaml(s.install, objects));
    log.success('generated component manifests');
    await commitAndPush(`Add fluxts v${VERSION} component manifests`, 'component manifests');

    log.action(`installing components in "${ns}" namespace`);
    await applyInstall(client, s.install, objects, g, log);
    log.success('installed components');
    await log.spin('waiting for the controllers', waitDeployments(client, ns, s.install.components, g, log));
    log.success('reconciled components');

    log.action(`determining if source secret "${ns}/${s.secretName}" exists`);
    if (await secretExists(client, ns, s.secretName)) {
      log.success('source secret up to date');
    } else {
      log.action('generating source secret');
      const made = await target.makeSecret();
      await target.secretMade?.(made);
      log.action(`applying source secret "${ns}/${s.secretName}"`);
      await client.apply(made.secret, { fieldManager: FIELD_MANAGER, force: true });
      log.success('reconciled source secret');
    }

    log.action('generating sync manifests');
    const sync = syncObjects({
      name: 'flux-system',
      secretName: s.secretName,
      namespace: ns,
      url: target.syncUrl,
      branch: s.branch,
      interval: s.interval,
      path: s.path,
    });
    await repo.write(`${dir}/${SYNC_FILE}`, syncYaml(sync));
    // kustomization.yaml is written once: users add their own patches to it.
    if ((await repo.read(`${dir}/${KUSTOMIZATION_FILE}`)) === undefined) {
      await repo.write(`${dir}/${KUSTOMIZATION_FILE}`, kustomizationYaml());
    }
    log.success('generated sync manifests');
    await commitAndPush('Add Flux sync manifests', 'sync manifests');
    const head = await repo.head();

    log.action('applying sync manifests');
    await applyObjects(client, sync, log);
    for (const obj of sync) {
      await requestReconcile(client, { apiVersion: obj.apiVersion ?? '', kind: obj.kind ?? '' }, ns, 'flux-system');
    }
    log.success('reconciled sync configuration');

    const revision = `${s.branch}@sha1:${head}`;
    log.waiting(`waiting for GitRepository "${ns}/flux-system" to be reconciled`);
    await waitSynced(client, gitRepositoryType, ns, 'flux-system', revision, g.timeoutMs);
    log.success('GitRepository reconciled successfully');
    log.waiting(`waiting for Kustomization "${ns}/flux-system" to be reconciled`);
    await waitSynced(client, kustomizationType, ns, 'flux-system', revision, g.timeoutMs);
    log.success('Kustomization reconciled successfully');

    log.action('confirming components are healthy');
    await waitDeployments(client, ns, s.install.components, g, log);
    log.success('all components are healthy');
  } finally {
    await repo.close();
  }
}
