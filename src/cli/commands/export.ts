import type { Command } from 'commander';

import type { KubeObject } from '../../kube/index.ts';
import { marshalSigsYaml as marshalYaml } from '../../engines/goyaml/index.ts';
import type { YamlValue } from './create/index.ts';
import { addGlobalFlags, clusterAction, connect, globalFlags } from '../shared/connect.ts';
import { addKindCommands } from '../shared/kind-commands.ts';
import { getObject, requireName } from '../shared/objects.ts';
import { Logger, type Output, processOutput } from '../shared/terminal.ts';

/**
 * exportable keeps what a user wrote: apiVersion, kind, name, namespace, labels, annotations and spec. Status,
 * uid, resourceVersion, managedFields and the other server fields are dropped, as `flux export` does.
 */
export function exportable(obj: KubeObject): Record<string, YamlValue> {
  const meta: Record<string, YamlValue> = { name: obj.metadata.name ?? '', namespace: obj.metadata.namespace ?? '' };
  if (obj.metadata.labels && Object.keys(obj.metadata.labels).length > 0) meta['labels'] = obj.metadata.labels;
  const annotations = { ...(obj.metadata.annotations ?? {}) };
  delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
  if (Object.keys(annotations).length > 0) meta['annotations'] = annotations;
  const out: Record<string, YamlValue> = { apiVersion: obj.apiVersion ?? '', kind: obj.kind ?? '', metadata: meta };
  if (obj.spec !== undefined) out['spec'] = obj.spec as YamlValue;
  return out;
}

/** exportYaml prints objects as flux does: each document preceded by `---`, keys sorted as sigs.k8s.io/yaml does. */
export function exportYaml(objects: KubeObject[]): string {
  return objects.map((o) => `---\n${marshalYaml(exportable(o))}`).join('');
}

/** registerExportCommand adds `fluxts export <kind> NAME|--all`. */
export function registerExportCommand(program: Command, o: Output = processOutput()): Command {
  const exp = addGlobalFlags(program.command('export'))
    .description('Export Flux resources in YAML format')
    .addHelpText(
      'after',
      `
Examples:
  # Export every Kustomization of the flux-system namespace
  fluxts export kustomization --all > kustomizations.yaml

  # Export one GitRepository
  fluxts export source git podinfo`,
    );
  addKindCommands(exp, {}, (cmd, kind) => {
    cmd
      .description(`Export ${kind.kind} resources in YAML format`)
      .argument('[name]', `the ${kind.kind} name`)
      .option('--all', `export every ${kind.kind} in the namespace`)
      .addHelpText('after', `\nExamples:\n  fluxts export ${kind.group ? `${kind.group} ` : ''}${kind.word} --all\n`)
      .action(
        clusterAction(async (name: string | undefined, opts: { all?: boolean }, c: Command) => {
          requireName(name, opts.all === true, kind);
          const g = globalFlags(c);
          const client = connect(g);
          const objects = opts.all
            ? (await client.listAll<KubeObject>(kind, { namespace: g.namespace })).items
            : [await getObject(client, kind, g.namespace, name ?? '')];
          if (objects.length === 0) {
            new Logger(o).failure(`no ${kind.kind} objects found in ${g.namespace} namespace`);
            return;
          }
          o.out(exportYaml(objects));
        }),
      );
  });
  return exp;
}
