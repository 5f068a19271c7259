import { type Command, Option } from 'commander';
import { stringify } from 'yaml';

import { isNotFound, type KubeClient, type KubeObject, RestMappingError } from '../../kube/index.ts';
import { addGlobalFlags, clusterAction, connect, globalFlags } from '../shared/connect.ts';
import { LabelSelectorError, selectorForList } from '../../util/label-selector.ts';
import { CliInputError } from '../shared/errors.ts';
import { addKindCommands } from '../shared/kind-commands.ts';
import { CLI_KINDS, type CliKind, statusMatches } from '../shared/kinds.ts';
import { renderTable } from '../shared/table.ts';
import { type Output, processOutput } from '../shared/terminal.ts';

interface GetFlags {
  allNamespaces: boolean;
  noHeader: boolean;
  watch: boolean;
  statusSelector: string | undefined;
  /** labelSelector, as sent to the apiserver (already checked as flux checks it). */
  labelSelector: string | undefined;
  output: 'table' | 'yaml' | 'json';
  /** showSource adds flux's SOURCE column (`get ks|hr --show-source`). */
  showSource: boolean;
}

function getFlags(cmd: Command): GetFlags {
  const o = cmd.optsWithGlobals<Record<string, unknown>>();
  return {
    allNamespaces: o['allNamespaces'] === true,
    noHeader: o['header'] === false,
    watch: o['watch'] === true,
    statusSelector: typeof o['statusSelector'] === 'string' ? o['statusSelector'] : undefined,
    labelSelector: labelSelectorOf(o['labelSelector']),
    output: (o['output'] as GetFlags['output'] | undefined) ?? 'table',
    showSource: o['showSource'] === true,
  };
}

/** labelSelectorOf checks `-l` as flux does (metav1.ParseToLabelSelector) and returns what to send. */
function labelSelectorOf(v: unknown): string | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  try {
    return selectorForList(v);
  } catch (err) {
    if (err instanceof LabelSelectorError) throw new CliInputError(`unable to parse label selector: ${err.message}`);
    throw err;
  }
}

/** StatusFilter is `--status-selector type=status` (or `type!=status`, which keeps the others). */
interface StatusFilter {
  type: string;
  status: string;
  negated: boolean;
}

/** parseSelector reads `--status-selector` as flux 2.9 does: `!=` first, since it also contains `=`. */
function parseSelector(selector: string | undefined): StatusFilter | undefined {
  if (selector === undefined || selector === '') return undefined;
  const negated = selector.includes('!=');
  const sep = negated ? '!=' : '=';
  const at = selector.indexOf(sep);
  if (at < 0) {
    throw new CliInputError(`expected status selector in type=status or type!=status format, but found: ${selector}`);
  }
  return { type: selector.slice(0, at), status: selector.slice(at + sep.length), negated };
}

function keeps(filter: StatusFilter | undefined): (obj: KubeObject) => boolean {
  if (!filter) return () => true;
  return (obj) => statusMatches(obj, filter.type, filter.status) !== filter.negated;
}

/** rowsOf renders objects as table rows: NAMESPACE first with -A, `kind/name` in `get all`. */
export function rowsOf(
  kind: CliKind,
  items: KubeObject[],
  allNamespaces: boolean,
  withKind: boolean,
  showSource = false,
): string[][] {
  return items.map((obj) => {
    const name = withKind ? `${kind.kind.toLowerCase()}/${obj.metadata.name ?? ''}` : (obj.metadata.name ?? '');
    const source = showSource && kind.sourceOf ? [kind.sourceOf(obj)] : [];
    return [...(allNamespaces ? [obj.metadata.namespace ?? ''] : []), name, ...source, ...kind.row(obj)];
  });
}

/** headersOf returns a kind's headers with NAMESPACE first when listing across namespaces (and SOURCE if asked). */
export function headersOf(kind: CliKind, allNamespaces: boolean, showSource = false): string[] {
  const [first = 'Name', ...rest] = kind.headers;
  const headers = showSource && kind.sourceOf ? [first, 'Source', ...rest] : kind.headers;
  return allNamespaces ? ['Namespace', ...headers] : headers;
}

async function listKind(
  client: KubeClient,
  kind: CliKind,
  namespace: string | undefined,
  labelSelector: string | undefined,
  name?: string,
) {
  const list = await client.listAll(kind, {
    ...(namespace ? { namespace } : {}),
    ...(name ? { fieldSelector: `metadata.name=${name}` } : {}),
    ...(labelSelector ? { labelSelector } : {}),
  });
  return list.items;
}

function printObjects(o: Output, items: KubeObject[], format: 'yaml' | 'json'): void {
  if (format === 'json') o.out(`${JSON.stringify(items.length === 1 ? items[0] : { items }, null, 2)}\n`);
  else o.out(items.map((i) => `---\n${stringify(i, { lineWidth: 0 })}`).join(''));
}

async function getOne(cmd: Command, kind: CliKind, name: string | undefined, o: Output): Promise<void> {
  const g = globalFlags(cmd);
  const f = getFlags(cmd);
  const selector = parseSelector(f.statusSelector);
  const client = connect(g);
  const namespace = f.allNamespaces ? undefined : g.namespace;
  const where = f.allNamespaces ? 'any' : JSON.stringify(g.namespace);
  if (f.watch) return watchKind(client, kind, namespace, name, f, g.timeoutMs, o);
  let items = await listKind(client, kind, namespace, f.labelSelector, name);
  // flux returns these as errors: `✗ …` on stderr and exit code 1.
  if (items.length === 0) {
    if (name) throw new CliInputError(`${kind.kind} object '${name}' not found in ${where} namespace`);
    throw new CliInputError(`no ${kind.kind} objects found in ${where} namespace`);
  }
  if (f.output !== 'table') return printObjects(o, items, f.output);
  items = items.filter(keeps(selector));
  o.out(
    renderTable(
      f.noHeader ? [] : headersOf(kind, f.allNamespaces, f.showSource),
      rowsOf(kind, items, f.allNamespaces, false, f.showSource),
    ),
  );
}

async function watchKind(
  client: KubeClient,
  kind: CliKind,
  namespace: string | undefined,
  name: string | undefined,
  f: GetFlags,
  timeoutMs: number,
  o: Output,
): Promise<void> {
  const signal = AbortSignal.timeout(timeoutMs);
  const events = await client.watch(kind, {
    ...(namespace ? { namespace } : {}),
    ...(name ? { fieldSelector: `metadata.name=${name}` } : {}),
    ...(f.labelSelector ? { labelSelector: f.labelSelector } : {}),
    signal,
  });
  let first = true;
  try {
    for await (const ev of events) {
      if (ev.type === 'BOOKMARK' || ev.type === 'ERROR') continue;
      const header = first && !f.noHeader ? headersOf(kind, f.allNamespaces, f.showSource) : [];
      o.out(renderTable(header, rowsOf(kind, [ev.object], f.allNamespaces, false, f.showSource)));
      first = false;
    }
  } catch (err) {
    if (!signal.aborted) throw err;
  }
}

/** GET_ALL_ORDER is the order flux's `get all` / `get sources all` print the kinds in (get_all.go, get_source_all.go). */
const GET_ALL_ORDER = [
  'OCIRepository',
  'Bucket',
  'GitRepository',
  'HelmRepository',
  'HelmChart',
  'ExternalArtifact',
  'ImageRepository',
  'ImagePolicy',
  'ImageUpdateAutomation',
  'HelmRelease',
  'Kustomization',
  'Receiver',
  'Provider',
  'Alert',
];

const inGetAllOrder = (kinds: readonly CliKind[]): CliKind[] =>
  [...kinds].sort((a, b) => GET_ALL_ORDER.indexOf(a.kind) - GET_ALL_ORDER.indexOf(b.kind));

/** getAll prints one table per kind with objects, names as `kind/name`, each followed by a blank line. */
async function getAll(cmd: Command, kinds: readonly CliKind[], o: Output): Promise<void> {
  const g = globalFlags(cmd);
  const f = getFlags(cmd);
  if (f.watch) throw new CliInputError(`expected a single resource type, but found ${cmd.name()}`);
  const selector = parseSelector(f.statusSelector);
  const client = connect(g);
  for (const kind of inGetAllOrder(kinds)) {
    let items: KubeObject[];
    try {
      items = await listKind(client, kind, f.allNamespaces ? undefined : g.namespace, f.labelSelector);
    } catch (err) {
      // A kind whose CRD is not installed (e.g. image automation) is skipped, as flux get all does.
      if (err instanceof RestMappingError || isNotFound(err)) continue;
      throw err;
    }
    items = items.filter(keeps(selector));
    if (items.length === 0) continue;
    const header = f.noHeader ? [] : headersOf(kind, f.allNamespaces);
    o.out(`${renderTable(header, rowsOf(kind, items, f.allNamespaces, true))}\n`);
  }
}

/** registerGetCommand adds `fluxts get <kind> [name]`, `get all`, `get sources all` and `get images all`. */
export function registerGetCommand(program: Command, o: Output = processOutput()): Command {
  const get = addGlobalFlags(program.command('get'))
    .description('Get the resources and their status')
    .option('-A, --all-namespaces', 'list the requested object(s) across all namespaces')
    .option('--no-header', 'skip the header when printing the results')
    .option('-w, --watch', 'after listing/getting the requested object, watch for changes')
    .option(
      '--status-selector <type=status>',
      'specify the status condition name and the desired state to filter the get result, e.g. ready=false or ready!=true',
    )
    .option('-l, --label-selector <selector>', 'filter objects by label selector')
    .addOption(
      new Option('-o, --output <format>', 'output format (fluxts extension)').choices(['table', 'yaml', 'json']),
    )
    .addHelpText(
      'after',
      `
Examples:
  # List all Flux objects in the flux-system namespace
  fluxts get all

  # List Kustomizations across all namespaces
  fluxts get kustomizations -A

  # Show one GitRepository and watch it change
  fluxts get sources git podinfo --watch

  # Only the HelmReleases that are not Ready
  fluxts get hr --status-selector ready=false`,
    );
  const groups = addKindCommands(get, { plural: true }, (cmd, kind) => {
    cmd
      .description(`Get ${kind.kind} statuses`)
      .argument('[name]', `the ${kind.kind} name`)
      .addHelpText('after', `\nExamples:\n  fluxts get ${kind.group ? `${kind.group}s ` : ''}${kind.getWord} -A\n`);
    if (kind.sourceOf) cmd.option('--show-source', `show the source reference for each ${kind.kind.toLowerCase()}`);
    cmd.action(clusterAction((name: string | undefined, _opts: unknown, c: Command) => getOne(c, kind, name, o)));
  });
  for (const [group, cmd] of groups) {
    // flux has `get sources all` and `get images all`, no `get artifacts all`.
    if (group === 'artifact') continue;
    cmd
      .command('all')
      .description(`Get all ${group} statuses`)
      .addHelpText('after', `\nExamples:\n  fluxts get ${group}s all -A\n`)
      .action(
        clusterAction((_opts: unknown, c: Command) =>
          getAll(
            c,
            CLI_KINDS.filter((k) => k.group === group && k.inGetAll !== false),
            o,
          ),
        ),
      );
  }
  get
    .command('all')
    .description('Get all Flux resources and their status')
    .addHelpText('after', '\nExamples:\n  fluxts get all -A\n')
    .action(
      clusterAction((_opts: unknown, c: Command) =>
        getAll(
          c,
          CLI_KINDS.filter((k) => k.inGetAll !== false),
          o,
        ),
      ),
    );
  return get;
}
