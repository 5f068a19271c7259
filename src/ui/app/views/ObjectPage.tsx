// The object page: state and actions, the graph, conditions, inventory with health, events, history, artifact
// and spec. It reloads its details whenever the live stream reports a change of this object.
import { useEffect, useState } from 'preact/hooks';

import { api, ApiError, objectPath, type ObjectDetails, type SessionInfo } from '../api.ts';
import { Badge, Notice, Section, Time } from '../common.tsx';
import type { LiveState } from '../live.ts';
import { objectHref } from '../router.ts';
import { Graph } from './Graph.tsx';
import { ReleaseHistory, ReleaseSummary, ValuesDiff } from './HelmRelease.tsx';

interface Props {
  live: LiveState;
  session: SessionInfo;
  cluster: string;
  kind: string;
  namespace: string;
  name: string;
}

function Actions({ d, path, session }: { d: ObjectDetails; path: string; session: SessionInfo }) {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | undefined>();
  const run = async (action: string): Promise<void> => {
    setBusy(true);
    setResult(undefined);
    try {
      const r = await api.action(path, action);
      setResult({ ok: true, text: r.message });
    } catch (err) {
      setResult({ ok: false, text: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  };
  const caps = d.capabilities;
  const disabled = busy || session.readOnly;
  return (
    <div class="actions">
      <div role="group" aria-label="Actions">
        {caps.reconcilable && (
          <button type="button" disabled={disabled || d.row.suspended} onClick={() => void run('reconcile')}>
            Reconcile
          </button>
        )}
        {caps.reconcilable && caps.source && (
          <button
            type="button"
            disabled={disabled || d.row.suspended}
            onClick={() => void run('reconcile-with-source')}
          >
            Reconcile with source
          </button>
        )}
        {caps.suspendable && !d.row.suspended && (
          <button type="button" disabled={disabled} onClick={() => void run('suspend')}>
            Suspend
          </button>
        )}
        {caps.suspendable && d.row.suspended && (
          <button type="button" disabled={disabled} onClick={() => void run('resume')}>
            Resume
          </button>
        )}
        {caps.diff && (
          <a class="button" href={objectHref(d.row.cluster, d.row.kind, d.row.namespace, d.row.name, true)}>
            Diff
          </a>
        )}
      </div>
      {session.readOnly && <p class="hint">Read-only: actions are disabled (--read-only).</p>}
      <p class={`action-result ${result ? (result.ok ? 'ok' : 'refused') : ''}`} role="status" aria-live="polite">
        {result?.text}
      </p>
    </div>
  );
}

const text = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

function History({ d }: { d: ObjectDetails }) {
  if (d.helm) return <ReleaseHistory helm={d.helm} />;
  if (d.history.length === 0) return <p>No history yet.</p>;
  if (d.capabilities.history === 'kustomization') {
    return (
      <table>
        <caption>Last reconciliations, newest first: the Git revision each applied</caption>
        <thead>
          <tr>
            <th scope="col">Revision</th>
            <th scope="col">Status</th>
            <th scope="col">Runs</th>
            <th scope="col">First</th>
            <th scope="col">Last</th>
            <th scope="col">Digest</th>
          </tr>
        </thead>
        <tbody>
          {d.history.map((h, i) => {
            const meta = (h['metadata'] ?? {}) as Record<string, string>;
            return (
              <tr key={i}>
                <td class="mono">{meta['revision'] ?? ''}</td>
                <td>{text(h['lastReconciledStatus'])}</td>
                <td>{text(h['totalReconciliations'])}</td>
                <td>
                  <Time at={text(h['firstReconciled'])} />
                </td>
                <td>
                  <Time at={text(h['lastReconciled'])} />
                </td>
                <td class="mono" title={text(h['digest'])}>
                  {text(h['digest']).slice(0, 19)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    );
  }
  return <pre class="yaml">{JSON.stringify(d.history, null, 2)}</pre>;
}

/** ObjectPage shows one Flux object. */
export function ObjectPage({ live, session, cluster, kind, namespace, name }: Props) {
  const path = objectPath(cluster, kind, namespace, name);
  const id = `${cluster}/${kind}/${namespace}/${name}`;
  const row = [...live.rows.values()].find((r) => r.id.toLowerCase() === id.toLowerCase());
  const [details, setDetails] = useState<ObjectDetails | undefined>();
  const [error, setError] = useState<string | undefined>();
  const rowKey = row ? `${row.state}|${row.message}|${row.revision}|${row.suspended}|${row.since}` : '';

  useEffect(() => {
    let cancelled = false;
    const timer = setTimeout(() => {
      api.object(path).then(
        (d) => {
          if (cancelled) return;
          setDetails(d);
          setError(undefined);
        },
        (err: unknown) => !cancelled && setError(err instanceof ApiError ? err.message : String(err)),
      );
    }, 150);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [path, rowKey]);

  useEffect(() => {
    document.title = `${kind} ${namespace}/${name} · fluxts`;
  }, [kind, namespace, name]);

  const d = details;
  return (
    <div>
      <nav aria-label="Breadcrumb" class="crumbs">
        <a href="/">Overview</a> › {cluster} › {kind} › {namespace}
      </nav>
      <h1>
        {kind}{' '}
        <span class="mono">
          {namespace}/{name}
        </span>{' '}
        {row && <Badge state={row.state} />}
      </h1>
      {error && <Notice kind="error">{error}</Notice>}
      {!d && !error && <p aria-busy="true">Loading…</p>}
      {d && (
        <>
          <p class="ready-message">
            {d.row.reason && <strong>{d.row.reason}: </strong>}
            {d.row.message}
          </p>
          <Actions d={d} path={path} session={session} />
          {d.helm && (
            <Section title="Release" id="release">
              <ReleaseSummary helm={d.helm} />
            </Section>
          )}
          <Section title="Graph" id="graph">
            <Graph graph={d.graph} cluster={cluster} />
          </Section>
          <Section title="Conditions" id="conditions">
            <table>
              <thead>
                <tr>
                  <th scope="col">Type</th>
                  <th scope="col">Status</th>
                  <th scope="col">Reason</th>
                  <th scope="col">Message</th>
                  <th scope="col">Since</th>
                </tr>
              </thead>
              <tbody>
                {d.conditions.map((c) => (
                  <tr key={c.type}>
                    <td>{c.type}</td>
                    <td>{c.status}</td>
                    <td>{c.reason}</td>
                    <td class="message">{c.message}</td>
                    <td>
                      <Time at={c.lastTransitionTime ?? ''} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <dl class="fields">
              {Object.entries(d.status).map(([k, v]) => (
                <div key={k}>
                  <dt>{k}</dt>
                  <dd class="mono">{typeof v === 'string' ? v : JSON.stringify(v)}</dd>
                </div>
              ))}
            </dl>
          </Section>
          {d.artifact && (
            <Section title="Artifact" id="artifact">
              <dl class="fields">
                <div>
                  <dt>Revision</dt>
                  <dd class="mono">{d.artifact.revision}</dd>
                </div>
                <div>
                  <dt>Digest</dt>
                  <dd class="mono">{d.artifact.digest}</dd>
                </div>
                {d.artifact.size !== undefined && (
                  <div>
                    <dt>Size</dt>
                    <dd>{d.artifact.size.toLocaleString()} bytes</dd>
                  </div>
                )}
                <div>
                  <dt>Updated</dt>
                  <dd>
                    <Time at={d.artifact.lastUpdateTime} />
                  </dd>
                </div>
              </dl>
            </Section>
          )}
          {d.capabilities.inventory && (
            <Section title={`Inventory (${d.inventory.length})`} id="inventory">
              <table class="inventory">
                <thead>
                  <tr>
                    <th scope="col">Kind</th>
                    <th scope="col">Namespace</th>
                    <th scope="col">Name</th>
                    <th scope="col">Health</th>
                    <th scope="col">Message</th>
                  </tr>
                </thead>
                <tbody>
                  {[...d.inventory]
                    .sort(
                      (a, b) =>
                        a.kind.localeCompare(b.kind) ||
                        a.namespace.localeCompare(b.namespace) ||
                        a.name.localeCompare(b.name),
                    )
                    .map((i) => (
                      <tr
                        key={`${i.kind}/${i.namespace}/${i.name}`}
                        data-inventory={`${i.kind}/${i.namespace}/${i.name}`}
                        data-health={i.health}
                      >
                        <td>{i.kind}</td>
                        <td>{i.namespace}</td>
                        <td>{i.name}</td>
                        <td>
                          <Badge state={i.health} />
                        </td>
                        <td class="message">{i.message}</td>
                      </tr>
                    ))}
                </tbody>
              </table>
            </Section>
          )}
          <Section title="Events" id="events">
            {d.eventsError && <Notice kind="warn">Events could not be read: {d.eventsError}</Notice>}
            {d.events.length === 0 ? (
              <p>No events.</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Type</th>
                    <th scope="col">Reason</th>
                    <th scope="col">Message</th>
                  </tr>
                </thead>
                <tbody>
                  {d.events.map((e, i) => (
                    <tr key={i} class={e.type === 'Warning' ? 'warning' : ''}>
                      <td>
                        <Time at={e.time} />
                      </td>
                      <td>{e.type}</td>
                      <td>{e.reason}</td>
                      <td class="message">{e.message}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Section>
          {d.capabilities.history && (
            <Section title="History" id="history">
              <History d={d} />
            </Section>
          )}
          {d.helm && (
            <Section title="Values diff" id="values">
              <ValuesDiff path={path} revision={d.helm.history[0]?.version ?? 0} />
            </Section>
          )}
          <Section title="Spec" id="spec">
            <pre class="yaml" tabIndex={0} aria-label="Spec as YAML">
              {d.yaml}
            </pre>
          </Section>
        </>
      )}
    </div>
  );
}
