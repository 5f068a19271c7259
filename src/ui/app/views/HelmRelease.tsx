// The HelmRelease sections of the object page: the release summary (chart, source, release, the Helm
// conditions) and status.history as a table of snapshots, newest first.
import type { HelmReleaseView } from '../api.ts';
import { Badge, Time } from '../common.tsx';

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
