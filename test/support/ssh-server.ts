// Git over SSH for tests: Debian's OpenSSH server in the foreground on a free loopback port, a key-only user
// whose shell is git-shell, a generated host key written to a known_hosts file.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from '../../src/devcluster/ports.ts';
import { TestRepo } from './git-repo.ts';
import { startServerProcess } from './server-process.ts';

/** SSHD is where Debian's openssh-server puts the daemon (`apt-get install -y openssh-server`). */
export const SSHD = '/usr/sbin/sshd';
/** SSH_USER is the system user the tests log in as. */
export const SSH_USER = 'fluxts-git';

/** sshUnavailable explains why an SSH server cannot run here, or returns undefined when it can. */
function sshUnavailable(): string | undefined {
  if (!existsSync(SSHD)) return `${SSHD} missing: apt-get install -y openssh-server`;
  if (process.getuid?.() !== 0 && spawnSync('id', [SSH_USER]).status !== 0) {
    return `user ${SSH_USER} missing and not root to create it`;
  }
  return undefined;
}

/** KeyPair is an OpenSSH key pair: the private key PEM (what a Flux Secret's `identity` holds) and public line. */
export interface KeyPair {
  privateKey: string;
  publicKey: string;
}

/** generateKeyPair makes an unencrypted ed25519 key pair with ssh-keygen (or an encrypted one with passphrase). */
export function generateKeyPair(passphrase = ''): KeyPair {
  const dir = mkdtempSync(join(tmpdir(), 'fluxts-key-'));
  try {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'fluxts-test', '-f', join(dir, 'k')]);
    return {
      privateKey: readFileSync(join(dir, 'k'), 'utf8'),
      publicKey: readFileSync(join(dir, 'k.pub'), 'utf8').trim(),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** SshGitServer is a running sshd serving repositories; always close() it. */
export interface SshGitServer {
  port: number;
  /** knownHosts is the line a Flux Secret's `known_hosts` needs for this server. */
  knownHosts: string;
  /** clientKey is authorised to log in. */
  clientKey: KeyPair;
  /** authorizeKey lets another public key (authorized_keys line) log in. */
  authorizeKey(publicKey: string): void;
  createRepo(name: string, defaultBranch?: string): TestRepo;
  repoUrl(name: string): string;
  close(): Promise<void>;
}

/** startSshGitServer starts sshd on a free loopback port; throws with sshUnavailable()'s reason when it can't. */
export async function startSshGitServer(): Promise<SshGitServer> {
  const why = sshUnavailable();
  if (why !== undefined) throw new Error(`cannot start the SSH test server: ${why}`);
  ensureUser();
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const root = mkdtempSync(join(tmpdir(), 'fluxts-git-ssh-'));
  chmodSync(root, 0o755);
  const repos = join(root, 'repos');
  mkdirSync(repos, { mode: 0o755 });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(root, 'host_key')]);
  const clientKey = generateKeyPair();
  writeFileSync(join(root, 'authorized_keys'), `${clientKey.publicKey}\n`, { mode: 0o644 });
  const port = await freePort();
  const config = [
    'ListenAddress 127.0.0.1',
    `HostKey ${join(root, 'host_key')}`,
    `AuthorizedKeysFile ${join(root, 'authorized_keys')}`,
    'StrictModes no',
    'UsePAM no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes',
    `AllowUsers ${SSH_USER}`,
    'AcceptEnv GIT_PROTOCOL',
    // The repositories belong to root; let the git user's upload-pack read them anyway.
    'SetEnv GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=safe.directory GIT_CONFIG_VALUE_0=*',
    'PidFile none',
    'LogLevel ERROR',
  ].join('\n');
  writeFileSync(join(root, 'sshd_config'), `${config}\n`);
  const { stop } = await startServerProcess(SSHD, ['-D', '-e', '-f', join(root, 'sshd_config'), '-p', String(port)], {
    name: 'sshd',
    port,
    readyTimeoutMs: 10_000,
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  });
  const hostPub = readFileSync(join(root, 'host_key.pub'), 'utf8').trim().split(/\s+/u);
  return {
    port,
    knownHosts: `[127.0.0.1]:${port} ${hostPub[0]} ${hostPub[1]}\n`,
    clientKey,
    authorizeKey: (publicKey) => appendFileSync(join(root, 'authorized_keys'), `${publicKey.trim()}\n`),
    createRepo: (name, branch) => new TestRepo(join(repos, `${name}.git`), branch),
    repoUrl: (name) => `ssh://${SSH_USER}@127.0.0.1:${port}${join(repos, `${name}.git`)}`,
    close: stop,
  };
}

function ensureUser(): void {
  if (spawnSync('id', [SSH_USER]).status === 0) return;
  const shell = existsSync('/usr/bin/git-shell') ? '/usr/bin/git-shell' : '/usr/lib/git-core/git-shell';
  execFileSync('useradd', ['--system', '--no-create-home', '--home-dir', '/nonexistent', '--shell', shell, SSH_USER]);
  // With PAM off a '!' password counts as locked, which sshd refuses even for key logins.
  execFileSync('usermod', ['-p', '*', SSH_USER]);
}
