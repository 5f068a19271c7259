import type { Command } from 'commander';

import type { KubeClient, KubeObject } from '../../kube/index.ts';
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

function selectorFor(forFlag: string | undefined): string | undefined {
  if (forFlag === undefined) return undefined;
  const [kind, name, ...rest] = forFlag.split('/');
  if (!kind || !name || rest.length > 0) {
    throw new CliInputError(`--for "${forFlag}" is not Kind/name`, { hint: 'e.g. --for Kustomization/podinfo' });
  }
  return `involvedObject.kind=${kind},involvedObject.name=${name}`;
}

function isFluxEvent(e: KubeEvent): boolean {
  return (e.involvedObject?.apiVersion ?? '').includes('toolkit.fluxcd.io');
}

async function listEvents(client: KubeClient, ns: string | undefined, selector: string | undefined, types: string[]) {
  const list = await client.listAll<KubeEvent>(EVENT_TYPE, {
    ...(ns ? { namespace: ns } : {}),
    ...(selector ? { fieldSelector: selector } : {}),
  });
  const items = list.items
    .filter((e) => (selector ? true : isFluxEvent(e)))
    .filter((e) => types.length === 0 || types.includes(e.type ?? ''))
    .sort((a, b) => lastSeenAt(a) - lastSeenAt(b));
  return { items, resourceVersion: list.metadata.resourceVersion };
}

/** registerEventsCommand adds `fluxts events [--for Kind/name] [-A] [--watch]`. */
export function registerEventsCommand(program: Command, o: Output = processOutput()): Command {
  return addGlobalFlags(program.command('events'))
    .description('Display the Kubernetes events of Flux resources')
    .option('-A, --all-namespaces', 'display events from Flux resources across all namespaces')
    .option('-w, --watch', 'after listing the events, watch for new ones')
    .option('--for <Kind/name>', 'only the events of this object, e.g. Kustomization/podinfo')
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
        const selector = selectorFor(opts.for);
        const types = (opts.types ?? '').split(',').filter((t) => t !== '');
        const client = connect(g);
        const ns = opts.allNamespaces ? undefined : g.namespace;
        const all = opts.allNamespaces === true;
        const { items, resourceVersion } = await listEvents(client, ns, selector, types);
        if (items.length > 0 || !opts.watch) {
          if (items.length === 0) {
            o.err('No events found.\n');
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
            if ((!selector && !isFluxEvent(e)) || (types.length > 0 && !types.includes(e.type ?? ''))) continue;
            o.out(renderTable([], [eventRow(e, all)]));
          }
        } catch (err) {
          if (!signal.aborted) throw err;
        }
      }),
    );
}
