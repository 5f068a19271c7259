// The overview: every Flux object of every cluster, what needs attention (stalled, failed) first, then one table
// per kind; counts per state; filters by cluster, kind, namespace, state and text, kept in the URL.
import { memo } from 'preact/compat';
import { useMemo } from 'preact/hooks';

import type { Row } from '../api.ts';
import { Badge, Notice, shortRevision, Time } from '../common.tsx';
import type { LiveState } from '../live.ts';
import { navigate, objectHref } from '../router.ts';

const STATES = ['stalled', 'failed', 'progressing', 'unknown', 'suspended', 'ready', 'static'] as const;
const ATTENTION = new Set(['stalled', 'failed']);
/** ROWS_PER_GROUP caps each table until "show all" (keeps the page responsive with thousands of objects). */
const ROWS_PER_GROUP = 200;

interface Filters {
  cluster: string;
  kind: string;
  namespace: string;
  state: string;
  q: string;
  all: boolean;
}

function filtersOf(query: URLSearchParams): Filters {
  return {
    cluster: query.get('cluster') ?? '',
    kind: query.get('kind') ?? '',
    namespace: query.get('namespace') ?? '',
    state: query.get('state') ?? '',
    q: query.get('q') ?? '',
    all: query.get('all') === '1',
  };
}

function setFilter(f: Filters, key: keyof Filters, value: string | boolean): void {
  const next = { ...f, [key]: value };
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(next)) if (v) q.set(k, v === true ? '1' : String(v));
  const s = q.toString();
  navigate(s ? `/?${s}` : '/', true);
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byName = (a: Row, b: Row): number =>
  cmp(a.namespace, b.namespace) || cmp(a.name, b.name) || cmp(a.cluster, b.cluster);

function matches(r: Row, f: Filters): boolean {
  if (f.cluster && r.cluster !== f.cluster) return false;
  if (f.kind && r.kind !== f.kind) return false;
  if (f.namespace && r.namespace !== f.namespace) return false;
  if (f.state && r.state !== f.state) return false;
  if (f.q) {
    const text = `${r.kind} ${r.namespace} ${r.name} ${r.reason} ${r.message} ${r.revision}`.toLowerCase();
    if (
      !f.q
        .toLowerCase()
        .split(/\s+/)
        .every((w) => text.includes(w))
    )
      return false;
  }
  return true;
}

const RowView = memo(function RowView({ r, showCluster }: { r: Row; showCluster: boolean }) {
  return (
    <tr data-id={r.id} data-state={r.state}>
      {showCluster && <td>{r.cluster}</td>}
      <td>{r.kind}</td>
      <td>{r.namespace}</td>
      <td>
        <a href={objectHref(r.cluster, r.kind, r.namespace, r.name)}>{r.name}</a>
      </td>
      <td>
        <Badge state={r.state} />
        {r.suspended && r.state !== 'suspended' && <span class="tag">suspended</span>}
      </td>
      <td class="message">
        {r.reason && <strong>{r.reason}: </strong>}
        {r.message}
      </td>
      <td class="mono" title={r.revision}>
        {shortRevision(r.revision)}
      </td>
      <td>
        <Time at={r.since || r.created} />
      </td>
    </tr>
  );
});

function Table({
  rows,
  showCluster,
  caption,
  all,
  onAll,
}: {
  rows: Row[];
  showCluster: boolean;
  caption: string;
  all: boolean;
  onAll: () => void;
}) {
  const shown = all ? rows : rows.slice(0, ROWS_PER_GROUP);
  return (
    <div class="table-wrap">
      <table class="rows">
        <caption>{caption}</caption>
        <colgroup>
          {showCluster && <col class="c-cluster" />}
          <col class="c-kind" />
          <col class="c-namespace" />
          <col class="c-name" />
          <col class="c-state" />
          <col class="c-message" />
          <col class="c-revision" />
          <col class="c-age" />
        </colgroup>
        <thead>
          <tr>
            {showCluster && <th scope="col">Cluster</th>}
            <th scope="col">Kind</th>
            <th scope="col">Namespace</th>
            <th scope="col">Name</th>
            <th scope="col">State</th>
            <th scope="col">Message</th>
            <th scope="col">Revision</th>
            <th scope="col">Age</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <RowView key={r.id} r={r} showCluster={showCluster} />
          ))}
        </tbody>
      </table>
      {shown.length < rows.length && (
        <p class="more">
          {rows.length - shown.length} more not shown. Narrow the filters or{' '}
          <button type="button" class="link" onClick={onAll}>
            show all
          </button>
          .
        </p>
      )}
    </div>
  );
}

/** Overview is the landing view. */
export function Overview({ live, query }: { live: LiveState; query: URLSearchParams }) {
  const f = filtersOf(query);
  const all = useMemo(() => [...live.rows.values()], [live.version]);
  const showCluster = live.clusters.length > 1;
  const options = useMemo(() => {
    const uniq = (pick: (r: Row) => string): string[] => [...new Set(all.map(pick))].sort();
    return { clusters: uniq((r) => r.cluster), kinds: uniq((r) => r.kind), namespaces: uniq((r) => r.namespace) };
  }, [all]);
  const filtered = useMemo(
    () => all.filter((r) => matches(r, { ...f, state: '' })),
    [all, f.cluster, f.kind, f.namespace, f.q],
  );
  const counts = useMemo(() => {
    const c = new Map<string, number>();
    for (const r of filtered) c.set(r.state, (c.get(r.state) ?? 0) + 1);
    return c;
  }, [filtered]);
  // Grouped and sorted once per change (not per render), with plain comparisons: with thousands of rows,
  // localeCompare and copying a group's array per row were what made a frame slow.
  const { attention, groups } = useMemo(() => {
    const visible = f.state ? filtered.filter((r) => r.state === f.state) : filtered;
    const attention: Row[] = [];
    const groups = new Map<string, Row[]>();
    for (const r of visible) {
      if (ATTENTION.has(r.state)) attention.push(r);
      else {
        let g = groups.get(r.kind);
        if (!g) groups.set(r.kind, (g = []));
        g.push(r);
      }
    }
    attention.sort((a, b) => cmp(a.kind, b.kind) || byName(a, b));
    for (const g of groups.values()) g.sort(byName);
    return { attention, groups };
  }, [filtered, f.state]);
  const down = live.clusters.filter((c) => !c.reachable);

  return (
    <div>
      <h1>Overview</h1>
      {!live.connected && live.loaded && (
        <Notice kind="warn">Live updates are interrupted; reconnecting. The table shows the last known state.</Notice>
      )}
      {down.map((c) => (
        <Notice key={c.name} kind="error">
          Cluster <strong>{c.name}</strong> is unreachable: {c.error}. Its objects show their last known state.
        </Notice>
      ))}
      <div class="counts" role="group" aria-label="Objects per state (select to filter)">
        <button type="button" aria-pressed={f.state === ''} onClick={() => setFilter(f, 'state', '')}>
          all <span class="count">{filtered.length}</span>
        </button>
        {STATES.filter((s) => counts.get(s)).map((s) => (
          <button
            type="button"
            key={s}
            aria-pressed={f.state === s}
            data-count-state={s}
            onClick={() => setFilter(f, 'state', f.state === s ? '' : s)}
          >
            <Badge state={s} /> <span class="count">{counts.get(s)}</span>
          </button>
        ))}
      </div>
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Search
          <input
            type="search"
            aria-label="Search"
            value={f.q}
            placeholder="name, message, revision…"
            onInput={(e) => setFilter(f, 'q', e.currentTarget.value)}
          />
        </label>
        {showCluster && (
          <label>
            Cluster
            <select
              aria-label="Cluster"
              value={f.cluster}
              onChange={(e) => setFilter(f, 'cluster', e.currentTarget.value)}
            >
              <option value="">all</option>
              {options.clusters.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </label>
        )}
        <label>
          Kind
          <select aria-label="Kind" value={f.kind} onChange={(e) => setFilter(f, 'kind', e.currentTarget.value)}>
            <option value="">all</option>
            {options.kinds.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </label>
        <label>
          Namespace
          <select
            aria-label="Namespace"
            value={f.namespace}
            onChange={(e) => setFilter(f, 'namespace', e.currentTarget.value)}
          >
            <option value="">all</option>
            {options.namespaces.map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </label>
        <label>
          State
          <select aria-label="State" value={f.state} onChange={(e) => setFilter(f, 'state', e.currentTarget.value)}>
            <option value="">all</option>
            {STATES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
      </form>
      {!live.loaded && <p aria-busy="true">Loading…</p>}
      {live.loaded && attention.length === 0 && groups.size === 0 && <p>No Flux objects match.</p>}
      {attention.length > 0 && (
        <section aria-labelledby="attention-title" class="attention">
          <h2 id="attention-title">Needs attention ({attention.length})</h2>
          <Table
            rows={attention}
            showCluster={showCluster}
            caption="Stalled and failing objects"
            all={f.all}
            onAll={() => setFilter(f, 'all', true)}
          />
        </section>
      )}
      {[...groups].map(([kind, rows]) => (
        <section key={kind} aria-labelledby={`group-${kind}`}>
          <h2 id={`group-${kind}`}>
            {kind} <span class="count">{rows.length}</span>
          </h2>
          <Table
            rows={rows}
            showCluster={showCluster}
            caption={`${kind} objects`}
            all={f.all}
            onAll={() => setFilter(f, 'all', true)}
          />
        </section>
      ))}
    </div>
  );
}
