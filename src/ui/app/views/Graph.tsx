// The graph around an object, laid out by dagre (left to right: what uses → the object → what it applied) and
// drawn as SVG. Flux objects are links to their own page; every node says its health in words (title) as well
// as in colour, and the whole graph has a text equivalent in the inventory and relations tables.
import { layout as dagreLayout } from '@dagrejs/dagre';
import { Graph as DagreGraph } from '@dagrejs/graphlib';
import { useMemo } from 'preact/hooks';

import type { ObjectDetails } from '../api.ts';
import { healthClass } from '../common.tsx';
import { objectHref } from '../router.ts';

type GraphData = ObjectDetails['graph'];

// dagre's declarations re-export graphlib's Graph through a generic alias that type-aware lint cannot resolve; the
// call is typed here once against graphlib's own Graph.
const layout = dagreLayout as unknown as (g: DagreGraph) => void;

const CHAR_W = 7.2;
const NODE_H = 44;

interface Placed {
  id: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Graph draws the object's neighbourhood. */
export function Graph({ graph, cluster }: { graph: GraphData; cluster: string }) {
  const placed = useMemo(() => {
    const g = new DagreGraph();
    g.setGraph({ rankdir: 'LR', nodesep: 12, ranksep: 60, marginx: 8, marginy: 8 });
    g.setDefaultEdgeLabel(() => ({}));
    for (const n of graph.nodes) {
      const w = Math.max(n.kind.length, n.name.length, 8) * CHAR_W + 28;
      g.setNode(n.id, { width: w, height: NODE_H });
    }
    // Drawn left to right as things flow: source → its consumers → what they applied; a dependency before its
    // dependents. Graph edges point from user to used, so all but `applies` are drawn reversed.
    for (const e of graph.edges) {
      if (e.type === 'applies') g.setEdge(e.from, e.to);
      else g.setEdge(e.to, e.from);
    }
    layout(g);
    const nodes = new Map<string, Placed>();
    for (const id of g.nodes()) {
      const n = g.node(id) as { x: number; y: number; width: number; height: number };
      nodes.set(id, { id, x: n.x, y: n.y, w: n.width, h: n.height });
    }
    const edges: { key: string; points: { x: number; y: number }[] }[] = g
      .edges()
      .map((e: { v: string; w: string }) => ({
        key: `${e.v}->${e.w}`,
        points: (g.edge(e) as { points: { x: number; y: number }[] }).points,
      }));
    const size = g.graph() as { width?: number; height?: number };
    return { nodes, edges, width: size.width ?? 0, height: size.height ?? 0 };
  }, [graph]);

  return (
    <div class="graph-wrap">
      <svg
        class="graph"
        role="group"
        aria-label="Graph of the object's source, dependencies and applied objects"
        viewBox={`0 0 ${placed.width} ${placed.height}`}
        width={placed.width}
        height={placed.height}
      >
        <defs>
          <marker
            id="arrow"
            viewBox="0 0 10 10"
            refX="10"
            refY="5"
            markerWidth="6"
            markerHeight="6"
            orient="auto-start-reverse"
          >
            <path d="M 0 0 L 10 5 L 0 10 z" class="arrow" />
          </marker>
        </defs>
        {placed.edges.map((e) => (
          <polyline
            key={e.key}
            class="edge"
            marker-end="url(#arrow)"
            points={e.points.map((p: { x: number; y: number }) => `${p.x},${p.y}`).join(' ')}
          />
        ))}
        {graph.nodes.map((n) => {
          const p = placed.nodes.get(n.id);
          if (!p) return null;
          const box = (
            <g class={`node ${healthClass(n.health)} role-${n.role}`} data-node={n.id} data-health={n.health}>
              <title>{`${n.kind} ${n.namespace ? `${n.namespace}/` : ''}${n.name}: ${n.health}`}</title>
              <rect x={p.x - p.w / 2} y={p.y - p.h / 2} width={p.w} height={p.h} rx="6" />
              {/* One text with a space between its lines: its text is "Kind name", which the link's label begins with. */}
              <text>
                <tspan x={p.x - p.w / 2 + 10} y={p.y - 5} class="kind">
                  {n.kind}
                </tspan>{' '}
                <tspan x={p.x - p.w / 2 + 10} y={p.y + 12} class="name">
                  {n.name}
                </tspan>
              </text>
            </g>
          );
          if (!n.flux || n.role === 'self') return <g key={n.id}>{box}</g>;
          return (
            <a
              key={n.id}
              href={objectHref(cluster, n.kind, n.namespace, n.name)}
              // Begins with the visible text (kind, then name) so speech input can say what it sees.
              aria-label={`${n.kind} ${n.name}${n.namespace ? ` in ${n.namespace}` : ''}, ${n.health}`}
            >
              {box}
            </a>
          );
        })}
      </svg>
    </div>
  );
}
