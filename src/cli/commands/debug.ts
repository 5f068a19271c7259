// `fluxts debug helmrelease NAME --show-status|--show-values|--show-history`: flux's debug command. The values are composed as
// helm-controller composes them (controllers/helm/values.ts: valuesFrom in order, then spec.values), so what is
// printed is what the next release would get; values from Secrets are printed too, as flux warns.
import type { Command } from 'commander';

import { composeValues, kubeValuesReader, type ValuesReference } from '../../controllers/index.ts';
import { marshalSigsYaml, type Value } from '../../engines/goyaml/index.ts';
import { fromJs, type ValueMap } from '../../engines/helm/index.ts';
import { addGlobalFlags, clusterAction, connect, globalFlags } from '../shared/connect.ts';
import { CliInputError } from '../shared/errors.ts';
import { cliKindOf } from '../shared/kinds.ts';
import { getObject } from '../shared/objects.ts';
import { type Output, processOutput } from '../shared/terminal.ts';

interface HelmReleaseSpec {
  values?: unknown;
  valuesFrom?: ValuesReference[];
}

const DOCS = 'https://fluxcd.io/flux/components/helm/helmreleases/';

type Snapshot = Record<string, unknown>;

/** goSnapshot is a history Snapshot as Go marshals it: `deleted` (a metav1.Time, never omitted) is null if unset. */
function goSnapshot(s: Snapshot): Snapshot {
  return { ...s, deleted: s['deleted'] ?? null };
}

interface DebugFlags {
  showStatus?: boolean;
  showValues?: boolean;
  showHistory?: boolean;
}

/** inlineValues reads spec.values as Helm values (undefined when absent). */
export function inlineValues(values: unknown): ValueMap | undefined {
  if (values === undefined || values === null) return undefined;
  const v = fromJs(values);
  return v instanceof Map ? v : undefined;
}

/** registerDebugCommand adds `fluxts debug helmrelease|hr NAME`. */
export function registerDebugCommand(program: Command, o: Output = processOutput()): Command {
  const debug = addGlobalFlags(program.command('debug')).description('Debug a flux resource');
  debug
    .command('helmrelease')
    .alias('hr')
    .description(
      'Debug a HelmRelease resource.\nWARNING: This command will print sensitive information if Kubernetes Secrets are referenced in the HelmRelease .spec.valuesFrom field.',
    )
    .argument('<name>', 'the HelmRelease name')
    .option('--show-status', 'print the status of the Helm release')
    .option('--show-values', 'print the final values of the Helm release')
    .option('--show-history', 'print the reconciliation history of the Helm release')
    .addHelpText(
      'after',
      `
Examples:
  # Print the status of a Helm release
  fluxts debug hr podinfo --show-status

  # Export the final values of a Helm release composed from referred ConfigMaps and Secrets
  fluxts debug hr podinfo --show-values > values.yaml

  # Print the reconciliation history of a Helm release
  fluxts debug hr podinfo --show-history
`,
    )
    .action(
      clusterAction(async (name: string, opts: DebugFlags, c: Command) => {
        if ([opts.showStatus, opts.showValues, opts.showHistory].filter(Boolean).length !== 1) {
          throw new CliInputError('exactly one of --show-status, --show-values, or --show-history must be set');
        }
        const g = globalFlags(c);
        const client = connect(g);
        const kind = cliKindOf('HelmRelease');
        if (!kind) return;
        const hr = await getObject(client, kind, g.namespace, name);
        const status = (hr.status ?? {}) as { history?: Snapshot[] };
        const history = (status.history ?? []).map(goSnapshot);
        if (opts.showStatus) {
          o.out(`# Status documentation: ${DOCS}#helmrelease-status\n`);
          o.out(marshalSigsYaml({ ...status, ...(status.history ? { history } : {}) } as Value));
        }
        if (opts.showHistory) {
          o.out(`# History documentation: ${DOCS}#history\n`);
          o.out(marshalSigsYaml(history as Value));
        }
        if (opts.showValues) {
          const spec = (hr.spec ?? {}) as HelmReleaseSpec;
          const values = await composeValues(
            hr.metadata.namespace ?? g.namespace,
            spec.valuesFrom ?? [],
            inlineValues(spec.values),
            kubeValuesReader(client),
          );
          o.out(marshalSigsYaml(values));
        }
      }),
    );
  return debug;
}
