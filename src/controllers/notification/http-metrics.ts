// The HTTP metrics of the event and receiver servers, as Flux exports them through slok/go-http-metrics with the
// prefixes `gotk_event` and `gotk_receiver`: request latency, response size and requests in flight, labelled with
// an empty service, the handler pattern (`/` and `/hook/`, never the hook path: it is a credential), method and code.
import type { IncomingMessage, ServerResponse } from 'node:http';

import { Gauge, Histogram, type Registry } from 'prom-client';

/** HttpMetrics measures one server's requests. */
export interface HttpMetrics {
  /** track counts the request in flight and records its latency, size and code when the answer is sent. */
  track(req: IncomingMessage, res: ServerResponse): void;
}

// prometheus.DefBuckets and prometheus.ExponentialBuckets(100, 10, 8), go-http-metrics' defaults.
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const SIZE_BUCKETS = Array.from({ length: 8 }, (_, i) => 100 * 10 ** i);

function metric<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

/** httpMetrics registers (once per registry) the `<prefix>_http_*` metrics and measures requests to `handler`. */
export function httpMetrics(registry: Registry, prefix: 'gotk_event' | 'gotk_receiver', handler: string): HttpMetrics {
  const labelNames = ['service', 'handler', 'method', 'code'] as const;
  const duration = metric(
    registry,
    `${prefix}_http_request_duration_seconds`,
    () =>
      new Histogram({
        name: `${prefix}_http_request_duration_seconds`,
        help: 'The latency of the HTTP requests.',
        labelNames,
        buckets: DURATION_BUCKETS,
        registers: [registry],
      }),
  );
  const size = metric(
    registry,
    `${prefix}_http_response_size_bytes`,
    () =>
      new Histogram({
        name: `${prefix}_http_response_size_bytes`,
        help: 'The size of the HTTP responses.',
        labelNames,
        buckets: SIZE_BUCKETS,
        registers: [registry],
      }),
  );
  const inflight = metric(
    registry,
    `${prefix}_http_requests_inflight`,
    () =>
      new Gauge({
        name: `${prefix}_http_requests_inflight`,
        help: 'The number of inflight requests being handled at the same time.',
        labelNames: ['service', 'handler'] as const,
        registers: [registry],
      }),
  );
  return {
    track(req, res) {
      const started = process.hrtime.bigint();
      inflight.inc({ service: '', handler });
      let bytes = 0;
      // Count the body bytes written, as go-http-metrics' ResponseWriter wrapper does.
      const count = (chunk: unknown, encoding?: unknown) => {
        if (typeof chunk === 'string')
          bytes += Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
        else if (chunk instanceof Uint8Array) bytes += chunk.byteLength;
      };
      const write = res.write.bind(res) as (...args: unknown[]) => boolean;
      const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
      res.write = ((...args: unknown[]) => (count(args[0], args[1]), write(...args))) as typeof res.write;
      res.end = ((...args: unknown[]) => {
        if (typeof args[0] !== 'function') count(args[0], args[1]);
        return end(...args);
      }) as typeof res.end;
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        inflight.dec({ service: '', handler });
        const labels = { service: '', handler, method: req.method ?? '', code: String(res.statusCode) };
        duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
        size.observe(labels, bytes);
      };
      res.on('finish', finish);
      res.on('close', finish);
    },
  };
}
