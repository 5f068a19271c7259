import { type Command, Option } from 'commander';
import { stringify } from 'yaml';

import { isNotFound, type KubeObject } from '../../kube/index.ts';
import { addGlobalFlags, clusterAction, connect, globalFlags } from '../shared/connect.ts';
import { type Output, processOutput } from '../shared/terminal.ts';
import { VERSION } from '../shared/version.ts';

/** componentVersions reads the image tag of each installed controller's Deployment (flux: `<name>: <tag>`). */
async function componentVersions(c: Command): Promise<Record<string, string>> {
  const g = globalFlags(c);
  const client = connect(g);
  try {
    const list = await client.listAll<KubeObject>(
      { apiVersion: 'apps/v1', kind: 'Deployment' },
      { namespace: g.namespace, labelSelector: 'app.kubernetes.io/part-of=flux' },
    );
    const out: Record<string, string> = {};
    for (const d of list.items) {
      const image =
        (d.spec as { template?: { spec?: { containers?: { image?: string }[] } } }).template?.spec?.containers?.[0]
          ?.image ?? '';
      out[d.metadata.name ?? ''] = image.slice(image.lastIndexOf(':') + 1);
    }
    return out;
  } catch (err) {
    if (isNotFound(err)) return {};
    throw err;
  }
}

/** registerVersionCommand adds `fluxts version [--client] [-o yaml|json]`. */
export function registerVersionCommand(program: Command, o: Output = processOutput()): Command {
  return addGlobalFlags(program.command('version'))
    .description('Print the client and server-side components version information')
    .option('--client', 'print only the client version')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['yaml', 'json']))
    .addHelpText(
      'after',
      '\nExamples:\n  # Client and installed controllers\n  fluxts version\n\n  fluxts version --client -o json\n',
    )
    .action(
      clusterAction(async (flags: { client?: boolean; output?: 'yaml' | 'json' }, c: Command) => {
        const client = { fluxts: `v${VERSION}` };
        if (flags.output === 'json') {
          // One JSON document: nothing is printed until the server side is known.
          const info = flags.client ? client : { ...client, ...(await componentVersions(c)) };
          o.out(`${JSON.stringify(info, null, 2)}\n`);
          return;
        }
        // Text and YAML print the client line first, so it is there even when the cluster cannot be reached.
        const lines = (info: Record<string, string>): string =>
          flags.output === 'yaml'
            ? stringify(info)
            : Object.entries(info)
                .map(([k, v]) => `${k}: ${v}\n`)
                .join('');
        o.out(lines(client));
        if (flags.client) return;
        const server = await componentVersions(c);
        if (Object.keys(server).length > 0) o.out(lines(server));
      }),
    );
}
