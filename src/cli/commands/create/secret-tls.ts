// `create secret tls`: a Secret with a client certificate pair and/or a CA certificate.
import type { Command } from 'commander';

import { createAction } from './action.ts';
import type { CreateDeps } from './action.ts';
import { addCommonFlags } from './flags.ts';
import type { CommonFlags, KubeObject } from './common.ts';
import { secretObject } from './secret-common.ts';
import { readTlsFiles, tlsSecretData } from './secret-tls-data.ts';

/** buildTlsSecret builds the Secret `flux create secret tls` would print. */
export async function buildTlsSecret(
  name: string,
  common: CommonFlags,
  o: Record<string, unknown>,
): Promise<KubeObject[]> {
  const str = (k: string): string => (o[k] as string | undefined) ?? '';
  secretObject(name, common, {}); // validates --label first, as flux does
  const data = await readTlsFiles({ crt: str('tlsCrtFile'), key: str('tlsKeyFile'), ca: str('caCrtFile') });
  const { stringData, type } = tlsSecretData(data);
  return [secretObject(name, common, stringData, { type })];
}

/** registerSecretTls adds `create secret tls`. */
export function registerSecretTls(secret: Command, deps: CreateDeps): void {
  const cmd = secret
    .command('tls')
    .argument('[name]', 'name of the Secret')
    .description('Create or update a Kubernetes secret with TLS certificates')
    .option('--tls-crt-file <path>', 'TLS authentication cert file path')
    .option('--tls-key-file <path>', 'TLS authentication key file path')
    .option('--ca-crt-file <path>', 'TLS authentication CA file path');
  addCommonFlags(cmd)
    .addHelpText(
      'after',
      `
Examples:
  # Print a Secret with a client certificate, its key and the CA
  fluxts create secret tls client-certs --tls-crt-file=./client.crt --tls-key-file=./client.key \\
    --ca-crt-file=./ca.crt --export

  # Only a CA certificate, for a server with a self-signed certificate
  fluxts create secret tls internal-ca --ca-crt-file=./ca.crt --export`,
    )
    .action(createAction(deps, buildTlsSecret, 'secret-no-newline'));
}
