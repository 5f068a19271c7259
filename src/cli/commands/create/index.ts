// `fluxts create …`: the flux CLI's create commands. Each builds its objects as plain data, then prints them
// (`--export`, byte for byte what the flux CLI prints) or hands them to the apply callback.
import type { Command } from 'commander';

import type { CreateDeps } from './action.ts';
import { registerAlertProvider } from './alert-provider.ts';
import { registerAlert } from './alert.ts';
import { registerHelmRelease } from './helmrelease.ts';
import { registerImagePolicy } from './image-policy.ts';
import { registerImageRepository } from './image-repository.ts';
import { registerImageUpdate } from './image-update.ts';
import { registerKustomization } from './kustomization.ts';
import { registerReceiver } from './receiver.ts';
import { registerSecretGit } from './secret-git.ts';
import { registerSecretGitHubApp } from './secret-githubapp.ts';
import { registerSecretHelm } from './secret-helm.ts';
import { registerSecretNotation } from './secret-notation.ts';
import { registerSecretOci } from './secret-oci.ts';
import { registerSecretProxy } from './secret-proxy.ts';
import { registerSecretReceiver } from './secret-receiver.ts';
import { registerSecretTls } from './secret-tls.ts';
import { registerSourceBucket } from './source-bucket.ts';
import { registerSourceChart } from './source-chart.ts';
import { registerSourceGit } from './source-git.ts';
import { registerSourceHelm } from './source-helm.ts';
import { registerSourceOci } from './source-oci.ts';
import { registerTenant } from './tenant.ts';

export type { CreateDeps } from './action.ts';
export { renderExport } from './action.ts';
export type { ApplyFn, ApplyOptions, KubeObject } from './common.ts';
export { CreateInputError } from './common.ts';
export { formatGoDuration, parseGoDuration } from './duration.ts';
export { rsaBits } from './source-git.ts';
export { generateKeyPair, loadKeyPair, scanHostKey, type KeyPair } from './ssh-keys.ts';
export type { YamlValue } from './yaml-value.ts';
export { buildAlert } from './alert.ts';
export { buildAlertProvider } from './alert-provider.ts';
export { buildHelmRelease } from './helmrelease.ts';
export { buildImagePolicy } from './image-policy.ts';
export { buildImageRepository } from './image-repository.ts';
export { buildImageUpdate } from './image-update.ts';
export { buildKustomization } from './kustomization.ts';
export { buildReceiver } from './receiver.ts';
export { buildGitSecret } from './secret-git.ts';
export { buildGitHubAppSecret } from './secret-githubapp.ts';
export { buildHelmSecret } from './secret-helm.ts';
export { buildNotationSecret } from './secret-notation.ts';
export { buildOciSecret } from './secret-oci.ts';
export { buildProxySecret } from './secret-proxy.ts';
export { buildReceiverSecret } from './secret-receiver.ts';
export { buildTlsSecret } from './secret-tls.ts';
export { buildBucket } from './source-bucket.ts';
export { buildHelmChart } from './source-chart.ts';
export { buildGitRepository } from './source-git.ts';
export { buildHelmRepository } from './source-helm.ts';
export { buildOCIRepository } from './source-oci.ts';
export { buildTenant } from './tenant.ts';

/**
 * registerCreateCommand adds `create` and its sub-commands to the program. Without `deps.apply`, a create without
 * `--export` fails with a message saying applying is not wired yet.
 *
 * @example registerCreateCommand(program, { apply: applyAndWait })
 */
export function registerCreateCommand(program: Command, deps: CreateDeps = {}): Command {
  const create = program
    .command('create')
    .description('Create or update sources and resources (print them with --export)')
    .addHelpText(
      'after',
      `
Examples:
  # Print the YAML of a GitRepository and a Kustomization that applies it
  fluxts create source git app --url=https://github.com/example/app --branch=main --export > app.yaml
  fluxts create kustomization app --source=GitRepository/app --path=./deploy --prune=true --export >> app.yaml`,
    );

  const source = create
    .command('source')
    .description('Create or update sources')
    .addHelpText(
      'after',
      `
Examples:
  fluxts create source git app --url=https://github.com/example/app --branch=main --export
  fluxts create source oci app --url=oci://ghcr.io/example/app-manifests --tag=latest --export
  fluxts create source helm charts --url=https://charts.example.com --export
  fluxts create source bucket manifests --bucket-name=manifests --endpoint=minio.example.com --export`,
    );
  registerSourceGit(source, deps);
  registerSourceOci(source, deps);
  registerSourceHelm(source, deps);
  registerSourceChart(source, deps);
  registerSourceBucket(source, deps);

  registerKustomization(create, deps);
  registerHelmRelease(create, deps);

  const image = create
    .command('image')
    .description('Create or update image automation objects')
    .addHelpText(
      'after',
      `
Examples:
  fluxts create image repository app --image=ghcr.io/example/app --export
  fluxts create image policy app --image-ref=app --select-semver="1.x" --export
  fluxts create image update app --git-repo-ref=fleet --checkout-branch=main \\
    --author-name=fluxbot --author-email=fluxbot@example.com --export`,
    );
  registerImageRepository(image, deps);
  registerImagePolicy(image, deps);
  registerImageUpdate(image, deps);

  registerAlert(create, deps);
  registerAlertProvider(create, deps);
  registerReceiver(create, deps);

  const secret = create
    .command('secret')
    .description('Create or update Kubernetes secrets for Flux')
    .addHelpText(
      'after',
      `
Examples:
  fluxts create secret git app-auth --url=https://git.example.com/team/app -u git -p "$TOKEN" --export
  fluxts create secret helm charts-auth -u admin -p "$PASSWORD" --export
  fluxts create secret oci ghcr-auth --url=ghcr.io/example -u flux -p "$GITHUB_TOKEN" --export
  fluxts create secret tls client-certs --tls-crt-file=./client.crt --tls-key-file=./client.key --export`,
    );
  registerSecretGit(secret, deps);
  registerSecretGitHubApp(secret, deps);
  registerSecretHelm(secret, deps);
  registerSecretOci(secret, deps);
  registerSecretTls(secret, deps);
  registerSecretProxy(secret, deps);
  registerSecretReceiver(secret, deps);
  registerSecretNotation(secret, deps);

  registerTenant(create, deps);
  return create;
}
