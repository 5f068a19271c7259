// `create secret oci`: a kubernetes.io/dockerconfigjson Secret for an OCI registry.
import type { Command } from 'commander';

import { createAction } from './action.ts';
import type { CreateDeps } from './action.ts';
import { CreateInputError } from './common.ts';
import { addCommonFlags } from './flags.ts';
import type { CommonFlags, KubeObject } from './common.ts';
import { checkImageRepository } from './image-repository.ts';
import { goJsonString, secretObject } from './secret-common.ts';

const TAG = /^[A-Za-z0-9_.-]{1,128}$/;

/** checkReference validates `<repository>[:<tag>]` or `<repository>@<digest>` like go-containerregistry. */
export function checkReference(reference: string): boolean {
  const at = reference.indexOf('@');
  if (at !== -1) {
    return (
      checkImageRepository(reference.slice(0, at)) === undefined &&
      /^sha256:[a-f0-9]{64}$/.test(reference.slice(at + 1))
    );
  }
  const colon = reference.lastIndexOf(':');
  const slash = reference.lastIndexOf('/');
  if (colon > slash) {
    return checkImageRepository(reference.slice(0, colon)) === undefined && TAG.test(reference.slice(colon + 1));
  }
  return checkImageRepository(reference) === undefined;
}

/** buildOciSecret builds the Secret `flux create secret oci` would print (flux sets no labels on it). */
export function buildOciSecret(name: string, common: CommonFlags, o: Record<string, unknown>): KubeObject[] {
  const str = (k: string): string => (o[k] as string | undefined) ?? '';
  const [url, username, password] = [str('url'), str('username'), str('password')];
  if (url === '') throw new CreateInputError('--url is required: e.g. --url=ghcr.io/org/charts');
  if (username === '') throw new CreateInputError('--username is required');
  if (password === '') throw new CreateInputError('--password is required');
  if (!checkReference(url))
    throw new CreateInputError(`error parsing url: could not parse reference '${url}': use e.g. ghcr.io/org/repo`);
  const auth = Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
  const config =
    `{\n  "auths": {\n    ${goJsonString(url)}: {\n` +
    `      "username": ${goJsonString(username)},\n      "password": ${goJsonString(password)},\n` +
    `      "auth": ${goJsonString(auth)}\n    }\n  }\n}`;
  return [
    secretObject(
      name,
      common,
      { '.dockerconfigjson': config },
      { type: 'kubernetes.io/dockerconfigjson', labels: false },
    ),
  ];
}

/** registerSecretOci adds `create secret oci`. */
export function registerSecretOci(secret: Command, deps: CreateDeps): void {
  const cmd = secret
    .command('oci')
    .argument('[name]', 'name of the Secret')
    .description('Create or update a Kubernetes image pull secret for OCI registries')
    .option('--url <address>', 'the registry address, e.g. ghcr.io/org/charts')
    .option('-u, --username <username>', 'basic authentication username')
    .option('-p, --password <password>', 'basic authentication password');
  addCommonFlags(cmd)
    .addHelpText(
      'after',
      `
Examples:
  # Print a dockerconfigjson Secret for GitHub Container Registry
  fluxts create secret oci ghcr-auth --url=ghcr.io/example -u flux -p "$GITHUB_TOKEN" --export`,
    )
    .action(createAction(deps, buildOciSecret, 'secret'));
}
