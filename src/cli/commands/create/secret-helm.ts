// `create secret helm`: a Secret for a Helm repository (client certificate, basic auth, or CA only).
import type { Command } from 'commander';

import { createAction } from './action.ts';
import type { CreateDeps } from './action.ts';
import { CreateInputError } from './common.ts';
import { addCommonFlags } from './flags.ts';
import type { CommonFlags, KubeObject } from './common.ts';
import { secretObject } from './secret-common.ts';
import { readTlsFiles, tlsSecretData } from './secret-tls-data.ts';
import type { TlsData } from './secret-tls-data.ts';

/** buildHelmSecret builds the Secret `flux create secret helm` would print; a client certificate wins over basic auth. */
export async function buildHelmSecret(
  name: string,
  common: CommonFlags,
  o: Record<string, unknown>,
): Promise<KubeObject[]> {
  const str = (k: string): string => (o[k] as string | undefined) ?? '';
  secretObject(name, common, {}); // validates --label first, as flux does
  const data = await readTlsFiles({ crt: str('tlsCrtFile'), key: str('tlsKeyFile'), ca: str('caCrtFile') });
  return [helmSecret(name, common, str('username'), str('password'), data)];
}

/** helmSecret is flux's sourcesecret.GenerateHelm: client certificate first, then basic auth (+ CA), then CA only. */
export function helmSecret(
  name: string,
  common: CommonFlags,
  username: string,
  password: string,
  data: TlsData,
  labels = true,
): KubeObject {
  if (data.crt !== '' || data.key !== '') {
    const { stringData, type } = tlsSecretData(data);
    return secretObject(name, common, stringData, { type, labels });
  }
  if (username !== '' || password !== '') {
    if (username === '') throw new CreateInputError('username is required: add -u/--username');
    if (password === '') throw new CreateInputError('password is required: add -p/--password');
    const stringData: Record<string, string> = { password, username };
    if (data.ca !== '') stringData['ca.crt'] = data.ca;
    return secretObject(name, common, stringData, { type: 'kubernetes.io/basic-auth', labels });
  }
  if (data.ca !== '') {
    const { stringData, type } = tlsSecretData(data);
    return secretObject(name, common, stringData, { type, labels });
  }
  return secretObject(name, common, {}, { labels });
}

/** registerSecretHelm adds `create secret helm`. */
export function registerSecretHelm(secret: Command, deps: CreateDeps): void {
  const cmd = secret
    .command('helm')
    .argument('[name]', 'name of the Secret')
    .description('Create or update a Kubernetes secret for Helm repository authentication')
    .option('-u, --username <username>', 'basic authentication username')
    .option('-p, --password <password>', 'basic authentication password')
    .option('--tls-crt-file <path>', 'TLS authentication cert file path')
    .option('--tls-key-file <path>', 'TLS authentication key file path')
    .option('--ca-crt-file <path>', 'TLS authentication CA file path');
  addCommonFlags(cmd)
    .addHelpText(
      'after',
      `
Examples:
  # Print a Secret with basic-auth credentials for a chart repository
  fluxts create secret helm charts-auth -u admin -p "$CHARTS_PASSWORD" --export

  # Basic auth against a server with a self-signed certificate
  fluxts create secret helm charts-auth -u admin -p "$CHARTS_PASSWORD" --ca-crt-file=./ca.crt --export`,
    )
    .action(createAction(deps, buildHelmSecret, 'secret'));
}
