// System programs the tests need (Debian package per program). Installed with apt-get when missing and running as
// root; otherwise a clear message says what to install.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** REQUIRED maps a program path to the Debian package that provides it. */
const REQUIRED: Record<string, string> = {
  '/usr/bin/git': 'git',
  '/usr/sbin/sshd': 'openssh-server',
  '/usr/bin/gpg': 'gnupg',
  '/usr/bin/openssl': 'openssl',
  // The completion tests source the generated scripts in the real shells.
  '/usr/bin/zsh': 'zsh',
  '/usr/bin/fish': 'fish',
  // `npm run test:image`: the image build (mmdebstrap, GNU tar and strip), its push (skopeo) and the pods run
  // from it (runc).
  ...(process.env['FLUXTS_TEST_IMAGE'] === '1'
    ? {
        '/usr/bin/mmdebstrap': 'mmdebstrap',
        '/usr/bin/skopeo': 'skopeo',
        '/usr/sbin/runc': 'runc',
        '/usr/bin/strip': 'binutils',
      }
    : {}),
  // The web UI's tests drive headless Chromium through playwright-core (test/support/browser.ts).
  '/usr/lib/chromium/chromium': 'chromium',
};

/** ensureSystemDeps installs the missing packages, or exits with the command that would. */
export function ensureSystemDeps(): void {
  const missing = [
    ...new Set(
      Object.entries(REQUIRED)
        .filter(([path]) => !existsSync(path))
        .map(([, pkg]) => pkg),
    ),
  ];
  if (missing.length === 0) return;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot) {
    process.stderr.write(
      `✗ missing system packages: ${missing.join(' ')}\n  install them with: sudo apt-get install -y ${missing.join(' ')}\n`,
    );
    process.exit(1);
  }
  process.stderr.write(`installing system packages: ${missing.join(' ')}\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const install = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
    stdio: 'inherit',
    env,
  });
  if (update.status !== 0 || install.status !== 0) {
    process.stderr.write(`✗ apt-get install ${missing.join(' ')} failed; run it by hand and retry\n`);
    process.exit(1);
  }
}
