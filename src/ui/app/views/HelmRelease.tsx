// The HelmRelease sections of the object page: the release summary (chart, source, release, the Helm
// conditions) and status.history as a table of snapshots, newest first.
import { useEffect, useState } from 'preact/hooks';

import { api, type HelmReleaseView, type ValuesView } from '../api.ts';
import { Badge, Notice, Time } from '../common.tsx';
import { Unified } from './DiffPage.tsx';

/** conditionState maps a condition to a badge state: True is good, False is bad (Remediated=True is a warning). */
function conditionState(type: string, status: string): string {
  if (status === 'Unknown') return 'unknown';
  if (type === 'Remediated') return status === 'True' ? 'failed' : 'ready';
  return status === 'True' ? 'ready' : 'failed';
}

/** ReleaseSummary names the chart, its source and the Helm release, and shows the Helm conditions. */
export function ReleaseSummary({ helm }: { helm: HelmReleaseView }) {
  return (
    <>
      <dl class="fields">
        <div>
          <dt>Chart</dt>
          <dd class="mono" data-field="chart">
            {helm.chart ? `${helm.chart} ${helm.version}` : '(from the source artifact)'}
          </dd>
        </div>
        <div>
          <dt>Source</dt>
          <dd class="mono" data-field="source">
            {helm.source}
          </dd>
        </div>
        {helm.helmChart && (
          <div>
            <dt>HelmChart</dt>
            <dd class="mono">{helm.helmChart}</dd>
          </div>
        )}
        <div>
          <dt>Release</dt>
          <dd class="mono" data-field="release">
            {helm.release}
          </dd>
        </div>
        {helm.deployed && (
          <div>
            <dt>Latest revision</dt>
            <dd class="mono" data-field="deployed">
              chart {helm.deployed.chartVersion}
              {helm.deployed.appVersion && `, app ${helm.deployed.appVersion}`} ({helm.deployed.status})
            </dd>
          </div>
        )}
      </dl>
      {helm.conditions.length > 0 && (
        <ul class="release-conditions" aria-label="Helm conditions">
          {helm.conditions.map((c) => (
            <li key={c.type} data-condition={c.type} data-status={c.status}>
              <strong>{c.type}</strong> <Badge state={conditionState(c.type, c.status)} /> {c.reason}
              {c.message && <span class="message"> — {c.message}</span>}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** ReleaseHistory is status.history: one row per release revision the controller keeps, newest first. */
export function ReleaseHistory({ helm }: { helm: HelmReleaseView }) {
  if (helm.history.length === 0) return <p>No release yet.</p>;
  return (
    <table class="release-history">
      <caption>Release revisions, newest first</caption>
      <thead>
        <tr>
          <th scope="col">Revision</th>
          <th scope="col">Status</th>
          <th scope="col">Chart</th>
          <th scope="col">App version</th>
          <th scope="col">Deployed</th>
          <th scope="col">Tests</th>
          <th scope="col">Config digest</th>
        </tr>
      </thead>
      <tbody>
        {helm.history.map((s) => (
          <tr key={s.version} data-revision={s.version}>
            <td>{s.version}</td>
            <td>{s.status}</td>
            <td class="mono">
              {s.chartName}@{s.chartVersion}
            </td>
            <td class="mono">{s.appVersion}</td>
            <td>
              <Time at={s.lastDeployed} />
            </td>
            <td>{s.tests.map((t) => `${t.name}: ${t.phase || 'not run'}`).join(', ')}</td>
            <td class="mono" title={s.configDigest}>
              {s.configDigest.slice(0, 19)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * ValuesDiff compares the values of two stored revisions (by default the previous one and the newest): the
 * release records' user-supplied values, with what came from valuesFrom Secrets masked by the server.
 */
export function ValuesDiff({ path, revision }: { path: string; revision: number }) {
  const [view, setView] = useState<ValuesView | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [from, setFrom] = useState<number | undefined>();
  const [to, setTo] = useState<number | undefined>();
  useEffect(() => {
    let cancelled = false;
    api.values(path).then(
      (v) => {
        if (cancelled) return;
        setView(v);
        setError(undefined);
        setTo(v.revisions[0]?.version);
        setFrom(v.revisions[1]?.version ?? v.revisions[0]?.version);
      },
      (err: unknown) => !cancelled && setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      cancelled = true;
    };
  }, [path, revision]);
  if (error) return <Notice kind="error">Values could not be read: {error}</Notice>;
  if (!view) return <p aria-busy="true">Loading…</p>;
  if (view.revisions.length === 0) return <p>No stored revision.</p>;
  const values = (v: number | undefined): string => view.revisions.find((r) => r.version === v)?.values ?? '';
  const picker = (label: string, value: number | undefined, set: (v: number) => void) => (
    <label>
      {label}{' '}
      <select
        aria-label={`${label} revision`}
        value={String(value)}
        onChange={(e) => set(Number((e.target as HTMLSelectElement).value))}
      >
        {view.revisions.map((r) => (
          <option key={r.version} value={String(r.version)}>
            revision {r.version} ({r.status})
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <div class="values-diff" data-from={from} data-to={to}>
      <div class="pickers">
        {picker('From', from, setFrom)} {picker('To', to, setTo)}
      </div>
      {view.masked.length > 0 && <p class="hint">Values from Secrets are shown as *** ({view.masked.join(', ')}).</p>}
      {values(from) === values(to) ? (
        <p>The values are the same.</p>
      ) : (
        <Unified before={values(from)} after={values(to)} />
      )}
    </div>
  );
}
