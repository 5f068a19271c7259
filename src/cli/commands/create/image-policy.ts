// `create image policy`: an ImagePolicy (image.toolkit.fluxcd.io/v1).
import type { Command } from 'commander';
import { RE2JS } from 're2js';

import { createAction } from './action.ts';
import type { CreateDeps } from './action.ts';
import { CreateInputError, duration, objectMeta } from './common.ts';
import { addCommonFlags, durationArg } from './flags.ts';
import type { CommonFlags, KubeObject } from './common.ts';
import type { YamlValue } from './yaml-value.ts';

/** validateExtract checks that every named `$group` in an extract template exists in the filter regex. */
export function validateExtract(template: string, capNames: string[]): void {
  let t = template;
  while (t.length > 0) {
    const i = t.indexOf('$');
    if (i < 0) return;
    t = t.slice(i);
    if (t.length > 1 && t[1] === '$') {
      t = t.slice(2);
      continue;
    }
    const m = /^\$(\{)?([\p{L}\p{Nd}_]+)(\})?/u.exec(t);
    if (!m || (m[1] === '{' && m[3] !== '}'))
      throw new CreateInputError('--filter-extract is malformed: use $name or ${name} of a group in --filter-regex');
    const groupName = m[2] ?? '';
    t = t.slice(m[1] === '{' ? m[0].length : 1 + groupName.length);
    const numeric = /^[0-9]+$/.test(groupName) && !(groupName.length > 1 && groupName.startsWith('0'));
    if (!numeric && !capNames.includes(groupName)) {
      throw new CreateInputError(`capture group $${groupName} used in --filter-extract not found in --filter-regex`);
    }
  }
}

/** buildImagePolicy builds the ImagePolicy `flux create image policy` would create. */
export function buildImagePolicy(name: string, common: CommonFlags, o: Record<string, unknown>): KubeObject[] {
  const str = (k: string): string => (o[k] as string | undefined) ?? '';
  const imageRef = str('imageRef');
  if (imageRef === '')
    throw new CreateInputError('the name of an ImageRepository in the namespace is required (--image-ref)');
  const meta = objectMeta(name, common);
  const [semver, alpha, numeric] = [str('selectSemver'), str('selectAlpha'), str('selectNumeric')];
  const policy: { [key: string]: YamlValue } = {};
  // flux's switch has empty cases for semver+alpha and semver+numeric: those print an empty policy, kept here.
  if ((semver && alpha) || (semver && numeric)) {
    // nothing selected
  } else if (alpha && numeric) {
    throw new CreateInputError('only one of --select-semver, --select-alpha or --select-numeric can be specified');
  } else if (semver) policy['semver'] = { range: semver };
  else if (alpha) {
    if (alpha !== 'asc' && alpha !== 'desc')
      throw new CreateInputError('--select-alpha must be one of ["asc", "desc"]');
    policy['alphabetical'] = { order: alpha };
  } else if (numeric) {
    if (numeric !== 'asc' && numeric !== 'desc')
      throw new CreateInputError('--select-numeric must be one of ["asc", "desc"]');
    policy['numerical'] = { order: numeric };
  } else {
    throw new CreateInputError('a policy must be provided with either --select-semver or --select-alpha');
  }
  const spec: { [key: string]: YamlValue } = { imageRepositoryRef: { name: imageRef }, policy };
  const filterRegex = str('filterRegex');
  const filterExtract = str('filterExtract');
  if (filterRegex) {
    let groups: string[];
    try {
      groups = Object.keys(RE2JS.compile(filterRegex).namedGroups());
    } catch (err) {
      throw new CreateInputError('--filter-regex is an invalid regex pattern: use RE2 syntax', { cause: err });
    }
    const filterTags: { [key: string]: YamlValue } = { pattern: filterRegex };
    if (filterExtract) {
      validateExtract(filterExtract, groups);
      filterTags['extract'] = filterExtract;
    }
    spec['filterTags'] = filterTags;
  } else if (filterExtract) {
    throw new CreateInputError('cannot specify --filter-extract without specifying --filter-regex');
  }
  const reflect = str('reflectDigest');
  if (reflect) {
    if (!['Never', 'IfNotPresent', 'Always'].includes(reflect)) {
      throw new CreateInputError(
        "invalid value for --reflect-digest, must be one of 'Never', 'IfNotPresent', 'Always'",
      );
    }
    spec['digestReflectionPolicy'] = reflect;
  }
  const interval = o['interval'] as bigint | undefined;
  if (interval !== undefined && interval !== 0n) {
    if (reflect !== 'Always') {
      throw new CreateInputError(
        "the --interval flag can only be used with the 'Always' digest reflection policy, use --reflect-digest=Always",
      );
    }
    spec['interval'] = duration(interval);
  }
  return [{ apiVersion: 'image.toolkit.fluxcd.io/v1', kind: 'ImagePolicy', metadata: meta, spec }];
}

/** registerImagePolicy adds `create image policy`. */
export function registerImagePolicy(image: Command, deps: CreateDeps): void {
  const cmd = image
    .command('policy')
    .argument('[name]', 'name of the ImagePolicy')
    .description('Create or update an ImagePolicy object')
    .option('--image-ref <name>', 'the name of an ImageRepository object')
    .option('--select-semver <range>', "a semver range to apply to tags, e.g. '1.x'")
    .option('--select-alpha <order>', 'select by alphabetical order: asc (the last) or desc (the first)')
    .option('--select-numeric <order>', 'select by numeric order: asc (the last) or desc (the first)')
    .option('--filter-regex <regex>', 'regular expression used to filter the image tags')
    .option('--filter-extract <template>', 'replacement (capture groups of --filter-regex) used for sorting')
    .option('--reflect-digest <policy>', "digest reflection policy: 'Never', 'IfNotPresent' or 'Always'")
    .option('--interval <duration>', 'how often to check digests, only with --reflect-digest=Always', durationArg);
  addCommonFlags(cmd, { interval: false })
    .addHelpText(
      'after',
      `
Examples:
  # Print an ImagePolicy that picks the newest 1.x tag of the ImageRepository "app"
  fluxts create image policy app --image-ref=app --select-semver="1.x" --export

  # Pick the newest timestamped build tag like main-abc123-1700000000
  fluxts create image policy app --image-ref=app --select-numeric=asc \\
    --filter-regex='^main-[a-f0-9]+-(?P<ts>[0-9]+)' --filter-extract='$ts' --export`,
    )
    .action(createAction(deps, buildImagePolicy));
}
