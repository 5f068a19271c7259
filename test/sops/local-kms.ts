// A real AWS KMS API for the tests: nsmithuk/local-kms, built once with goInstall, started per test file with one
// seeded AES key and an alias. It listens on every interface (it has no bind-address setting) on a free port.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { goInstall } from '../../src/devcluster/go-build.ts';

export const LOCAL_KMS_VERSION = 'v0.0.0-20260228092603-2a5e92d09ab6';
export const REGION = 'eu-west-2';
export const ACCOUNT = '111122223333';

export interface LocalKms {
  endpoint: string;
  keyArn: string;
  aliasArn: string;
  otherKeyArn: string;
  stop(): Promise<void>;
}

/** localKmsBinary builds (first time) and returns local-kms; a failed build fails the tests, never skips them. */
export function localKmsBinary(): Promise<string> {
  return goInstall({ pkg: 'github.com/nsmithuk/local-kms', version: LOCAL_KMS_VERSION, binary: 'local-kms' });
}

const KEY_ID = 'bc436485-5092-42b8-92a3-0aa8b93536dc';
const OTHER_KEY_ID = '5a7a4b0e-6c38-4a26-9d5b-1f3c2e8d9a10';

/** startLocalKms starts local-kms with a fresh database and waits until it listens. */
export async function startLocalKms(binary: string): Promise<LocalKms> {
  const dir = mkdtempSync(join(tmpdir(), 'fxkms-'));
  const seed = join(dir, 'seed.yaml');
  const hex = () =>
    [...crypto.getRandomValues(new Uint8Array(32))].map((b) => b.toString(16).padStart(2, '0')).join('');
  writeFileSync(
    seed,
    [
      'Keys:',
      '  Symmetric:',
      '    Aes:',
      `      - Metadata: {KeyId: ${KEY_ID}}`,
      `        BackingKeys: [${hex()}]`,
      `      - Metadata: {KeyId: ${OTHER_KEY_ID}}`,
      `        BackingKeys: [${hex()}]`,
      'Aliases:',
      '  - AliasName: alias/fluxts',
      `    TargetKeyId: ${KEY_ID}`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(binary, [], {
    env: {
      PATH: process.env['PATH'],
      PORT: '0',
      KMS_REGION: REGION,
      KMS_ACCOUNT_ID: ACCOUNT,
      KMS_SEED_PATH: seed,
      KMS_DATA_PATH: join(dir, 'data'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const port = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`local-kms did not start: ${out}`)), 20_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /Local KMS started on [^\s:]*:(\d+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`local-kms exited (${String(code)}): ${out}`)));
  });
  const arn = (id: string) => `arn:aws:kms:${REGION}:${ACCOUNT}:${id}`;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    keyArn: arn(`key/${KEY_ID}`),
    aliasArn: arn('alias/fluxts'),
    otherKeyArn: arn(`key/${OTHER_KEY_ID}`),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
