// `create secret proxy`: a Secret with a proxy address and optional basic-auth credentials.
import type { Command } from 'commander';

import { createAction } from './action.ts';
import type { CreateDeps } from './action.ts';
import { CreateInputError, parseLabels } from './common.ts';
import { addCommonFlags } from './flags.ts';
import type { CommonFlags, KubeObject } from './common.ts';
import { parseGoUrl } from './gourl.ts';
import { secretObject } from './secret-common.ts';

/** buildProxySecret builds the Secret `flux create secret proxy` would print. */
export function buildProxySecret(name: string, common: CommonFlags, o: Record<string, unknown>): KubeObject[] {
  const str = (k: string): string => (o[k] as string | undefined) ?? '';
  parseLabels(common.label);
  const address = str('address');
  if (address === '')
    throw new CreateInputError('address is required: set --address, e.g. --address=http://proxy.example.com:8080');
  const parsed = parseGoUrl(address);
  if ('error' in parsed) throw new CreateInputError(`invalid proxy address: ${parsed.error}`);
  const data: Record<string, string> = { address };
  if (str('username')) data['username'] = str('username');
  if (str('password')) data['password'] = str('password');
  return [secretObject(name, common, data, { type: 'Opaque' })];
}

/** registerSecretProxy adds `create secret proxy`. */
export function registerSecretProxy(secret: Command, deps: CreateDeps): void {
  const cmd = secret
    .command('proxy')
    .argument('[name]', 'name of the Secret')
    .description('Create or update a Kubernetes secret for proxy authentication')
    .option('--address <url>', 'proxy address')
    .option('-u, --username <username>', 'basic authentication username')
    .option('-p, --password <password>', 'basic authentication password');
  addCommonFlags(cmd)
    .addHelpText(
      'after',
      `
Examples:
  # Print a Secret for an authenticated HTTP proxy, for use with --proxy-secret-ref
  fluxts create secret proxy corp-proxy --address=http://proxy.example.com:8080 -u flux -p "$PROXY_PASSWORD" --export`,
    )
    .action(createAction(deps, buildProxySecret, 'secret'));
}
