// The graph around one object, as plain nodes and edges (the browser lays it out with dagre): its source, the
// object, what it applied (inventory, grouped by kind, each with its health), the objects it depends on and, for
// a source or a dependency, the objects that use it. Pure: the caller gathers the inputs.
import type { KubeObject } from '../kube/index.ts';
import type { InventoryItem } from './inventory.ts';
import { uiKind } from './kinds.ts';
import { rowOf, sourceRefOf } from './summary.ts';

/** GraphNode is one box of the graph; `flux` nodes link to their own object page. */
export interface GraphNode {
  id: string;
  kind: string;
  namespace: string;
  name: string;
  /** health is a row state (Flux objects) or a kstatus status (inventory objects). */
  health: string;
  role: 'self' | 'source' | 'consumer' | 'dependency' | 'dependent' | 'inventory' | 'more';
  flux: boolean;
}

/** GraphEdge points from the object that uses to the object used, or from an applier to what it applied. */
export interface GraphEdge {
  from: string;
  to: string;
  type: 'source' | 'applies' | 'dependsOn';
}

/** Graph is what the object page draws. */
export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** GRAPH_PER_KIND caps the inventory nodes per kind; the rest collapse into one "N more" node. */
export const GRAPH_PER_KIND = 25;

/** GraphInput is everything the graph is drawn from. */
export interface GraphInput {
  cluster: string;
  object: KubeObject;
  /** lookup finds a Flux object in the cache (undefined when absent). */
  lookup: (kind: string, namespace: string, name: string) => KubeObject | undefined;
  /** all lists the cached Flux objects of a kind (for consumers and dependents). */
  all: (kind: string) => KubeObject[];
  inventory: readonly InventoryItem[];
}

const nodeId = (kind: string, namespace: string, name: string): string => `${kind}/${namespace}/${name}`;

function fluxNode(input: GraphInput, kind: string, namespace: string, name: string, role: GraphNode['role']) {
  const k = uiKind(kind);
  const obj = input.lookup(kind, namespace, name);
  const health = k && obj ? rowOf(input.cluster, k, obj).state : 'NotFound';
  return { id: nodeId(kind, namespace, name), kind, namespace, name, health, role, flux: k !== undefined };
}

type DependsOn = { name?: string; namespace?: string; kind?: string }[];
const dependsOnOf = (obj: KubeObject): DependsOn => {
  const list = (obj.spec as { dependsOn?: unknown } | undefined)?.dependsOn;
  return Array.isArray(list) ? (list as DependsOn) : [];
};

/** graphOf draws the neighbourhood of one object. */
export function graphOf(input: GraphInput): Graph {
  const obj = input.object;
  const kind = obj.kind ?? '';
  const namespace = obj.metadata.namespace ?? '';
  const name = obj.metadata.name ?? '';
  const self = fluxNode(input, kind, namespace, name, 'self');
  const nodes = new Map<string, GraphNode>([[self.id, self]]);
  const edges: GraphEdge[] = [];
  const add = (node: GraphNode, edge: GraphEdge): void => {
    if (!nodes.has(node.id)) nodes.set(node.id, node);
    edges.push(edge);
  };

  const src = sourceRefOf(obj);
  if (src && uiKind(kind)?.source) {
    const node = fluxNode(input, src.kind, src.namespace, src.name, 'source');
    add(node, { from: self.id, to: node.id, type: 'source' });
  }
  for (const dep of dependsOnOf(obj)) {
    if (!dep.name) continue;
    const node = fluxNode(input, dep.kind ?? kind, dep.namespace || namespace, dep.name, 'dependency');
    add(node, { from: self.id, to: node.id, type: 'dependsOn' });
  }
  // Who uses this object: consumers of a source, dependents of a Kustomization or HelmRelease.
  for (const consumerKind of ['Kustomization', 'HelmRelease']) {
    for (const other of input.all(consumerKind)) {
      const ns = other.metadata.namespace ?? '';
      const otherName = other.metadata.name ?? '';
      const ref = sourceRefOf(other);
      if (ref && ref.kind === kind && ref.namespace === namespace && ref.name === name) {
        const node = fluxNode(input, consumerKind, ns, otherName, 'consumer');
        add(node, { from: node.id, to: self.id, type: 'source' });
      }
      const depends = dependsOnOf(other).some(
        (d) => d.name === name && (d.namespace || ns) === namespace && (d.kind ?? consumerKind) === kind,
      );
      if (depends) {
        const node = fluxNode(input, consumerKind, ns, otherName, 'dependent');
        add(node, { from: node.id, to: self.id, type: 'dependsOn' });
      }
    }
  }
  const byKind = new Map<string, InventoryItem[]>();
  for (const item of input.inventory) byKind.set(item.kind, [...(byKind.get(item.kind) ?? []), item]);
  for (const [itemKind, items] of [...byKind].sort(([a], [b]) => a.localeCompare(b))) {
    for (const item of items.slice(0, GRAPH_PER_KIND)) {
      const flux = uiKind(item.kind) !== undefined;
      const node: GraphNode = flux
        ? fluxNode(input, item.kind, item.namespace, item.name, 'inventory')
        : {
            id: nodeId(item.kind, item.namespace, item.name),
            kind: item.kind,
            namespace: item.namespace,
            name: item.name,
            health: item.health,
            role: 'inventory',
            flux: false,
          };
      add(node, { from: self.id, to: node.id, type: 'applies' });
    }
    if (items.length > GRAPH_PER_KIND) {
      const rest = items.length - GRAPH_PER_KIND;
      const node: GraphNode = {
        id: `more/${itemKind}`,
        kind: itemKind,
        namespace: '',
        name: `${rest} more`,
        health: 'Unknown',
        role: 'more',
        flux: false,
      };
      add(node, { from: self.id, to: node.id, type: 'applies' });
    }
  }
  return { nodes: [...nodes.values()], edges };
}
