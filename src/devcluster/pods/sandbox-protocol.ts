// Messages between the pod runner and a pod's network sandbox (sandbox-main.ts), over Node's IPC channel.

/** Route: connections to ip:port inside the pod go to one of these Unix sockets (round robin). */
export interface Route {
  ip: string;
  port: number;
  sockets: string[];
}

/** SandboxConfig is the whole desired state; each message replaces the previous one. */
export interface SandboxConfig {
  podIP: string;
  nodeIP: string;
  serviceCidr: string;
  routes: Route[];
  /** Fully qualified names (lower case, no trailing dot) to IPv4 addresses, for the pod's resolver. */
  names: Record<string, string>;
  /** Container ports published as `port-<n>.sock` in the sandbox's directory. */
  ports: number[];
}

export type SandboxMessage =
  | { type: 'config'; config: SandboxConfig }
  | { type: 'started'; pid: number }
  | { type: 'configured' }
  | { type: 'error'; message: string };
