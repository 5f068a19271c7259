// `fluxts bootstrap git|github|gitlab|gitea`: the install written to a Git repository, committed and pushed, applied,
// and the cluster set to reconcile itself from that repository. `git` takes any URL (flux's plain-git bootstrap);
// `github`, `gitlab` and `gitea` find or create the repository through the service's API and register the deploy key there
// (flux's provider bootstraps). The pipeline they share lives in shared/bootstrap/pipeline.ts.
import { type Command, InvalidArgumentError, Option } from 'commander';

import { formatGoDuration, parseGoDuration, rsaBits } from './create/index.ts';
import { type BootstrapSettings, checkInstalled, runBootstrap } from '../shared/bootstrap/pipeline.ts';
import { PROVIDER_SERVICES, type ProviderFlags, providerTarget } from '../shared/bootstrap/provider.ts';
import { type GitAuthFlags, repoAccess, sourceSecret } from '../shared/bootstrap/source-secret.ts';
import { cleanRepoPath } from '../shared/bootstrap/sync-manifests.ts';
import { addGlobalFlags, clusterAction, connect, type GlobalFlags, globalFlags } from '../shared/connect.ts';
import { CliInputError } from '../shared/errors.ts';
import { Logger, type Output, processOutput } from '../shared/terminal.ts';
import { confirm } from './delete.ts';
import { addInstallFlags, type InstallFlags, installOptionsFrom } from './install.ts';

/** CommonFlags are the flags of every bootstrap command. */
interface CommonFlags extends InstallFlags {
  branch: string;
  path: string;
  interval: string;
  secretName: string;
  authorName: string;
  authorEmail: string;
  commitMessageAppendix?: string;
  force?: boolean;
  silent?: boolean;
}

interface BootstrapGitFlags extends CommonFlags {
  url?: string;
  username: string;
  password?: string;
  allowInsecureHttp?: boolean;
  withBearerToken?: boolean;
  caFile?: string;
  privateKeyFile?: string;
  sshKeyAlgorithm: string;
  sshRsaBits: string;
  sshEcdsaCurve: string;
  sshHostname?: string;
}

interface ProviderCommandFlags extends CommonFlags, Omit<ProviderFlags, 'sshRsaBits' | 'hostname'> {
  hostname?: string;
  sshRsaBits: string;
}

const goDuration = (v: string): string => {
  try {
    return formatGoDuration(parseGoDuration(v));
  } catch {
    throw new InvalidArgumentError(`"${v}" is not a duration (use a Go duration such as 1m or 30s)`);
  }
};

function addCommonFlags(cmd: Command): Command {
  return cmd
    .option('--branch <branch>', 'Git branch', 'main')
    .option('--path <path>', 'path relative to the repository root; the cluster syncs only this path', '')
    .option('--interval <duration>', 'sync interval of the GitRepository', goDuration, '1m0s')
    .option('--secret-name <name>', 'name of the Secret with the Git credentials', 'flux-system')
    .option('-s, --silent', 'assume yes to all questions')
    .option('--author-name <name>', 'author of the commits', 'Flux')
    .option('--author-email <email>', 'email of the commits author', '')
    .option('--commit-message-appendix <text>', 'added to each commit message after a blank line')
    .option('--force', 'replace an installation of Flux that is not fluxts');
}

/** registerBootstrapCommand adds `fluxts bootstrap git|github|gitlab|gitea`. */
export function registerBootstrapCommand(program: Command, o: Output = processOutput()): Command {
  const bootstrap = program
    .command('bootstrap')
    .description('Deploy fluxts on a cluster the GitOps way: its manifests in Git, the cluster syncing from them');
  const git = addCommonFlags(addInstallFlags(addGlobalFlags(bootstrap.command('git'))))
    .description('Deploy fluxts on a cluster connected to a Git repository (any host, over SSH or HTTP/S)')
    .option('--url <url>', 'Git repository URL (ssh://, https://, or http:// with --allow-insecure-http)')
    .option('-u, --username <name>', 'basic authentication username', 'git')
    .option('-p, --password <password>', 'basic authentication password, token, or SSH key passphrase')
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
  registerProvider(bootstrap, 'github', o);
  registerProvider(bootstrap, 'gitlab', o);
  registerProvider(bootstrap, 'gitea', o);
  return git;
}

async function runBootstrapGit(flags: BootstrapGitFlags, c: Command, o: Output): Promise<void> {
  const g = globalFlags(c);
  const log = new Logger(o);
  if (!flags.url) throw new CliInputError('--url is required', { hint: 'e.g. --url=ssh://git@example.com/org/fleet' });
  const settings = settingsFrom(flags, g);
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
  // The cluster is only read until the components are pushed.
  await checkInstalled(client, settings, log);
  await runBootstrap(
    client,
    settings,
    {
      url: flags.url,
      credentials: access.credentials,
      syncUrl: access.syncUrl,
      makeSecret: () => sourceSecret(flags.secretName, settings.install.namespace, access, auth),
      async secretMade(made) {
        if (made.generatedPublicKey === undefined) return;
        log.success(`public key: ${made.generatedPublicKey}`);
        if (!flags.silent && process.stdin.isTTY) {
          if (!(await confirm('Please give the key access to your repository'))) {
            throw new CliInputError('bootstrap cancelled: the deploy key was not given access');
          }
        }
      },
    },
    log,
  );
}

function settingsFrom(flags: CommonFlags, g: GlobalFlags): BootstrapSettings {
  return {
    branch: flags.branch,
    path: cleanRepoPath(flags.path),
    interval: flags.interval,
    secretName: flags.secretName,
    author: { name: flags.authorName, email: flags.authorEmail },
    ...(flags.commitMessageAppendix !== undefined ? { commitMessageAppendix: flags.commitMessageAppendix } : {}),
    ...(flags.force ? { force: true } : {}),
    install: installOptionsFrom(flags, g.namespace),
    global: g,
  };
}

function registerProvider(bootstrap: Command, key: keyof typeof PROVIDER_SERVICES, o: Output): void {
  const svc = PROVIDER_SERVICES[key];
  const cmd = addCommonFlags(addInstallFlags(addGlobalFlags(bootstrap.command(key))))
    .description(
      `Deploy fluxts on a cluster connected to a repository on ${svc.blurb}, created if it does not exist. ` +
        `The token is read from $${svc.tokenEnv}.`,
    )
    .option('--owner <owner>', `${svc.name} user or organization name`)
    .option('--repository <name>', `${svc.name} repository name`)
    .option('--personal', 'if true, the owner is assumed to be a user, not an organization')
    .option('--private [bool]', 'is the repository private (deprecated: use --visibility)', parseBool, true)
    .option('--visibility <visibility>', `repository visibility (${svc.visibilities.join(', ')})`)
    .option('--description <text>', 'description of a repository bootstrap creates')
    .option('--hostname <host>', `${svc.name} hostname${svc.hostname ? '' : ' (required)'}`, svc.hostname || undefined)
    .option('--ssh-hostname <host:port>', 'SSH hostname the cluster syncs from, when it differs from --hostname')
    .option(
      '--team <team[:permission]>',
      'team to grant access to the repository (maintain by default; repeatable, comma-separated)',
      collect,
      [],
    )
    .option('--read-write-key', 'the deploy key has write access (default: read-only)')
    .option('--token-auth', 'the cluster syncs over HTTPS with the token instead of SSH with a deploy key')
    .option('--ca-file <path>', `CA certificate of the ${svc.name} server, also stored in the Secret`)
    .addOption(
      new Option('--ssh-key-algorithm <alg>', 'algorithm of the generated deploy key')
        .choices(['rsa', 'ecdsa', 'ed25519'])
        .default('ecdsa'),
    )
    .option('--ssh-rsa-bits <bits>', 'SSH RSA key size', '2048')
    .addOption(
      new Option('--ssh-ecdsa-curve <curve>', 'SSH ECDSA curve').choices(['p256', 'p384', 'p521']).default('p384'),
    )
    .action(
      clusterAction(async (flags: ProviderCommandFlags, c: Command) => {
        const g = globalFlags(c);
        const log = new Logger(o);
        if (!flags.hostname) throw new CliInputError('--hostname is required');
        const token = process.env[svc.tokenEnv] ?? '';
        if (token === '') {
          throw new CliInputError(`${svc.tokenEnv} is not set`, {
            hint: `export ${svc.tokenEnv}=<a token that may create repositories and deploy keys>`,
          });
        }
        const settings = settingsFrom(flags, g);
        const client = connect(g);
        await checkInstalled(client, settings, log);
        const target = await providerTarget(
          svc,
          { ...flags, hostname: flags.hostname, sshRsaBits: rsaBits(flags.sshRsaBits) },
          {
            token,
            namespace: settings.install.namespace,
            branch: settings.branch,
            secretName: settings.secretName,
            path: settings.path,
          },
          log,
        );
        await runBootstrap(client, settings, target, log);
      }),
    );
  cmd.addHelpText(
    'after',
    `
Examples:
  # A private repository under an organization, the cluster syncing over SSH with a generated deploy key
  export ${svc.tokenEnv}=<token>
  fluxts bootstrap ${key} --owner=my-org --repository=fleet --path=clusters/my-cluster${svc.hostname ? '' : ' --hostname=gitea.example.com'}

  # A personal repository, the cluster syncing over HTTPS with the token
  fluxts bootstrap ${key} --owner=me --personal --repository=fleet --token-auth${svc.hostname ? '' : ' --hostname=gitea.example.com'}`,
  );
}

const collect = (v: string, acc: string[]): string[] => [...acc, v];
const parseBool = (v: string): boolean => {
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new InvalidArgumentError(`"${v}" is not a boolean`);
};
