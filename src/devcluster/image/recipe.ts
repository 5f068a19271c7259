/**
 * The recipe of the controller image (`ghcr.io/fluxts/fluxts:v<version>`), as data: what `npm run image` assembles
 * and what tests check `fluxts install` against. It replaces deploy/Dockerfile, which could not be built here.
 *
 * Layers, bottom up, each cached on its own inputs:
 * 1. Debian bookworm, only the packages below and their libraries (mmdebstrap's `extract` variant: no dpkg, apt,
 *    shell or perl), trimmed of documentation, locales and perl (nothing the controllers run needs it), with
 *    /etc/passwd and /etc/group naming root and nobody (ssh refuses to run for a uid without an entry), the CA
 *    bundle git's TLS reads, and the versions of the packages it came from in /usr/share/fluxts/debian-packages.txt;
 * 2. the Node 24 runtime: the `node` binary of the npm package the project pins (`node` devDependency), stripped of
 *    its debug sections;
 * 3. the production dependencies (`npm ci --omit=dev --ignore-scripts` from package-lock.json);
 * 4. fluxts itself: package.json, bin/ and src/ without tests and test data (Node strips the types at load time).
 */

/** IMAGE_NAME is the repository `fluxts install` deploys by default (see cli/shared/version.ts). */
export const IMAGE_NAME = 'ghcr.io/fluxts/fluxts';

/** DEBIAN_SUITE is the Debian release of the base layer. */
export const DEBIAN_SUITE = 'bookworm';

/** DEBIAN_SOURCES are the apt sources of the base layer (main, updates and security). */
export const DEBIAN_SOURCES = [
  'deb http://deb.debian.org/debian bookworm main',
  'deb http://deb.debian.org/debian bookworm-updates main',
  'deb http://deb.debian.org/debian-security bookworm-security main',
];

/**
 * DEBIAN_PACKAGES are installed with their dependencies: the C/C++ runtime Node links, CA certificates, git and
 * ssh (every Git transport), gpg (commit verification, sops PGP), tini (PID 1: forwards SIGTERM so a controller
 * releases its leader lease, and reaps the git and ssh processes a controller leaves behind).
 */
export const DEBIAN_PACKAGES = [
  'libc6',
  'libstdc++6',
  'libgcc-s1',
  'ca-certificates',
  'git',
  'openssh-client',
  'gpg',
  'tini',
] as const;

/**
 * TRIM removes what no controller uses: documentation (copyright notices stay), locales, perl (a dependency of git's
 * porcelain scripts, not of clone, fetch, push or commit), iconv modules, git's server programs and apt's leftovers.
 */
export const TRIM = [
  'usr/share/man',
  'usr/share/info',
  'usr/share/locale',
  'usr/share/lintian',
  'usr/share/bug',
  'usr/share/gitweb',
  'usr/share/perl',
  'usr/share/perl5',
  'usr/share/bash-completion',
  'usr/share/zsh',
  'usr/lib/x86_64-linux-gnu/perl',
  'usr/lib/x86_64-linux-gnu/perl-base',
  'usr/lib/x86_64-linux-gnu/perl5',
  'usr/lib/x86_64-linux-gnu/gconv',
  // git's server side, IMAP and scalar; tini's static twin; the openssl CLI (ca-certificates' dependency).
  'usr/bin/scalar',
  'usr/bin/git-shell',
  'usr/bin/tini-static',
  'usr/bin/openssl',
  'usr/lib/git-core/scalar',
  'usr/lib/git-core/git-shell',
  'usr/lib/git-core/git-daemon',
  'usr/lib/git-core/git-http-backend',
  'usr/lib/git-core/git-http-push',
  'usr/lib/git-core/git-imap-send',
  'usr/lib/git-core/git-instaweb',
  'var/cache/apt',
  'var/lib/apt',
  'var/log',
] as const;

/** TRIM_GLOBS are file names removed anywhere below the directories given. */
export const TRIM_GLOBS: readonly { dir: string; match: RegExp }[] = [
  { dir: 'usr/share/doc', match: /^(?!copyright$).+/ },
  { dir: 'usr/bin', match: /^perl/ },
  { dir: 'usr/lib/x86_64-linux-gnu', match: /^libperl\.so/ },
];

/** USER is the numeric user of the image: nobody, as Flux's images, so `runAsNonRoot` holds. */
export const USER = '65534:65534';

/** ENTRYPOINT runs the CLI; a Deployment's args (`controller <name> …`) follow it. */
export const ENTRYPOINT = ['/usr/bin/tini', '--', '/usr/local/bin/node', '/app/bin/fluxts.js'] as const;
export const CMD = ['--help'] as const;
export const WORKDIR = '/app';

/** ENV: git and ssh need a HOME, which is the /tmp emptyDir under a read-only root filesystem. */
export const ENV = {
  PATH: '/usr/local/bin:/usr/bin:/bin',
  HOME: '/tmp',
  NODE_ENV: 'production',
  SSL_CERT_FILE: '/etc/ssl/certs/ca-certificates.crt',
} as const;

/** APP_FILES selects the fluxts files of layer 4 (relative to the repository root). */
export function isAppFile(path: string): boolean {
  if (path === 'package.json') return true;
  if (!path.startsWith('bin/') && !path.startsWith('src/')) return false;
  return !path.endsWith('.test.ts') && !path.split('/').includes('testdata');
}

/** PASSWD and GROUP are the image's account files (Debian's entries for root and nobody). */
export const PASSWD =
  'root:x:0:0:root:/root:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n';
export const GROUP = 'root:x:0:\nnogroup:x:65534:\n';
export const NSSWITCH = 'passwd: files\ngroup: files\nshadow: files\nhosts: files dns\n';
