// Service routing of the dev cluster's running pods (kube-proxy's job, over Unix sockets): every ClusterIP Service
// port becomes a route to the ready endpoints the EndpointSlice controller computed for it, each endpoint reached
// through the socket its pod's sandbox publishes; an endpoint at the node's address reaches the host's loopback
// (how a test exposes a server of its own to pods: a Service without selector and an EndpointSlice at the node IP);
// `kubernetes.default` reaches the apiserver. Pure: the runner supplies the sockets.
import type { Route } from './sandbox-protocol.ts';

export interface ServiceLike {
  metadata: { name: string; namespace: string };
  spec: { clusterIP?: string; ports?: { name?: string; port: number; protocol?: string }[] };
}

export interface EndpointSliceLike {
  metadata: { namespace: string; labels?: Record<string, string> };
  addressType?: string;
  ports?: { name?: string; port?: number; protocol?: string }[] | null;
  endpoints?: { addresses: string[]; conditions?: { ready?: boolean } }[] | null;
}

export interface ServiceTableOptions {
  nodeIP: string;
  clusterDomain: string;
  apiserverSocket: string;
  /** The socket of a pod's port, when the pod at that IP is run by the runner. */
  podSocket: (ip: string, port: number) => string | undefined;
  hostSocket: (port: number) => string;
}

export interface ServiceTable {
  routes: Route[];
  names: Record<string, string>;
  /** Host ports that endpoints at the node address point at (the runner forwards them). */
  hostPorts: number[];
}

/** serviceTable computes the routes and DNS names of every Service. */
export function serviceTable(
  services: ServiceLike[],
  slices: EndpointSliceLike[],
  o: ServiceTableOptions,
): ServiceTable {
  const byService = new Map<string, EndpointSliceLike[]>();
  for (const slice of slices) {
    const svc = slice.metadata.labels?.['kubernetes.io/service-name'];
    if (!svc || (slice.addressType && slice.addressType !== 'IPv4')) continue;
    const key = `${slice.metadata.namespace}/${svc}`;
    byService.set(key, [...(byService.get(key) ?? []), slice]);
  }
  const routes: Route[] = [];
  const names: Record<string, string> = {};
  const hostPorts = new Set<number>();
  for (const svc of services) {
    const ip = svc.spec.clusterIP;
    if (!ip || ip === 'None') continue;
    const { name, namespace } = svc.metadata;
    names[`${name}.${namespace}.svc.${o.clusterDomain}`] = ip;
    for (const port of svc.spec.ports ?? []) {
      if ((port.protocol ?? 'TCP') !== 'TCP') continue;
      if (namespace === 'default' && name === 'kubernetes') {
        routes.push({ ip, port: port.port, sockets: [o.apiserverSocket] });
        continue;
      }
      const sockets: string[] = [];
      for (const slice of byService.get(`${namespace}/${name}`) ?? []) {
        const target = (slice.ports ?? []).find((p) => (p.name ?? '') === (port.name ?? ''))?.port;
        if (target === undefined) continue;
        for (const ep of slice.endpoints ?? []) {
          if (ep.conditions?.ready === false) continue;
          for (const addr of ep.addresses) {
            if (addr === o.nodeIP) {
              hostPorts.add(target);
              sockets.push(o.hostSocket(target));
            } else {
              const socket = o.podSocket(addr, target);
              if (socket) sockets.push(socket);
            }
          }
        }
      }
      routes.push({ ip, port: port.port, sockets: sockets.sort() });
    }
  }
  routes.sort((a, b) => a.ip.localeCompare(b.ip) || a.port - b.port);
  return { routes, names, hostPorts: [...hostPorts].sort((a, b) => a - b) };
}
