// `create alert`: an Alert (notification.toolkit.fluxcd.io/v1beta3).
import type { Command } from 'commander';

import { createAction } from './action.ts';
import type { CreateDeps } from './action.ts';
import { CreateInputError, objectMeta, parseKindNameNamespace, ref } from './common.ts';
import { addCommonFlags, sliceArg } from './flags.ts';
import type { CommonFlags, KubeObject } from './common.ts';
import type { YamlValue } from './yaml-value.ts';

/** buildAlert builds the Alert `flux create alert` would create. */
export function buildAlert(name: string, common: CommonFlags, o: Record<string, unknown>): KubeObject[] {
  const str = (k: string): string => (o[k] as string | undefined) ?? '';
  if (str('providerRef') === '')
    throw new CreateInputError('provider ref is required: set --provider-ref to the name of a Provider');
  const eventSources = ((o['eventSource'] as string[] | undefined) ?? []).map((source) => {
    const { kind, name: srcName, namespace } = parseKindNameNamespace(source);
    if (kind === '') throw new CreateInputError(`invalid event source '${source}', must be in format <kind>/<name>`);
    const r: { [key: string]: YamlValue } = { kind, name: srcName };
    if (namespace) r['namespace'] = namespace;
    return r;
  });
  if (eventSources.length === 0) {
    throw new CreateInputError(
      'at least one event source is required: set --event-source, e.g. --event-source=Kustomization/app',
    );
  }
  const meta = objectMeta(name, common);
  const spec: { [key: string]: YamlValue } = { eventSources, providerRef: ref(str('providerRef')) };
  if (str('eventSeverity')) spec['eventSeverity'] = str('eventSeverity');
  return [{ apiVersion: 'notification.toolkit.fluxcd.io/v1beta3', kind: 'Alert', metadata: meta, spec }];
}

/** registerAlert adds `create alert`. */
export function registerAlert(create: Command, deps: CreateDeps): void {
  const cmd = create
    .command('alert')
    .argument('[name]', 'name of the Alert')
    .description('Create or update an Alert resource')
    .option('--provider-ref <name>', 'the Provider to send alerts to')
    .option('--event-severity <severity>', 'severity of events to send alerts for (info or error)')
    .option(
      '--event-source <refs>',
      "sources of events, '<kind>/<name>[.<namespace>]' (comma-separated, repeatable)",
      sliceArg,
    );
  addCommonFlags(cmd)
    .addHelpText(
      'after',
      `
Examples:
  # Print an Alert that sends error events of every Kustomization to the Provider "slack"
  fluxts create alert ops --provider-ref=slack --event-severity=error --event-source=Kustomization/* --export

  # Alert on a GitRepository and a HelmRelease in another namespace
  fluxts create alert app --provider-ref=teams --event-source=GitRepository/app,HelmRelease/web.apps --export`,
    )
    .action(createAction(deps, buildAlert));
}
