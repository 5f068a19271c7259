import type { Command } from 'commander';

import { isNotFound, type KubeClient, type KubeObject } from '../../kube/index.ts';
import { addGlobalFlags, clusterAction, connect, globalFlags } from '../shared/connect.ts';
import { CliInputError } from '../shared/errors.ts';
import { renderTable } from '../shared/table.ts';
import { type Output, processOutput } from '../shared/terminal.ts';

/** KubeEvent is the part of a core/v1 Event the command prints. */
interface KubeEvent extends KubeObject {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string;
  involvedObject?: { kind?: string; name?: string; namespace?: string; apiVersion?: string };
}

const EVENT_TYPE = { apiVersion: 'v1', kind: 'Event' };

/** humanDuration renders an age as kubectl does (apimachinery's HumanDuration): 45s, 2m3s, 10m, 5h2m, 3d4h, 2y. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.floor(days / 365);
  if (hours < 24 * 365 * 8) return days % 365 === 0 ? `${years}y` : `${years}y${days % 365}d`;
  return `${years}y`;
}

const lastSeenAt = (e: KubeEvent): number =>
  Date.parse(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp ?? '') || 0;

function lastSeen(e: KubeEvent, now: number): string {
  const seen = humanDuration(now - lastSeenAt(e));
  if ((e.count ?? 1) > 1 && e.firstTimestamp) {
    return `${seen} (x${e.count} over ${humanDuration(now - Date.parse(e.firstTimestamp))})`;
  }
  return seen;
}

/** eventRow is one line: LAST SEEN, TYPE, REASON, OBJECT (Kind/name), MESSAGE, with NAMESPACE first on -A. */
export function eventRow(e: KubeEvent, allNamespaces: boolean, now = Date.now()): string[] {
  const obj = `${e.involvedObject?.kind ?? ''}/${e.involvedObject?.name ?? ''}`;
  const row = [lastSeen(e, now), e.type ?? '', e.reason ?? '', obj, (e.message ?? '').trim()];
  return allNamespaces ? [e.metadata.namespace ?? '', ...row] : row;
}

const HEADERS = ['Last seen', 'Type', 'Reason', 'Object', 'Message'];

interface EventsFlags {
  allNamespaces?: boolean;
  watch?: boolean;
  for?: string;
  types?: string;
}

/**
 * RELATED is flux's table of the objects whose events `--for Kind/name` shows too: where the object's spec points
 * (its source, an Alert's Provider, an ImagePolicy's repository) and, for a HelmRelease, its generated HelmChart.
 */
const RELATED: Record<string, { apiVersion: string; field: string[]; kind?: string; crossNamespace: boolean }> = {
  Kustomization: { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', field: ['spec', 'sourceRef'], crossNamespace: true },
  HelmRelease: {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    field: ['spec', 'chart', 'spec', 'sourceRef'],
    crossNamespace: true,
  },
  Alert: {
    apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
    field: ['spec', 'providerRef'],
    kind: 'Provider',
    crossNamespace: false,
  },
  ImagePolicy: {
    apiVersion: 'image.toolkit.fluxcd.io/v1',
    field: ['spec', 'imageRepositoryRef'],
    kind: 'ImageRepository',
    crossNamespace: true,
  },
  HelmChart: { apiVersion: 'source.toolkit.fluxcd.io/v1', field: ['spec', 'sourceRef'], crossNamespace: true },
};

/** FLUX_KINDS are the kinds whose events the command shows (flux's fluxKindMap). */
const FLUX_KINDS = [
  ...Object.keys(RELATED),
  'Receiver',
  'Provider',
  'GitRepository',
  'OCIRepository',
  'Bucket',
  'HelmRepository',
  'ImageUpdateAutomation',
  'ImageRepository',
  'ExternalArtifact',
  'ArtifactGenerator',
];

interface Selection {
  namespace: string | undefined;
  selector: string;
}

function kindSelector(kind: string, name: string | undefined): string {
  return name ? `involvedObject.kind=${kind},involvedObject.name=${name}` : `involvedObject.kind=${kind}`;
}

/** parseFor reads `--for Kind[/name]` as flux does: the kind case-insensitively, the name optional. */
export function parseFor(forFlag: string): { kind: string; name: string | undefined } {
  const [kindText = '', name, ...rest] = forFlag.split('/');
  if (kindText === '' || rest.length > 0 || name === '') {
    throw new CliInputError('--for selector must be of format <kind>[/<name>]');
  }
  const kind = FLUX_KINDS.find((k) => k.toLowerCase() === kindText.toLowerCase());
  if (!kind) throw new CliInputError(`'${kindText}' is not a recognized Flux kind`);
  return { kind, name };
}

/** relatedSelections are the selections of the objects `Kind/name` refers to (an Alert's Provider, a source). */
async function relatedSelections(client: KubeClient, kind: string, name: string, ns: string): Promise<Selection[]> {
  const related = RELATED[kind];
  if (!related) return [];
  let obj;
  try {
    obj = await client.get({ apiVersion: related.apiVersion, kind }, { namespace: ns, name });
  } catch (err) {
    // A deleted object still has events worth showing (flux fails here; its own events are what is asked for).
    if (isNotFound(err)) return [];
    throw err;
  }
  let ref: unknown = obj;
  for (const key of related.field) ref = (ref as Record<string, unknown> | undefined)?.[key];
  const r = (ref ?? {}) as { kind?: string; name?: string; namespace?: string };
  const refKind = related.kind ?? r.kind;
  if (!refKind || !r.name) return [];
  const refNs = related.crossNamespace && r.namespace ? r.namespace : ns;
  const out = [{ namespace: refNs, selector: kindSelector(refKind, r.name) }];
  if (kind === 'HelmRelease') out.push({ namespace: refNs, selector: kindSelector('HelmChart', `${ns}-${name}`) });
  return out;
}

function isFluxEvent(e: KubeEvent): boolean {
  return FLUX_KINDS.includes(e.involvedObject?.kind ?? '');
}

async function listSelection(client: KubeClient, sel: { namespace: string | undefined; selector?: string }) {
  return client.listAll<KubeEvent>(EVENT_TYPE, {
    ...(sel.namespace ? { namespace: sel.namespace } : {}),
    ...(sel.selector ? { fieldSelector: sel.selector } : {}),
  });
}

async function listEvents(
  client: KubeClient,
  ns: string | undefined,
  selector: string | undefined,
  related: Selection[],
  types: string[],
) {
  const lists = await Promise.all([
    listSelection(client, { namespace: ns, ...(selector ? { selector } : {}) }),
    ...related.map((r) => listSelection(client, r)),
  ]);
  const items = lists
    .flatMap((l) => l.items)
    .filter(isFluxEvent)
    .filter((e) => types.length === 0 || types.some((t) => t.toLowerCase() === (e.type ?? '').toLowerCase()))
    .sort((a, b) => lastSeenAt(a) - lastSeenAt(b));
  return { items, resourceVersion: lists[0]?.metadata.resourceVersion };
}

/** registerEventsCommand adds `fluxts events [--for Kind/name] [-A] [--watch]`. */
export function registerEventsCommand(program: Command, o: Output = processOutput()): Command {
  return addGlobalFlags(program.command('events'))
    .description('Display the Kubernetes events of Flux resources')
    .option('-A, --all-namespaces', 'display events from Flux resources across all namespaces')
    .option('-w, --watch', 'after listing the events, watch for new ones')
    .option(
      '--for <Kind[/name]>',
      'only the events of this kind or object (and of what it refers to), e.g. Alert/slack',
    )
    .option('--types <types>', 'only events of these types, comma-separated (Normal,Warning)')
    .addHelpText(
      'after',
      `
Examples:
  # Events of the Flux objects in the flux-system namespace
  fluxts events

  # Events of one Kustomization, then keep watching
  fluxts events --for Kustomization/podinfo --watch

  # Warnings across all namespaces
  fluxts events -A --types Warning`,
    )
    .action(
      clusterAction(async (opts: EventsFlags, c: Command) => {
        const g = globalFlags(c);
        const types = (opts.types ?? '').split(',').filter((t) => t !== '');
        for (const t of types) {
          if (!['normal', 'warning'].includes(t.toLowerCase())) {
            throw new CliInputError(`type '${t}' not supported. Supported types are Normal, Warning`);
          }
        }
        const target = opts.for === undefined ? undefined : parseFor(opts.for);
        const selector = target ? kindSelector(target.kind, target.name) : undefined;
        const client = connect(g);
        const ns = opts.allNamespaces ? undefined : g.namespace;
        const related = target?.name ? await relatedSelections(client, target.kind, target.name, g.namespace) : [];
        // Events of objects in another namespace (a cross-namespace source) need the namespace column.
        const all = opts.allNamespaces === true || related.some((r) => r.namespace !== g.namespace);
        const { items, resourceVersion } = await listEvents(client, ns, selector, related, types);
        if (items.length > 0 || !opts.watch) {
          if (items.length === 0) {
            o.err(opts.allNamespaces ? '✗ No events found.\n' : `✗ No events found in ${g.namespace} namespace.\n`);
            return;
          }
          const now = Date.now();
          o.out(
            renderTable(
              all ? ['Namespace', ...HEADERS] : HEADERS,
              items.map((e) => eventRow(e, all, now)),
            ),
          );
        }
        if (!opts.watch) return;
        const signal = AbortSignal.timeout(g.timeoutMs);
        const stream = await client.watch<KubeEvent>(EVENT_TYPE, {
          ...(ns ? { namespace: ns } : {}),
          ...(selector ? { fieldSelector: selector } : {}),
          // From the list's version: only events newer than the table already printed.
          ...(resourceVersion ? { resourceVersion } : {}),
          signal,
        });
        try {
          for await (const ev of stream) {
            if (ev.type !== 'ADDED' && ev.type !== 'MODIFIED') continue;
            const e = ev.object;
            const typed = types.length === 0 || types.some((t) => t.toLowerCase() === (e.type ?? '').toLowerCase());
            if (!isFluxEvent(e) || !typed) continue;
            o.out(renderTable([], [eventRow(e, all)]));
          }
        } catch (err) {
          if (!signal.aborted) throw err;
        }
      }),
    );
}
