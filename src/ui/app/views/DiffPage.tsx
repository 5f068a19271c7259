// The diff view: what the next apply of a Kustomization would change, object by object (the server's dry-run of
// its current artifact), as unified YAML diffs. Secret values arrive masked; so they show.
import { useEffect, useState } from 'preact/hooks';

import { api, ApiError, type DiffView, objectPath } from '../api.ts';
import { Notice } from '../common.tsx';
import { lineDiff } from '../linediff.ts';
import { objectHref } from '../router.ts';

interface Props {
  cluster: string;
  kind: string;
  namespace: string;
  name: string;
}

/** Unified renders a line diff of two texts. */
export function Unified({ before, after }: { before: string; after: string }) {
  const lines = lineDiff(before, after);
  return (
    <pre class="diff" tabIndex={0} aria-label="Changes, lines starting with minus are removed, plus are added">
      {lines.map((l, i) => (
        <span key={i} class={l.op === '+' ? 'add' : l.op === '-' ? 'del' : l.op === '…' ? 'gap' : ''}>
          {l.op === '…' ? '…' : `${l.op} ${l.text}`}
        </span>
      ))}
    </pre>
  );
}

/** DiffPage shows the pending changes of a Kustomization. */
export function DiffPage({ cluster, kind, namespace, name }: Props) {
  const [view, setView] = useState<DiffView | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [loading, setLoading] = useState(true);
  const load = (): void => {
    setLoading(true);
    api.diff(objectPath(cluster, kind, namespace, name)).then(
      (v) => {
        setView(v);
        setError(undefined);
        setLoading(false);
      },
      (err: unknown) => {
        setError(err instanceof ApiError ? err.message : String(err));
        setLoading(false);
      },
    );
  };
  useEffect(load, [cluster, kind, namespace, name]);
  useEffect(() => {
    document.title = `Diff ${kind} ${namespace}/${name} · fluxts`;
  }, [kind, namespace, name]);

  return (
    <div>
      <nav aria-label="Breadcrumb" class="crumbs">
        <a href="/">Overview</a> ›{' '}
        <a href={objectHref(cluster, kind, namespace, name)}>{`${kind} ${namespace}/${name}`}</a> › diff
      </nav>
      <h1>
        Diff of {kind}{' '}
        <span class="mono">
          {namespace}/{name}
        </span>
      </h1>
      <p>
        What the next apply would change: the source's current artifact, built and dry-run against the cluster.{' '}
        <button type="button" onClick={load} disabled={loading}>
          Refresh
        </button>
      </p>
      {loading && <p aria-busy="true">Building and dry-running…</p>}
      {error && <Notice kind="error">{error}</Notice>}
      {view && !loading && (
        <>
          <p>
            Revision <span class="mono">{view.revision}</span> of {view.source}: {view.items.length} change
            {view.items.length === 1 ? '' : 's'}, {view.unchanged} unchanged.
          </p>
          {view.items.length === 0 && <Notice kind="info">No changes: the cluster matches the source.</Notice>}
          {view.items.map((item) => (
            <section
              key={item.subject}
              class={`diff-item ${item.action}`}
              aria-label={`${item.subject} ${item.action}`}
              data-subject={item.subject}
            >
              <h2>
                <span class={`tag ${item.action}`}>{item.action}</span> <span class="mono">{item.subject}</span>
              </h2>
              {item.note && <p>{item.note}</p>}
              {item.before !== undefined && item.after !== undefined && (
                <Unified before={item.before} after={item.after} />
              )}
              {item.before === undefined && item.after !== undefined && <Unified before="" after={item.after} />}
            </section>
          ))}
        </>
      )}
    </div>
  );
}
