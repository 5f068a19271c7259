import type { ServerResponse } from 'node:http';

import { serveRoutes, type RunningServer } from './http-server.ts';
import type { MetricsRecorder } from './metrics.ts';

/** Check is one health or readiness check; it returns an error message, or undefined when healthy. */
export type Check = () => string | undefined;

/**
 * serveProbes serves `/healthz` and `/readyz` like controller-runtime's probe server: 200 `ok` when every check
 * passes, 500 with the failing checks otherwise.
 */
export function serveProbes(addr: string, checks: { healthz: Check[]; readyz: Check[] }): Promise<RunningServer> {
  const handler = (list: Check[]) => (_req: unknown, res: ServerResponse) => {
    const failures = list.map((c) => c()).filter((m): m is string => m !== undefined);
    if (failures.length === 0) res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
    else res.writeHead(500, { 'Content-Type': 'text/plain' }).end(failures.join('\n'));
  };
  return serveRoutes(addr, { '/healthz': handler(checks.healthz), '/readyz': handler(checks.readyz) });
}

/** serveMetrics serves the registry at `/metrics` in the Prometheus text format. */
export function serveMetrics(addr: string, metrics: MetricsRecorder): Promise<RunningServer> {
  return serveRoutes(addr, {
    '/metrics': async (_req, res) => {
      const body = await metrics.text();
      res.writeHead(200, { 'Content-Type': metrics.registry.contentType }).end(body);
    },
  });
}
