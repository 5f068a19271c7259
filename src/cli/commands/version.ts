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
        const info: Record<string, string> = { fluxts: `v${VERSION}` };
        if (!flags.client) Object.assign(info, await componentVersions(c));
        if (flags.output === 'json') o.out(`${JSON.stringify(info, null, 2)}\n`);
        else if (flags.output === 'yaml') o.out(stringify(info));
        else
          o.out(
            Object.entries(info)
              .map(([k, v]) => `${k}: ${v}\n`)
              .join(''),
          );
      }),
    );
}
