// Shared setup of the sops differential tests: the real sops CLI (built once with goInstall), age identities and
// a throw-away GnuPG home with one PGP key, all created once per test file in a temporary directory.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { generateX25519Identity, identityToRecipient } from 'age-encryption';

import { goInstall } from '../../src/devcluster/go-build.ts';

/** SOPS_VERSION is the pinned reference: the newest v3 tag of github.com/getsops/sops/v3 when the tests were written. */
export const SOPS_VERSION = 'v3.13.3';

/** sopsBinary builds (first time) and returns the sops CLI; a failed build fails the tests, never skips them. */
export function sopsBinary(): Promise<string> {
  return goInstall({ pkg: 'github.com/getsops/sops/v3/cmd/sops', version: SOPS_VERSION, binary: 'sops' });
}

export interface AgeKey {
  identity: string;
  recipient: string;
}

export interface Fixture {
  sops: string;
  dir: string;
  age: AgeKey;
  age2: AgeKey;
  /** gnupgHome holds one unprotected PGP key; pgpFp is its fingerprint, pgpPrivate/pgpPublic its armor. */
  gnupgHome: string;
  pgpFp: string;
  pgpPrivate: string;
  pgpPublic: string;
  /** emptyGnupgHome has no keys, so sops cannot use PGP there. */
  emptyGnupgHome: string;
  cleanup(): void;
}

async function ageKey(): Promise<AgeKey> {
  const identity = await generateX25519Identity();
  return { identity, recipient: await identityToRecipient(identity) };
}

function gpg(home: string, args: string[], input?: string): string {
  const r = spawnSync('gpg', ['--homedir', home, '--batch', '--yes', ...args], { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`gpg ${args[0] ?? ''} failed: ${r.stderr}`);
  return r.stdout;
}

/**
 * requireGpg fails loudly when the gpg binary sops needs for PGP is missing: `npm test` installs it
 * (scripts/system-deps.ts), so its absence is a broken machine, never a reason to skip the PGP comparisons.
 */
export function requireGpg(): void {
  if (spawnSync('gpg', ['--version']).status !== 0) {
    throw new Error('gpg is required for the sops PGP tests: apt-get install -y gnupg');
  }
}

/** setup creates the keys and homes; call once per test file (in `before`). */
export async function setup(sops: string, withPgp = true): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'fxsops-'));
  const [age, age2] = [await ageKey(), await ageKey()];
  const gnupgHome = mkdtempSync(join(tmpdir(), 'fxg-'));
  const emptyGnupgHome = mkdtempSync(join(tmpdir(), 'fxg-'));
  let pgpFp = '';
  let pgpPrivate = '';
  let pgpPublic = '';
  if (withPgp) {
    requireGpg();
    gpg(gnupgHome, [
      '--passphrase',
      '',
      '--quick-gen-key',
      'fluxts test <sops@fluxts.test>',
      'ed25519',
      'cert',
      'never',
    ]);
    const listing = gpg(gnupgHome, ['--with-colons', '--list-secret-keys']);
    pgpFp = /^fpr:+([0-9A-F]{40}):/m.exec(listing)?.[1] ?? '';
    gpg(gnupgHome, ['--passphrase', '', '--quick-add-key', pgpFp, 'cv25519', 'encr', 'never']);
    pgpPrivate = gpg(gnupgHome, ['--armor', '--export-secret-keys', pgpFp]);
    pgpPublic = gpg(gnupgHome, ['--armor', '--export', pgpFp]);
  }
  const cleanup = (): void => {
    for (const home of [gnupgHome, emptyGnupgHome]) {
      spawnSync('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, GNUPGHOME: home } });
    }
    for (const d of [dir, gnupgHome, emptyGnupgHome]) rmSync(d, { recursive: true, force: true });
  };
  return { sops, dir, age, age2, gnupgHome, pgpFp, pgpPrivate, pgpPublic, emptyGnupgHome, cleanup };
}

export interface SopsRun {
  status: number;
  stdout: Buffer;
  stderr: string;
}

let counter = 0;

/** writeTemp writes content into the fixture directory under a fresh name with the given extension. */
export function writeTemp(fx: Fixture, ext: string, content: Uint8Array | string): string {
  const path = join(fx.dir, `f${++counter}${ext}`);
  writeFileSync(path, content);
  return path;
}

/**
 * runSops runs the sops CLI with only the given keys available: age identities through SOPS_AGE_KEY and PGP
 * through GNUPGHOME (the empty home unless `pgp`).
 */
export function runSops(fx: Fixture, args: string[], keys: { age?: AgeKey[]; pgp?: boolean } = {}): SopsRun {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: fx.dir,
    GNUPGHOME: keys.pgp ? fx.gnupgHome : fx.emptyGnupgHome,
  };
  if (keys.age && keys.age.length > 0) env['SOPS_AGE_KEY'] = keys.age.map((k) => k.identity).join('\n');
  // cwd in the temp dir: sops looks for a .sops.yaml from its working directory upwards.
  const r = spawnSync(fx.sops, args, { env, cwd: fx.dir, maxBuffer: 64 << 20 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

/** sopsOk runs sops and returns stdout, failing with its stderr when it exits non-zero. */
export function sopsOk(fx: Fixture, args: string[], keys: { age?: AgeKey[]; pgp?: boolean } = {}): Buffer {
  const r = runSops(fx, args, keys);
  if (r.status !== 0) throw new Error(`sops ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** EXT maps a format to the file extension sops recognises it by. */
export const EXT = { yaml: '.yaml', json: '.json', dotenv: '.env', ini: '.ini', binary: '.bin' } as const;

/**
 * shape masks what differs between two encryptions of the same document (ciphertexts, wrapped keys, timestamps)
 * and drops the metadata block, leaving the layout and which values are encrypted with which type.
 */
export function shape(encrypted: Buffer | string, format: keyof typeof EXT): string {
  let s = encrypted.toString().replace(/ENC\[AES256_GCM,data:[^\]]*?,type:([a-z]+)\]/g, 'ENC[$1]');
  if (format === 'yaml') s = s.replace(/^sops:\n(?:(?:[ #].*)?\n)*/gm, '');
  if (format === 'json' || format === 'binary') s = s.replace(/,?\n\t"sops": \{[\s\S]*?\n\t\}/, '');
  if (format === 'dotenv') s = s.replace(/^sops_.*\n/gm, '');
  if (format === 'ini') s = s.replace(/\n?\[sops\]\n[\s\S]*$/, '');
  return s;
}

/** readText reads a file as UTF-8. */
export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}
