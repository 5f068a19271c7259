// The network sandbox of one running pod, started by the pod runner as `unshare --net -- node sandbox-main.ts DIR`:
// it owns the pod's network namespace (the pause container's job), which every container of the pod joins. Inside
// it there is only loopback, holding the pod IP, the node IP and the whole Service range, so:
// - a Service's ClusterIP:port is a listener here that forwards to a Unix socket the pod runner names (an endpoint
//   pod's port, the apiserver, or a port of the host), since Unix sockets cross network namespaces;
// - cluster DNS is a resolver here on 127.0.0.53 answering A records of `<svc>.<ns>.svc.<domain>`;
// - each container port is reachable from the host as `DIR/port-<n>.sock`, for probes and for other pods.
// Nothing is routed outside the namespace: pods reach exactly what the runner publishes.
import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';

import { answerQuery } from './dns.ts';
import type { SandboxConfig, SandboxMessage } from './sandbox-protocol.ts';

const dirArg = process.argv[2];
if (!dirArg || !process.send) throw new Error('usage: unshare --net -- node sandbox-main.ts DIR (with an IPC channel)');
const dir: string = dirArg;
const send = (m: SandboxMessage): void => void process.send?.(m);

const routeServers = new Map<string, { server: Server; sockets: string[]; next: number }>();
const portServers = new Map<number, Server>();
let names = new Map<string, string>();
let configured = false;

function pipe(client: Socket, target: Socket): void {
  client.pipe(target).pipe(client);
  const close = (): void => {
    client.destroy();
    target.destroy();
  };
  client.on('error', close);
  target.on('error', close);
  client.on('close', close);
  target.on('close', close);
}

function configure(config: SandboxConfig): void {
  if (!configured) {
    execFileSync('ip', ['link', 'set', 'lo', 'up']);
    for (const cidr of [config.serviceCidr, `${config.podIP}/32`, `${config.nodeIP}/32`]) {
      execFileSync('ip', ['addr', 'add', cidr, 'dev', 'lo']);
    }
    const dns = createSocket('udp4');
    dns.on('message', (msg, from) => {
      const answer = answerQuery(msg, (name) => names.get(name.toLowerCase()));
      if (answer) dns.send(answer, from.port, from.address);
    });
    dns.bind(53, '127.0.0.53');
    configured = true;
  }
  names = new Map(Object.entries(config.names));
  const wanted = new Set<string>();
  for (const route of config.routes) {
    const key = `${route.ip}:${route.port}`;
    wanted.add(key);
    const existing = routeServers.get(key);
    if (existing) {
      existing.sockets = route.sockets;
      continue;
    }
    const entry = { server: createServer(), sockets: route.sockets, next: 0 };
    entry.server.on('connection', (client) => {
      const socket = entry.sockets[entry.next++ % Math.max(entry.sockets.length, 1)];
      if (!socket) return void client.destroy();
      pipe(client, connect(socket));
    });
    entry.server.on('error', (err) => process.stderr.write(`[sandbox] ${key}: ${err.message}\n`));
    entry.server.listen(route.port, route.ip);
    routeServers.set(key, entry);
  }
  for (const [key, entry] of routeServers) {
    if (wanted.has(key)) continue;
    entry.server.close();
    routeServers.delete(key);
  }
  for (const port of config.ports) {
    if (portServers.has(port)) continue;
    const path = join(dir, `port-${port}.sock`);
    rmSync(path, { force: true });
    const server = createServer((client) => pipe(client, connect(port, '127.0.0.1')));
    server.listen(path);
    portServers.set(port, server);
  }
}

process.on('message', (m: SandboxMessage) => {
  if (m.type !== 'config') return;
  try {
    configure(m.config);
    send({ type: 'configured' });
  } catch (err) {
    send({ type: 'error', message: (err as Error).message });
  }
});
process.on('disconnect', () => process.exit(0));
send({ type: 'started', pid: process.pid });
