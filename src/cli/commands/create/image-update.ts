// `create image update`: an ImageUpdateAutomation (image.toolkit.fluxcd.io/v1).
import type { Command } from 'commander';

import { createAction } from './action.ts';
import type { CreateDeps } from './action.ts';
import { CreateInputError, duration, objectMeta, ref } from './common.ts';
import { addCommonFlags } from './flags.ts';
import type { CommonFlags, KubeObject } from './common.ts';
import type { YamlValue } from './yaml-value.ts';

/** buildImageUpdate builds the ImageUpdateAutomation `flux create image update` would create. */
export function buildImageUpdate(name: string, common: CommonFlags, o: Record<string, unknown>): KubeObject[] {
  const str = (k: string): string => (o[k] as string | undefined) ?? '';
  if (str('gitRepoRef') === '')
    throw new CreateInputError('a reference to a GitRepository is required (--git-repo-ref)');
  if (str('checkoutBranch') === '')
    throw new CreateInputError('the Git repository branch is required (--checkout-branch)');
  if (str('authorName') === '') throw new CreateInputError('the author name is required (--author-name)');
  if (str('authorEmail') === '') throw new CreateInputError('the author email is required (--author-email)');
  const keyType = str('signingKeyType');
  if (keyType !== '' && str('signingKeySecret') === '')
    throw new CreateInputError('--signing-key-type requires --signing-key-secret');
  if (keyType !== '' && keyType !== 'gpg' && keyType !== 'ssh')
    throw new CreateInputError('--signing-key-type must be one of: gpg, ssh');
  const meta = objectMeta(name, common);
  const sourceRef: { [key: string]: YamlValue } = { kind: 'GitRepository', name: str('gitRepoRef') };
  if (str('gitRepoNamespace')) sourceRef['namespace'] = str('gitRepoNamespace');
  const commit: { [key: string]: YamlValue } = { author: { email: str('authorEmail'), name: str('authorName') } };
  if (str('commitTemplate')) commit['messageTemplate'] = str('commitTemplate');
  if (str('signingKeySecret')) {
    const key: { [key: string]: YamlValue } = { secretRef: ref(str('signingKeySecret')) };
    if (keyType) key['type'] = keyType;
    commit['signingKey'] = key;
  }
  const git: { [key: string]: YamlValue } = { checkout: { ref: { branch: str('checkoutBranch') } }, commit };
  if (str('pushBranch')) git['push'] = { branch: str('pushBranch') };
  const spec: { [key: string]: YamlValue } = { git, interval: duration(common.interval), sourceRef };
  if (str('gitRepoPath')) spec['update'] = { path: str('gitRepoPath'), strategy: 'Setters' };
  return [{ apiVersion: 'image.toolkit.fluxcd.io/v1', kind: 'ImageUpdateAutomation', metadata: meta, spec }];
}

/** registerImageUpdate adds `create image update`. */
export function registerImageUpdate(image: Command, deps: CreateDeps): void {
  const cmd = image
    .command('update')
    .argument('[name]', 'name of the ImageUpdateAutomation')
    .description('Create or update an ImageUpdateAutomation object')
    .option('--git-repo-ref <name>', 'the name of the GitRepository to push updates to')
    .option(
      '--git-repo-namespace <namespace>',
      'the namespace of the GitRepository, defaults to this object’s namespace',
    )
    .option('--git-repo-path <path>', 'the directory with the manifests to update, defaults to the repository root')
    .option('--checkout-branch <branch>', 'the branch to check out')
    .option('--push-branch <branch>', 'the branch to push commits to, defaults to the checkout branch')
    .option('--commit-template <template>', 'a template for commit messages')
    .option('--author-name <name>', 'the name of the commit author')
    .option('--author-email <email>', 'the email of the commit author')
    .option('--signing-key-secret <name>', 'the Secret holding the commit signing key')
    .option('--signing-key-type <type>', 'the signing key format: gpg or ssh');
  addCommonFlags(cmd)
    .addHelpText(
      'after',
      `
Examples:
  # Print an automation that commits image updates under ./clusters/prod to main
  fluxts create image update app --git-repo-ref=fleet --git-repo-path=./clusters/prod \\
    --checkout-branch=main --author-name=fluxbot --author-email=fluxbot@example.com --export

  # Push to a separate branch for review, with a custom commit message
  fluxts create image update app --git-repo-ref=fleet --checkout-branch=main --push-branch=image-updates \\
    --author-name=fluxbot --author-email=fluxbot@example.com --commit-template="Update images" --export`,
    )
    .action(createAction(deps, buildImageUpdate));
}
