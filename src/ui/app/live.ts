// The live overview state shared by every view: rows by id and cluster health, kept current by the stream and
// re-rendered at most once per animation frame however many changes arrive.
import { useEffect, useState } from 'preact/hooks';

import { type Change, type ClusterHealth, openStream, type Row, type Snapshot } from './api.ts';

/** LiveState is what views read. */
export interface LiveState {
  rows: Map<string, Row>;
  clusters: ClusterHealth[];
  connected: boolean;
  loaded: boolean;
  /** version grows with every applied change (memo key). */
  version: number;
  /** updated is when the last change arrived (ms since epoch). */
  updated: number;
}

const state: LiveState = { rows: new Map(), clusters: [], connected: false, loaded: false, version: 0, updated: 0 };
const listeners = new Set<(s: LiveState) => void>();
let frame = 0;
let close: (() => void) | undefined;

function publish(): void {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    const snapshot = { ...state };
    for (const l of listeners) l(snapshot);
  });
}

function applySnapshot(s: Snapshot): void {
  state.rows = new Map(s.rows.map((r) => [r.id, r]));
  state.clusters = s.clusters;
  state.loaded = true;
  state.version++;
  state.updated = Date.now();
  publish();
}

function applyChange(c: Change): void {
  const rows = new Map(state.rows);
  for (const id of c.deletes) rows.delete(id);
  for (const r of c.upserts) rows.set(r.id, r);
  state.rows = rows;
  if (c.clusters) state.clusters = c.clusters;
  state.version++;
  state.updated = Date.now();
  publish();
}

/** startLive opens the stream once for the page. */
export function startLive(): void {
  close ??= openStream({
    snapshot: applySnapshot,
    change: applyChange,
    onState(connected) {
      state.connected = connected;
      publish();
    },
  });
}

/** useLive re-renders the component with the live state. */
export function useLive(): LiveState {
  const [s, set] = useState<LiveState>({ ...state });
  useEffect(() => {
    listeners.add(set);
    set({ ...state });
    return () => void listeners.delete(set);
  }, []);
  return s;
}
