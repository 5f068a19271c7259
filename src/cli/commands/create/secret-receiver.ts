// `create secret receiver`: the token Secret of a Receiver, annotated with the webhook URL it will serve.
import { createHash, randomBytes } from 'node:crypto';

import type { Command } from 'commander';

import { createAction } from './action.ts';
import type { CreateDeps } from './action.ts';
import { CreateInputError, oneOf } from './common.ts';
import { addCommonFlags } from './flags.ts';
import type { CommonFlags, KubeObject } from './common.ts';
import { RECEIVER_TYPES } from '../../../api/enums/index.ts';
import { secretObject } from './secret-common.ts';

/** buildReceiverSecret builds the Secret `flux create secret receiver` would print; the token is random if not given. */
export function buildReceiverSecret(name: string, common: CommonFlags, o: Record<string, unknown>): KubeObject[] {
  const str = (k: string): string => (o[k] as string | undefined) ?? '';
  const type = o['type'] === undefined ? '' : oneOf('type', str('type'), RECEIVER_TYPES);
  if (type === '') throw new CreateInputError(`--type is required: use one of ${RECEIVER_TYPES.join(', ')}`);
  if (str('hostname') === '')
    throw new CreateInputError('--hostname is required: the public host of the webhook, e.g. flux.example.com');
  if (type === 'gcr' && str('emailClaim') === '')
    throw new CreateInputError('--email-claim is required for gcr receiver type');
  const secret = secretObject(name, common, {});
  const token = str('token') || randomBytes(32).toString('hex');
  // The same path notification-controller serves: sha256 of token + name + namespace.
  const digest = createHash('sha256')
    .update(token + name + common.namespace)
    .digest('hex');
  const url = `https://${str('hostname')}/hook/${digest}`;
  (secret['metadata'] as Record<string, unknown>)['annotations'] = { 'notification.toolkit.fluxcd.io/webhook': url };
  const data: Record<string, string> = { token };
  if (type === 'gcr') {
    data['email'] = str('emailClaim');
    data['audience'] = str('audienceClaim') || url;
  }
  secret['stringData'] = data;
  return [secret];
}

/** registerSecretReceiver adds `create secret receiver`. */
export function registerSecretReceiver(secret: Command, deps: CreateDeps): void {
  const cmd = secret
    .command('receiver')
    .argument('[name]', 'name of the Secret')
    .description('Create or update the token Secret of a Receiver webhook')
    .option('--type <type>', `the receiver type (${RECEIVER_TYPES.join('|')})`)
    .option('--token <token>', 'the webhook token, generated when not given')
    .option('--hostname <host>', 'hostname of the webhook URL, e.g. flux.example.com')
    .option('--email-claim <email>', 'IAM service account email, required for the gcr type')
    .option('--audience-claim <audience>', 'OIDC token audience for the gcr type, defaults to the webhook URL');
  addCommonFlags(cmd)
    .addHelpText(
      'after',
      `
Examples:
  # Print a webhook token Secret for a GitHub Receiver served at flux.example.com
  fluxts create secret receiver github-webhook --type=github --hostname=flux.example.com --export`,
    )
    .action(createAction(deps, buildReceiverSecret, 'secret'));
}
