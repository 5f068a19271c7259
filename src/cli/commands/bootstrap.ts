// `fluxts bootstrap git`: the install written to a Git repository, committed and pushed, applied, and the cluster
// set to reconcile itself from that repository (flux's plain-git bootstrap). Order matters for safety: the cluster
// is checked first and changed only after the component manifests were pushed; a push the remote refuses ends the
// run with nothing half-written there. Re-runs are idempotent: unchanged files make no commit, the Secret (and its
// deploy key) is kept, and a newer fluxts re-run is the upgrade.
import { type Command, InvalidArgumentError, Option } from 'commander';

import { formatGoDuration, parseGoDuration, rsaBits } from './create/index.ts';
import { BootstrapRepo } from '../shared/bootstrap/repo.ts';
import { installedFlux, requestReconcile, secretExists, waitSynced } from '../shared/bootstrap/cluster.ts';
import { type GitAuthFlags, repoAccess, sourceSecret } from '../shared/bootstrap/source-secret.ts';
import {
  cleanRepoPath,
  COMPONENTS_FILE,
  fluxSystemDir,
  KUSTOMIZATION_FILE,
  kustomizationYaml,
  SYNC_FILE,
  syncObjects,
  syncYaml,
} from '../shared/bootstrap/sync-manifests.ts';
import { addGlobalFlags, clusterAction, connect, globalFlags } from '../shared/connect.ts';
import { CliClusterError, CliInputError } from '../shared/errors.ts';
import { installObjects } from '../shared/install-manifests.ts';
import { Logger, type Output, processOutput } from '../shared/terminal.ts';
import { VERSION } from '../shared/version.ts';
import { confirm } from './delete.ts';
import {
  addInstallFlags,
  applyInstall,
  applyObjects,
  FIELD_MANAGER,
  type InstallFlags,
  installOptionsFrom,
  manifestsYaml,
  waitDeployments,
} from './install.ts';

interface BootstrapGitFlags extends InstallFlags {
  url?: string;
  branch: string;
  path: string;
  interval: string;
  secretName: string;
  username: string;
  password?: string;
  silent?: boolean;
  allowInsecureHttp?: boolean;
  withBearerToken?: boolean;
  caFile?: string;
  privateKeyFile?: string;
  sshKeyAlgorithm: string;
  sshRsaBits: string;
  sshEcdsaCurve: string;
  sshHostname?: string;
  authorName: string;
  authorEmail: string;
  commitMessageAppendix?: string;
  force?: boolean;
}

const gitRepositoryType = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' };
const kustomizationType = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' };

const goDuration = (v: string): string => {
  try {
    return formatGoDuration(parseGoDuration(v));
  } catch {
    throw new InvalidArgumentError(`"${v}" is not a duration (use a Go duration such as 1m or 30s)`);
  }
};

const message = (subject: string, appendix: string | undefined): string =>
  appendix ? `${subject}\n\n${appendix}` : subject;

/** registerBootstrapCommand adds `fluxts bootstrap git`. */
export function registerBootstrapCommand(program: Command, o: Output = processOutput()): Command {
  const bootstrap = program
    .command('bootstrap')
    .description('Deploy fluxts on a cluster the GitOps way: its manifests in Git, the cluster syncing from them');
  const git = addInstallFlags(addGlobalFlags(bootstrap.command('git')))
    .description('Deploy fluxts on a cluster connected to a Git repository (any host, over SSH or HTTP/S)')
    .option('--url <url>', 'Git repository URL (ssh://, https://, or http:// with --allow-insecure-http)')
    .option('--branch <branch>', 'Git branch', 'main')
    .option('--path <path>', 'path relative to the repository root; the cluster syncs only this path', '')
    .option('--interval <duration>', 'sync interval of the GitRepository', goDuration, '1m0s')
    .option('--secret-name <name>', 'name of the Secret with the Git credentials', 'flux-system')
    .option('-u, --username <name>', 'basic authentication username', 'git')
    .option('-p, --password <password>', 'basic authentication password, token, or SSH key passphrase')
    .option('-s, --silent', 'assume yes to all questions')
    .option('--allow-insecure-http', 'allow an http:// URL (credentials travel in clear)')
    .option('--with-bearer-token', 'send the password as a bearer token (Authorization: Bearer)')
    .option('--ca-file <path>', 'CA certificate of the Git server (HTTPS), also stored in the Secret')
    .option('--private-key-file <path>', 'SSH private key the CLI pushes with; the deploy key unless one is generated')
    .addOption(
      new Option('--ssh-key-algorithm <alg>', 'generate a deploy key of this algorithm')
        .choices(['rsa', 'ecdsa', 'ed25519'])
        .default('ecdsa'),
    )
    .option('--ssh-rsa-bits <bits>', 'SSH RSA key size', '2048')
    .addOption(
      new Option('--ssh-ecdsa-curve <curve>', 'SSH ECDSA curve').choices(['p256', 'p384', 'p521']).default('p384'),
    )
    .option('--ssh-hostname <host:port>', 'SSH host the cluster reaches (its host key goes into known_hosts)')
    .option('--author-name <name>', 'author of the commits', 'Flux')
    .option('--author-email <email>', 'email of the commits author', '')
    .option('--commit-message-appendix <text>', 'added to each commit message after a blank line')
    .option('--force', 'replace an installation of Flux that is not fluxts')
    .addHelpText(
      'after',
      `
Examples:
  # Over SSH, with the key you push with as the cluster's deploy key
  fluxts bootstrap git --url=ssh://git@example.com/org/fleet --private-key-file=~/.ssh/id_ed25519 \\
    --path=clusters/my-cluster

  # Over SSH, generating an ed25519 deploy key for the cluster (add it to the repository when asked)
  fluxts bootstrap git --url=ssh://git@example.com/org/fleet --private-key-file=~/.ssh/id_ed25519 \\
    --ssh-key-algorithm=ed25519

  # Over HTTPS with a token
  fluxts bootstrap git --url=https://example.com/org/fleet -u git -p "$GIT_TOKEN" --path=clusters/my-cluster`,
    )
    .action(
      clusterAction(async (flags: BootstrapGitFlags, c: Command) => {
        await runBootstrapGit(flags, c, o);
      }),
    );
  return git;
}

async function runBootstrapGit(flags: BootstrapGitFlags, c: Command, o: Output): Promise<void> {
  const g = globalFlags(c);
  const log = new Logger(o);
  if (!flags.url) throw new CliInputError('--url is required', { hint: 'e.g. --url=ssh://git@example.com/org/fleet' });
  const opts = installOptionsFrom(flags, g.namespace);
  const path = cleanRepoPath(flags.path);
  const auth: GitAuthFlags = {
    username: flags.username,
    sshKeyAlgorithm: flags.sshKeyAlgorithm,
    generateDeployKey: c.getOptionValueSource('sshKeyAlgorithm') === 'cli',
    sshRsaBits: rsaBits(flags.sshRsaBits),
    sshEcdsaCurve: flags.sshEcdsaCurve,
    ...(flags.password !== undefined ? { password: flags.password } : {}),
    ...(flags.withBearerToken ? { withBearerToken: true } : {}),
    ...(flags.allowInsecureHttp ? { allowInsecureHttp: true } : {}),
    ...(flags.caFile !== undefined ? { caFile: flags.caFile } : {}),
    ...(flags.privateKeyFile !== undefined ? { privateKeyFile: flags.privateKeyFile } : {}),
    ...(flags.sshHostname !== undefined ? { sshHostname: flags.sshHostname } : {}),
  };
  const access = await repoAccess(flags.url, auth);
  const client = connect(g);
  const ns = opts.namespace;

  // The cluster is only read until the components are pushed.
  const installed = await installedFlux(client, ns);
  if (installed.kind === 'other' && !flags.force) {
    throw new CliClusterError(`Flux ${installed.version} (${installed.image}) is installed in the ${ns} namespace`, {
      hint: 'uninstall it first (flux uninstall), or pass --force to replace it with fluxts',
    });
  }
  if (installed.kind === 'fluxts' && installed.version !== `v${VERSION}`) {
    log.action(`upgrading fluxts ${installed.version} to v${VERSION}`);
  }

  log.action(`cloning branch "${flags.branch}" from Git repository "${access.syncUrl}"`);
  const repo = await BootstrapRepo.open({
    url: flags.url,
    branch: flags.branch,
    credentials: access.credentials,
    timeoutMs: g.timeoutMs,
  });
  try {
    log.success(repo.initialized ? 'initialized a new branch (the repository was empty)' : 'cloned repository');
    const dir = fluxSystemDir(path);
    const author = { name: flags.authorName, email: flags.authorEmail };
    // One commit per step, pushed at once; nothing to commit is an idempotent re-run.
    const commitAndPush = async (subject: string, what: string): Promise<void> => {
      const sha = await repo.commit(author, message(subject, flags.commitMessageAppendix));
      if (sha === undefined) {
        log.success(`${what} are up to date`);
        return;
      }
      log.success(`committed ${what} to "${flags.branch}" ("${sha}")`);
      log.action(`pushing ${what} to "${access.syncUrl}"`);
      await repo.push();
    };

    log.action('generating component manifests');
    const objects = installObjects(opts);
    await repo.write(`${dir}/${COMPONENTS_FILE}`, manifestsYaml(opts, objects));
    log.success('generated component manifests');
    await commitAndPush(`Add fluxts v${VERSION} component manifests`, 'component manifests');

    log.action(`installing components in "${ns}" namespace`);
    await applyInstall(client, opts, objects, g, log);
    log.success('installed components');
    await log.spin('waiting for the controllers', waitDeployments(client, ns, opts.components, g, log));
    log.success('reconciled components');

    log.action(`determining if source secret "${ns}/${flags.secretName}" exists`);
    if (await secretExists(client, ns, flags.secretName)) {
      log.success('source secret up to date');
    } else {
      log.action('generating source secret');
      const made = await sourceSecret(flags.secretName, ns, access, auth);
      if (made.generatedPublicKey !== undefined) {
        log.success(`public key: ${made.generatedPublicKey}`);
        if (!flags.silent && process.stdin.isTTY) {
          if (!(await confirm('Please give the key access to your repository'))) {
            throw new CliInputError('bootstrap cancelled: the deploy key was not given access');
          }
        }
      }
      log.action(`applying source secret "${ns}/${flags.secretName}"`);
      await client.apply(made.secret, { fieldManager: FIELD_MANAGER, force: true });
      log.success('reconciled source secret');
    }

    log.action('generating sync manifests');
    const sync = syncObjects({
      name: 'flux-system',
      secretName: flags.secretName,
      namespace: ns,
      url: access.syncUrl,
      branch: flags.branch,
      interval: flags.interval,
      path,
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

    const revision = `${flags.branch}@sha1:${head}`;
    log.waiting(`waiting for GitRepository "${ns}/flux-system" to be reconciled`);
    await waitSynced(client, gitRepositoryType, ns, 'flux-system', revision, g.timeoutMs);
    log.success('GitRepository reconciled successfully');
    log.waiting(`waiting for Kustomization "${ns}/flux-system" to be reconciled`);
    await waitSynced(client, kustomizationType, ns, 'flux-system', revision, g.timeoutMs);
    log.success('Kustomization reconciled successfully');

    log.action('confirming components are healthy');
    await waitDeployments(client, ns, opts.components, g, log);
    log.success('all components are healthy');
  } finally {
    await repo.close();
  }
}
