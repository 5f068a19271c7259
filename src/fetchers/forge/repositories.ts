// What `fluxts bootstrap <github|gitlab|gitea>` needs of a hosting service: the repository (found, or created under a user
// or an organization), its deploy keys, and team access. Clone URLs are derived from the host as Flux's
// go-git-providers derives them (`https://<host>/<owner>/<repo>.git`, `ssh://git@<host>/<owner>/<repo>`), not
// taken from the API, so the URL written into gotk-sync.yaml is the same whatever the service answers.
/** Visibility of a repository created by bootstrap (`internal` exists on GitHub organizations only). */
export type Visibility = 'private' | 'public' | 'internal';

/** RepositoryRef names a repository: an owner (user or organization) and a name. */
export interface RepositoryRef {
  owner: string;
  name: string;
  /** personal: the owner is the authenticated user, not an organization. */
  personal: boolean;
}

/** DeployKey is one SSH key with access to a single repository. */
export interface DeployKey {
  id: number;
  title: string;
  key: string;
  readOnly: boolean;
}

/** RepositoryHost is one repository's API on its hosting service. */
export interface RepositoryHost {
  /** exists reports whether the repository exists (false on 404; other failures throw ForgeApiError). */
  exists(): Promise<boolean>;
  create(info: { description?: string; visibility: Visibility }): Promise<void>;
  deployKeys(): Promise<DeployKey[]>;
  addDeployKey(key: { title: string; key: string; readOnly: boolean }): Promise<void>;
  deleteDeployKey(id: number): Promise<void>;
  /** grantTeam gives an organization team a permission on the repository. */
  grantTeam(team: string, permission: string): Promise<void>;
}

/** cloneUrls are the repository's URLs over HTTPS (what the CLI pushes to) and SSH (what the cluster syncs from). */
export function cloneUrls(host: string, ref: RepositoryRef): { https: string; ssh: string; web: string } {
  const path = `${ref.owner}/${ref.name}`;
  const sshHost = host.replace(/:\d+$/u, '');
  return { https: `https://${host}/${path}.git`, ssh: `ssh://git@${sshHost}/${path}`, web: `https://${host}/${path}` };
}

/** sameKey compares two OpenSSH public keys by type and body, ignoring the comment. */
const sameKey = (a: string, b: string): boolean =>
  a.trim().split(/\s+/u).slice(0, 2).join(' ') === b.trim().split(/\s+/u).slice(0, 2).join(' ');

/**
 * reconcileDeployKey makes the repository hold exactly one deploy key of this title with this key and access: an
 * equal one is kept (false: nothing changed); one of the same title with another key or access is replaced, since
 * keys cannot be edited.
 */
export async function reconcileDeployKey(
  host: RepositoryHost,
  want: { title: string; key: string; readOnly: boolean },
): Promise<boolean> {
  const existing = (await host.deployKeys()).filter((k) => k.title === want.title);
  if (existing.length === 1 && sameKey(existing[0]!.key, want.key) && existing[0]!.readOnly === want.readOnly) {
    return false;
  }
  for (const k of existing) await host.deleteDeployKey(k.id);
  await host.addDeployKey(want);
  return true;
}
