import { createServer } from 'node:net';

/**
 * freePort asks the kernel for an unused loopback port. Another process may still grab it before we bind, so the
 * callers that start servers retry on "address already in use" (see startWithPortRetry in processes.ts).
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/**
 * choosePort returns the preferred port when it is free, and another free port when it is taken (or when no port
 * is preferred), so a fixed port in a user's habits never stops the cluster from starting.
 */
export async function choosePort(preferred: number | undefined, host = '127.0.0.1'): Promise<number> {
  if (preferred === undefined) return freePort(host);
  const free = await new Promise<boolean>((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(preferred, host, () => server.close(() => resolve(true)));
  });
  return free ? preferred : freePort(host);
}
