// `create alert-provider`: a Provider (notification.toolkit.fluxcd.io/v1beta3).
import type { Command } from 'commander';

import { createAction } from './action.ts';
import type { CreateDeps } from './action.ts';
import { CreateInputError, objectMeta, ref, setIf } from './common.ts';
import { addCommonFlags } from './flags.ts';
import type { CommonFlags, KubeObject } from './common.ts';
import type { YamlValue } from './yaml-value.ts';

/** buildAlertProvider builds the Provider `flux create alert-provider` would create. */
export function buildAlertProvider(name: string, common: CommonFlags, o: Record<string, unknown>): KubeObject[] {
  const str = (k: string): string => (o[k] as string | undefined) ?? '';
  if (str('type') === '') throw new CreateInputError('Provider type is required: set --type, e.g. --type=slack');
  const meta = objectMeta(name, common);
  const spec: { [key: string]: YamlValue } = { type: str('type') };
  setIf(spec, 'channel', str('channel'));
  setIf(spec, 'username', str('username'));
  setIf(spec, 'address', str('address'));
  if (str('secretRef')) spec['secretRef'] = ref(str('secretRef'));
  return [{ apiVersion: 'notification.toolkit.fluxcd.io/v1beta3', kind: 'Provider', metadata: meta, spec }];
}

/** registerAlertProvider adds `create alert-provider`. */
export function registerAlertProvider(create: Command, deps: CreateDeps): void {
  const cmd = create
    .command('alert-provider')
    .argument('[name]', 'name of the Provider')
    .description('Create or update a Provider resource')
    .option('--type <type>', 'type of provider, e.g. slack, msteams, github, generic')
    .option('--channel <channel>', 'channel to send messages to, for chat providers')
    .option('--username <name>', 'bot username used by the provider')
    .option('--address <url>', 'the git repository, chat provider or webhook address')
    .option('--secret-ref <name>', 'name of the secret containing the authentication token');
  addCommonFlags(cmd)
    .addHelpText(
      'after',
      `
Examples:
  # Print a Slack Provider whose webhook URL is in the Secret "slack-url"
  fluxts create alert-provider slack --type=slack --channel=ops --secret-ref=slack-url --export

  # A generic webhook
  fluxts create alert-provider hook --type=generic --address=https://hooks.example.com/flux --export`,
    )
    .action(createAction(deps, buildAlertProvider));
}
