// `fluxts bootstrap github|gitlab|gitea`: flux's provider bootstrap. The repository is found or created through the
// service's API (under the user with --personal, else under the organization --owner), teams are granted access,
// the CLI pushes over HTTPS with the token, and the cluster syncs over SSH with a generated deploy key that the
// service is told about (flux's default), or over HTTPS with the token itself (--token-auth).
import { readFile } from 'node:fs/promises';

import {
  cloneUrls,
  ForgeApiError,
  giteaRepositoryHost,
  githubApiBase,
  githubRepositoryHost,
  gitlabRepositoryHost,
  reconcileDeployKey,
  type RepositoryHost,
  type RepositoryRef,
  type ServiceAccess,
  type Visibility,
} from '../../../fetchers/forge/index.ts';
import { generateKeyPair, scanHostKey } from '../../commands/create/index.ts';
import { CliInputError } from '../errors.ts';
import type { Logger } from '../terminal.ts';
import type { BootstrapTarget } from './pipeline.ts';

/** ProviderFlags are the flags the provider bootstraps share, as flux names them. */
export interface ProviderFlags {
  owner?: string;
  repository?: string;
  personal?: boolean;
  private: boolean;
  visibility?: string;
  hostname: string;
  sshHostname?: string;
  team: string[];
  readWriteKey?: boolean;
  tokenAuth?: boolean;
  caFile?: string;
  description?: string;
  sshKeyAlgorithm: string;
  sshRsaBits: number;
  sshEcdsaCurve: string;
}

/** ProviderService is what differs between services. */
export interface ProviderService {
  /** name as flux prints it (GitHub, Gitea). */
  name: string;
  /** tokenEnv is the variable the token is read from (GITHUB_TOKEN, GITEA_TOKEN). */
  tokenEnv: string;
  /** apiBase derives the REST base from --hostname. */
  apiBase(hostname: string): string;
  host(api: ServiceAccess, ref: RepositoryRef): RepositoryHost;
  visibilities: readonly Visibility[];
  /** hostname is --hostname's default ('' when the service has no public instance). */
  hostname: string;
  /** blurb names the service in the command's description. */
  blurb: string;
}

/** PROVIDER_SERVICES are the services `bootstrap <service>` knows, as flux's provider bootstraps name and reach them. */
export const PROVIDER_SERVICES = {
  github: {
    name: 'GitHub',
    tokenEnv: 'GITHUB_TOKEN',
    hostname: 'github.com',
    blurb: 'GitHub (github.com or Enterprise)',
    apiBase: githubApiBase,
    host: githubRepositoryHost,
    visibilities: ['private', 'public', 'internal'],
  },
  gitlab: {
    name: 'GitLab',
    tokenEnv: 'GITLAB_TOKEN',
    hostname: 'gitlab.com',
    blurb: 'GitLab (gitlab.com or self-managed; --owner may name a subgroup, group/subgroup)',
    apiBase: (h: string) => `https://${h}/api/v4`,
    host: gitlabRepositoryHost,
    visibilities: ['private', 'internal', 'public'],
  },
  gitea: {
    name: 'Gitea',
    tokenEnv: 'GITEA_TOKEN',
    hostname: '',
    blurb: 'a Gitea (or Forgejo) server',
    apiBase: (h: string) => `https://${h}/api/v1`,
    host: giteaRepositoryHost,
    visibilities: ['private', 'public'],
  },
} as const satisfies Record<string, ProviderService>;

/** The user name the token is sent with over HTTPS: the services take any name with a token as the password. */
const TOKEN_USER = 'git';

/** deployKeyTitle names the deploy key as flux does: namespace, branch, Secret name and target path joined. */
export function deployKeyTitle(namespace: string, branch: string, secretName: string, path: string): string {
  return [namespace, branch, secretName, path === '' ? '.' : `./${path}`].filter((v) => v !== '').join('-');
}

/** parseTeams reads `--team=name[:permission]` (also comma-separated) into name → permission ('' = default). */
export function parseTeams(values: string[]): Map<string, string> {
  const teams = new Map<string, string>();
  for (const v of values.flatMap((x) => x.split(','))) {
    const [name = '', permission = ''] = v.trim().split(':');
    if (name === '') continue;
    teams.set(name, permission);
  }
  return teams;
}

function visibilityOf(f: ProviderFlags, service: ProviderService): Visibility {
  const v = (f.visibility ?? (f.private ? 'private' : 'public')) as Visibility;
  if (!service.visibilities.includes(v)) {
    throw new CliInputError(`invalid --visibility "${v}" for ${service.name}`, {
      hint: `use one of ${service.visibilities.join(', ')}`,
    });
  }
  return v;
}

/**
 * providerTarget reconciles the repository on the service and returns the bootstrap target: the HTTPS URL the CLI
 * pushes to with the token, and the sync Secret the cluster reads (deploy key or token).
 */
export async function providerTarget(
  service: ProviderService,
  f: ProviderFlags,
  o: { token: string; namespace: string; branch: string; secretName: string; path: string },
  log: Logger,
): Promise<BootstrapTarget> {
  if (!f.owner) throw new CliInputError('--owner is required');
  if (!f.repository) throw new CliInputError('--repository is required');
  if (f.personal && f.team.length > 0) throw new CliInputError('--team applies to organization repositories only');
  const ref: RepositoryRef = { owner: f.owner, name: f.repository, personal: f.personal === true };
  const visibility = visibilityOf(f, service);
  const ca =
    f.caFile === undefined
      ? undefined
      : await readFile(f.caFile, 'utf8').catch((cause: unknown) => {
          throw new CliInputError(`cannot read --ca-file ${f.caFile}`, { cause });
        });
  const host = service.host({ api: service.apiBase(f.hostname), token: o.token, ...(ca ? { ca } : {}) }, ref);
  const urls = cloneUrls(f.hostname, ref);

  log.action(`connecting to ${f.hostname}`);
  if (!(await host.exists())) {
    await host.create({ visibility, ...(f.description ? { description: f.description } : {}) });
    log.success(`repository "${urls.web}" created`);
  }
  const teams = parseTeams(f.team);
  if (teams.size > 0) {
    log.action('reconciling repository permissions');
    for (const [team, permission] of teams) {
      const p = permission || 'maintain';
      try {
        await host.grantTeam(team, p);
        log.success(`granted "${p}" permissions to "${team}"`);
      } catch (err) {
        // As flux: a team that cannot be granted is a warning, the bootstrap goes on.
        log.failure(
          `failed to grant "${p}" permissions to "${team}": ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    }
    log.success('reconciled repository permissions');
  }

  const credentials = { username: TOKEN_USER, password: o.token, ...(ca ? { caCert: ca } : {}) };
  const base = { url: urls.https, displayUrl: urls.https, credentials };
  if (f.tokenAuth) {
    return {
      ...base,
      syncUrl: urls.https,
      makeSecret: () =>
        Promise.resolve({
          secret: secretOf(o, { username: TOKEN_USER, password: o.token, ...(ca ? { 'ca.crt': ca } : {}) }),
        }),
    };
  }
  const sshUrl = f.sshHostname ? urls.ssh.replace(/^ssh:\/\/git@[^/]+/u, `ssh://git@${f.sshHostname}`) : urls.ssh;
  return {
    ...base,
    syncUrl: sshUrl,
    makeSecret: async () => {
      const key = generateKeyPair(f.sshKeyAlgorithm, f.sshRsaBits, f.sshEcdsaCurve);
      const knownHosts = await scanHostKey(f.sshHostname ?? `${f.hostname.replace(/:\d+$/u, '')}:22`);
      const secret = secretOf(o, { identity: key.privateKey, 'identity.pub': key.publicKey, known_hosts: knownHosts });
      return { secret, generatedPublicKey: key.publicKey.trim() };
    },
    async secretMade(made) {
      if (made.generatedPublicKey === undefined) return;
      log.success(`public key: ${made.generatedPublicKey}`);
      const title = deployKeyTitle(o.namespace, o.branch, o.secretName, o.path);
      try {
        const changed = await reconcileDeployKey(host, {
          title,
          key: made.generatedPublicKey,
          readOnly: f.readWriteKey !== true,
        });
        if (changed) log.success(`configured deploy key "${title}" for "${urls.web}"`);
      } catch (err) {
        if (err instanceof ForgeApiError) throw new CliInputError(`failed to configure the deploy key: ${err.message}`);
        throw err;
      }
    },
  };
}

function secretOf(o: { namespace: string; secretName: string }, data: Record<string, string>) {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: o.secretName, namespace: o.namespace },
    stringData: data,
  };
}
