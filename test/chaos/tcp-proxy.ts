// A TCP proxy for fault injection: forwards a loopback port to a target byte for byte (TLS passes through
// untouched), and can take the target "down" (connections refused on the same port, open ones reset) and bring it
// back, or cut every open connection while staying up (what a load balancer's idle timeout or a node's conntrack
// flush does to long-lived watches).
import { createServer, type Server, Socket } from 'node:net';

/** TcpProxy is a running proxy; always close() it. */
export interface TcpProxy {
  /** port is the proxy's loopback port; it stays the same across down() and up(). */
  readonly port: number;
  /** cuts counts the connections the proxy cut (by cutAll or down). */
  readonly cuts: number;
  /** connections counts the connections accepted so far. */
  readonly connections: number;
  /** cutAll resets every open connection; new ones are accepted as before. */
  cutAll(): void;
  /** down resets every open connection and stops listening: new connections are refused. */
  down(): Promise<void>;
  /** up listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

/** startTcpProxy listens on a free loopback port (or `port`) and forwards to `target`. */
export async function startTcpProxy(target: { host: string; port: number }, port = 0): Promise<TcpProxy> {
  const open = new Set<Socket>();
  const stats = { cuts: 0, connections: 0 };
  let server: Server | undefined;
  const listen = (onPort: number): Promise<Server> =>
    new Promise((resolve, reject) => {
      const s = createServer((client) => {
        stats.connections++;
        const upstream = new Socket();
        open.add(client);
        open.add(upstream);
        const end = (): void => {
          open.delete(client);
          open.delete(upstream);
          client.destroy();
          upstream.destroy();
        };
        client.on('error', end).on('close', end);
        upstream.on('error', end).on('close', end);
        upstream.connect(target.port, target.host, () => {
          client.pipe(upstream);
          upstream.pipe(client);
        });
      });
      s.once('error', reject);
      s.listen(onPort, '127.0.0.1', () => resolve(s));
    });
  server = await listen(port);
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : 0;
  const cutAll = (): void => {
    // Each proxied connection is two sockets; count connections, not sockets.
    stats.cuts += Math.ceil(open.size / 2);
    for (const socket of [...open]) {
      if (socket.connecting) socket.destroy();
      else socket.resetAndDestroy();
    }
    open.clear();
  };
  const stopListening = async (): Promise<void> => {
    const s = server;
    server = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  return {
    port: boundPort,
    get cuts() {
      return stats.cuts;
    },
    get connections() {
      return stats.connections;
    },
    cutAll,
    async down() {
      const closing = stopListening();
      cutAll();
      await closing;
    },
    async up() {
      server ??= await listen(boundPort);
    },
    async close() {
      const closing = stopListening();
      cutAll();
      await closing;
    },
  };
}
