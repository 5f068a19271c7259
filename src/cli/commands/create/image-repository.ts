// `create image repository`: an ImageRepository (image.toolkit.fluxcd.io/v1).
import type { Command } from 'commander';

import { createAction } from './action.ts';
import type { CreateDeps } from './action.ts';
import { CreateInputError, duration, objectMeta, ref } from './common.ts';
import { addCommonFlags, durationArg } from './flags.ts';
import type { CommonFlags, KubeObject } from './common.ts';
import type { YamlValue } from './yaml-value.ts';

const REPOSITORY_CHARS = /^[a-z0-9_\-./]*$/;

/** checkImageRepository validates an image name like go-containerregistry's name.NewRepository (weak validation). */
export function checkImageRepository(image: string): string | undefined {
  if (image === '') return 'a repository name must be specified';
  const slash = image.indexOf('/');
  let registry = '';
  let repo = image;
  if (slash !== -1) {
    const first = image.slice(0, slash);
    if (first.includes('.') || first.includes(':')) {
      registry = first;
      repo = image.slice(slash + 1);
    }
  }
  const runes = Array.from(repo).length;
  if (runes < 2 || runes > 255) return `repository must be between 2 and 255 characters in length: ${repo}`;
  if (!REPOSITORY_CHARS.test(repo))
    return `repository can only contain the characters \`abcdefghijklmnopqrstuvwxyz0123456789_-./\`: ${repo}`;
  if (registry !== '' && (/[@/?#\s]/.test(registry) || !/^(\[[0-9a-fA-F:.]+\]|[^:[\]]*)(:[0-9]*)?$/.test(registry))) {
    return `registries must be valid RFC 3986 URI authorities: ${registry}`;
  }
  return undefined;
}

/** buildImageRepository builds the ImageRepository `flux create image repository` would create. */
export function buildImageRepository(name: string, common: CommonFlags, o: Record<string, unknown>): KubeObject[] {
  const str = (k: string): string => (o[k] as string | undefined) ?? '';
  const image = str('image');
  if (image === '')
    throw new CreateInputError('an image repository (--image) is required: e.g. --image=ghcr.io/org/app');
  const problem = checkImageRepository(image);
  if (problem) throw new CreateInputError(`unable to parse image value: ${problem}`);
  const meta = objectMeta(name, common);
  const spec: { [key: string]: YamlValue } = { image, interval: duration(common.interval) };
  const scanTimeout = o['scanTimeout'] as bigint | undefined;
  if (scanTimeout !== undefined && scanTimeout !== 0n) spec['timeout'] = duration(scanTimeout);
  if (str('secretRef')) spec['secretRef'] = ref(str('secretRef'));
  if (str('certRef')) spec['certSecretRef'] = ref(str('certRef'));
  return [{ apiVersion: 'image.toolkit.fluxcd.io/v1', kind: 'ImageRepository', metadata: meta, spec }];
}

/** registerImageRepository adds `create image repository`. */
export function registerImageRepository(image: Command, deps: CreateDeps): void {
  const cmd = image
    .command('repository')
    .argument('[name]', 'name of the ImageRepository')
    .description('Create or update an ImageRepository object')
    .option('--image <image>', 'the image repository to scan, e.g. library/alpine')
    .option('--secret-ref <name>', 'the name of a docker-registry secret to use for credentials')
    .option('--cert-ref <name>', 'the name of a secret to use for TLS certificates')
    .option('--scan-timeout <duration>', 'a timeout for scanning, defaults to the interval', durationArg);
  addCommonFlags(cmd)
    .addHelpText(
      'after',
      `
Examples:
  # Print an ImageRepository that scans the tags of an image every 5 minutes
  fluxts create image repository app --image=ghcr.io/example/app --interval=5m --export

  # A private registry, credentials from a docker-registry Secret
  fluxts create image repository app --image=registry.example.com/team/app --secret-ref=regcred --export`,
    )
    .action(createAction(deps, buildImageRepository));
}
