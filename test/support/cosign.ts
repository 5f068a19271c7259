// The real cosign CLI for tests, built once into the cache, signing offline: key pairs without a password, no
// transparency log upload and no signing config, plain HTTP to loopback registries.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { goInstall } from '../../src/devcluster/go-build.ts';

export const COSIGN_VERSION = 'v3.1.3';

/** buildCosign returns the cached cosign binary, building it on first use (large: ~10+ min cold). */
export function buildCosign(): Promise<string> {
  return goInstall({ pkg: 'github.com/sigstore/cosign/v3/cmd/cosign', version: COSIGN_VERSION, binary: 'cosign' });
}

/** CosignKey is a generated key pair: `dir` holds cosign.key (no password) and cosign.pub. */
export interface CosignKey {
  dir: string;
  publicKey: string;
}

const env = (dir: string): NodeJS.ProcessEnv => ({ ...process.env, COSIGN_PASSWORD: '', HOME: dir });

/** cosignKeyPair generates a fresh key pair with `cosign generate-key-pair`. */
export function cosignKeyPair(cosign: string): CosignKey {
  const dir = mkdtempSync(join(tmpdir(), 'fluxts-cosign-'));
  execFileSync(cosign, ['generate-key-pair'], { cwd: dir, env: env(dir), stdio: 'ignore' });
  return { dir, publicKey: readFileSync(join(dir, 'cosign.pub'), 'utf8') };
}

/**
 * cosignSign signs `ref` (`host/repo@sha256:…`): a sigstore bundle attached as a referrer by default, or the
 * legacy `.sig` simple-signing tag with `legacy`.
 */
export function cosignSign(cosign: string, key: CosignKey, ref: string, legacy = false): void {
  const args = [
    'sign',
    '--key',
    'cosign.key',
    '--tlog-upload=false',
    '--use-signing-config=false',
    '--allow-http-registry',
    '--yes',
  ];
  if (legacy) args.push('--new-bundle-format=false');
  execFileSync(cosign, [...args, ref], { cwd: key.dir, env: env(key.dir), stdio: ['ignore', 'ignore', 'pipe'] });
}
