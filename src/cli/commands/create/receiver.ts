// `create receiver`: a Receiver (notification.toolkit.fluxcd.io/v1).
import type { Command } from 'commander';

import { RECEIVER_TYPES } from '../../../api/enums/index.ts';

import { createAction } from './action.ts';
import type { CreateDeps } from './action.ts';
import { CreateInputError, objectMeta, oneOf, parseKindName, ref } from './common.ts';
import { addCommonFlags, sliceArg } from './flags.ts';
import type { CommonFlags, KubeObject } from './common.ts';
import type { YamlValue } from './yaml-value.ts';

/** buildReceiver builds the Receiver `flux create receiver` would create. */
export function buildReceiver(name: string, common: CommonFlags, o: Record<string, unknown>): KubeObject[] {
  const str = (k: string): string => (o[k] as string | undefined) ?? '';
  const type = o['type'] === undefined ? '' : oneOf('type', str('type'), RECEIVER_TYPES);
  if (type === '')
    throw new CreateInputError(`Receiver type is required: set --type to one of ${RECEIVER_TYPES.join(', ')}`);
  if (str('secretRef') === '')
    throw new CreateInputError('secret ref is required: set --secret-ref to the Secret holding the token');
  const resources = ((o['resource'] as string[] | undefined) ?? []).map((resource) => {
    const { kind, name: resName } = parseKindName(resource);
    if (kind === '') throw new CreateInputError(`invalid event source '${resource}', must be in format <kind>/<name>`);
    return { kind, name: resName };
  });
  if (resources.length === 0)
    throw new CreateInputError('atleast one resource is required: set --resource, e.g. --resource=GitRepository/app');
  const meta = objectMeta(name, common);
  const spec: { [key: string]: YamlValue } = { resources, secretRef: ref(str('secretRef')), type };
  const events = (o['event'] as string[] | undefined) ?? [];
  if (events.length > 0) spec['events'] = events;
  return [{ apiVersion: 'notification.toolkit.fluxcd.io/v1', kind: 'Receiver', metadata: meta, spec }];
}

/** registerReceiver adds `create receiver`. */
export function registerReceiver(create: Command, deps: CreateDeps): void {
  const cmd = create
    .command('receiver')
    .argument('[name]', 'name of the Receiver')
    .description('Create or update a Receiver resource')
    .option('--type <type>', `the receiver type (${RECEIVER_TYPES.join('|')})`)
    .option('--secret-ref <name>', 'the Secret holding the webhook token')
    .option('--event <events>', 'events to accept, e.g. ping,push (comma-separated, repeatable)', sliceArg)
    .option('--resource <refs>', "resources to reconcile, '<kind>/<name>' (comma-separated, repeatable)", sliceArg);
  addCommonFlags(cmd)
    .addHelpText(
      'after',
      `
Examples:
  # Print a Receiver that reconciles the GitRepository "app" on GitHub push events
  fluxts create receiver github --type=github --event=ping,push --secret-ref=webhook-token \\
    --resource=GitRepository/app --export`,
    )
    .action(createAction(deps, buildReceiver));
}
