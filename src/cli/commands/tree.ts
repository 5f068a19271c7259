import { gunzipSync } from 'node:zlib';

import type { Command } from 'commander';
import { parseAllDocuments } from 'yaml';

import { isNotFound, type KubeClient, type KubeObject } from '../../kube/index.ts';
import { addGlobalFlags, clusterAction, connect, globalFlags } from '../shared/connect.ts';
import { cliKindOf } from '../shared/kinds.ts';
import { getObject } from '../shared/objects.ts';
import { type Output, processOutput } from '../shared/terminal.ts';

/** TreeNode is one object of the tree: `Kind/namespace/name` (or `Kind/name` when cluster-scoped). */
export interface TreeNode {
  label: string;
  children: TreeNode[];
}

/** InventoryRef is one inventory entry decoded from its id `<namespace>_<name>_<group>_<kind>`. */
export interface InventoryRef {
  namespace: string;
  name: string;
  group: string;
  kind: string;
  version: string;
}

/** parseInventoryId decodes an inventory id; a `:` in a name is stored as `__` (cli-utils' ObjMetadata). */
export function parseInventoryId(id: string, version: string): InventoryRef | undefined {
  const first = id.indexOf('_');
  const last = id.lastIndexOf('_');
  const groupStart = id.lastIndexOf('_', last - 1);
  if (first < 0 || groupStart <= first) return undefined;
  return {
    namespace: id.slice(0, first),
    name: id.slice(first + 1, groupStart).replaceAll('__', ':'),
    group: id.slice(groupStart + 1, last),
    kind: id.slice(last + 1),
    version,
  };
}

const label = (kind: string, namespace: string | undefined, name: string): string =>
  namespace ? `${kind}/${namespace}/${name}` : `${kind}/${name}`;

/** renderTree draws a tree with box-drawing characters, as `flux tree` does. */
export function renderTree(root: TreeNode): string {
  const lines = [root.label];
  const walk = (node: TreeNode, prefix: string): void => {
    node.children.forEach((child, i) => {
      const last = i === node.children.length - 1;
      lines.push(`${prefix}${last ? '└── ' : '├── '}${child.label}`);
      walk(child, `${prefix}${last ? '    ' : '│   '}`);
    });
  };
  walk(root, '');
  return `${lines.join('\n')}\n`;
}

/** helmReleaseObjects reads the latest Helm storage Secret of a release and lists the objects of its manifest. */
async function helmReleaseObjects(client: KubeClient, hr: KubeObject): Promise<TreeNode[]> {
  const status = (hr.status ?? {}) as {
    storageNamespace?: string;
    history?: { name?: string; namespace?: string; version?: number }[];
  };
  const latest = status.history?.[0];
  if (!latest?.name || latest.version === undefined) return [];
  const ns = status.storageNamespace ?? hr.metadata.namespace ?? '';
  let secret: KubeObject;
  try {
    secret = await client.get(
      { apiVersion: 'v1', kind: 'Secret' },
      {
        namespace: ns,
        name: `sh.helm.release.v1.${latest.name}.v${latest.version}`,
      },
    );
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
  const data = (secret['data'] as { release?: string } | undefined)?.release;
  if (!data) return [];
  // Helm stores base64(gzip(json)); the Secret's data adds one more base64 layer.
  const json = gunzipSync(Buffer.from(Buffer.from(data, 'base64').toString(), 'base64')).toString();
  const manifest = (JSON.parse(json) as { manifest?: string }).manifest ?? '';
  const nodes: TreeNode[] = [];
  for (const doc of parseAllDocuments(manifest)) {
    const obj = doc.toJS() as KubeObject | null;
    if (!obj?.kind || !obj.metadata?.name) continue;
    nodes.push({
      label: label(obj.kind, obj.metadata.namespace ?? latest.namespace ?? hr.metadata.namespace, obj.metadata.name),
      children: [],
    });
  }
  return nodes;
}

/**
 * buildTree walks a Kustomization's or HelmRelease's inventory (status.inventory, as Flux v2.9 records both),
 * descending into the Kustomizations and HelmReleases it applied.
 */
export async function buildTree(client: KubeClient, ks: KubeObject, seen = new Set<string>()): Promise<TreeNode> {
  const root: TreeNode = {
    label: label(ks.kind ?? 'Kustomization', ks.metadata.namespace, ks.metadata.name ?? ''),
    children: [],
  };
  if (seen.has(root.label)) return root;
  seen.add(root.label);
  const inventory = (ks.status as { inventory?: { entries?: { id: string; v: string }[] } } | undefined)?.inventory;
  // A HelmRelease recorded before inventories existed: its objects come from the release's manifest.
  if (ks.kind === 'HelmRelease' && inventory === undefined) {
    root.children = await helmReleaseObjects(client, ks);
    return root;
  }
  const entries = inventory?.entries ?? [];
  for (const entry of entries) {
    const ref = parseInventoryId(entry.id, entry.v);
    if (!ref) continue;
    const apiVersion = ref.group ? `${ref.group}/${ref.version}` : ref.version;
    const child: TreeNode = { label: label(ref.kind, ref.namespace || undefined, ref.name), children: [] };
    const nested = ref.kind === 'Kustomization' || ref.kind === 'HelmRelease' ? cliKindOf(ref.kind) : undefined;
    if (nested && apiVersion === nested.apiVersion) {
      try {
        const obj = await client.get<KubeObject>(nested, { namespace: ref.namespace, name: ref.name });
        child.children = (await buildTree(client, obj, seen)).children;
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    root.children.push(child);
  }
  return root;
}

/** registerTreeCommand adds `fluxts tree kustomization|helmrelease NAME`. */
export function registerTreeCommand(program: Command, o: Output = processOutput()): Command {
  const tree = addGlobalFlags(program.command('tree'))
    .description('Print the resources reconciled by Flux as a tree')
    .addHelpText('after', '\nExamples:\n  fluxts tree kustomization flux-system\n  fluxts tree helmrelease podinfo\n');
  for (const [kindName, word, alias, example] of [
    ['Kustomization', 'kustomization', 'ks', 'flux-system'],
    ['HelmRelease', 'helmrelease', 'hr', 'podinfo'],
  ] as const) {
    tree
      .command(word)
      .alias(alias)
      .description(`Print the inventory of a ${kindName} as a tree, descending into Kustomizations and HelmReleases`)
      .argument('<name>', `the ${kindName} name`)
      .addHelpText(
        'after',
        `\nExamples:\n  # The objects applied by the ${example} ${kindName}\n  fluxts tree ${alias} ${example}\n`,
      )
      .action(
        clusterAction(async (name: string, _opts: unknown, c: Command) => {
          const g = globalFlags(c);
          const client = connect(g);
          const kind = cliKindOf(kindName);
          if (!kind) return;
          const obj = await getObject(client, kind, g.namespace, name);
          o.out(renderTree(await buildTree(client, obj)));
        }),
      );
  }
  return tree;
}
