// `create secret githubapp`: a Secret for GitRepository authentication as a GitHub App (flux sets no labels on it).
import { readFile } from 'node:fs/promises';

import type { Command } from 'commander';

import { createAction } from './action.ts';
import type { CreateDeps } from './action.ts';
import { CreateInputError } from './common.ts';
import type { CommonFlags, KubeObject } from './common.ts';
import { addCommonFlags } from './flags.ts';
import { secretObject } from './secret-common.ts';

/** buildGitHubAppSecret builds the Secret `flux create secret githubapp` would print. */
export async function buildGitHubAppSecret(
  name: string,
  common: CommonFlags,
  o: Record<string, unknown>,
): Promise<KubeObject[]> {
  const str = (k: string): string => (o[k] as string | undefined) ?? '';
  let privateKey: string;
  try {
    privateKey = await readFile(str('appPrivateKey'), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new CreateInputError(
      `unable to read private key file '${str('appPrivateKey')}' (${code}): set --app-private-key to the App's key file`,
      {
        cause: err,
      },
    );
  }
  if (str('appId') === '') throw new CreateInputError('githubAppID is required: set --app-id');
  if (privateKey === '')
    throw new CreateInputError('githubAppPrivateKey is required: the --app-private-key file is empty');
  const data: Record<string, string> = { githubAppID: str('appId'), githubAppPrivateKey: privateKey };
  if (str('appInstallationOwner')) data['githubAppInstallationOwner'] = str('appInstallationOwner');
  if (str('appInstallationId')) data['githubAppInstallationID'] = str('appInstallationId');
  if (str('appBaseUrl')) data['githubAppBaseURL'] = str('appBaseUrl');
  if ('githubAppInstallationOwner' in data === 'githubAppInstallationID' in data) {
    throw new CreateInputError(
      'exactly one of githubAppInstallationOwner or githubAppInstallationID must be provided: set --app-installation-owner or --app-installation-id',
    );
  }
  return [secretObject(name, common, data, { type: 'Opaque', labels: false })];
}

/** registerSecretGitHubApp adds `create secret githubapp`. */
export function registerSecretGitHubApp(secret: Command, deps: CreateDeps): void {
  const cmd = secret
    .command('githubapp')
    .argument('[name]', 'name of the Secret')
    .description('Create or update a GitHub App secret for GitRepository authentication')
    .option('--app-id <id>', 'GitHub App ID')
    .option('--app-installation-owner <owner>', 'GitHub App installation owner (user or organization)')
    .option('--app-installation-id <id>', 'GitHub App installation ID')
    .option('--app-private-key <path>', 'GitHub App private key file path')
    .option('--app-base-url <url>', 'GitHub App base URL, for GitHub Enterprise');
  addCommonFlags(cmd)
    .addHelpText(
      'after',
      `
Examples:
  # Print a Secret for a GitHub App installed in the organization "example"
  fluxts create secret githubapp app-auth --app-id=12345 --app-installation-owner=example \\
    --app-private-key=./app.private-key.pem --export`,
    )
    .action(createAction(deps, buildGitHubAppSecret, 'secret'));
}
