// A local HTTP endpoint that records every request and answers as the test scripts it: the stand-in for hosted
// services (Slack, GitHub, …) whose requests the tests then check against the services' published descriptions.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export type Responder = (req: Recorded) => Answer | Promise<Answer>;

export interface Endpoint {
  url: string;
  requests: Recorded[];
  respond(responder: Responder): void;
  /** next resolves with the next request recorded after the call. */
  next(timeoutMs?: number): Promise<Recorded>;
  close(): Promise<void>;
}

export async function startEndpoint(responder: Responder = () => ({ status: 200, body: 'ok' })): Promise<Endpoint> {
  const requests: Recorded[] = [];
  const waiters: ((r: Recorded) => void)[] = [];
  let current = responder;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const recorded: Recorded = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        text: body.toString('utf8'),
      };
      requests.push(recorded);
      for (const w of waiters.splice(0)) w(recorded);
      // A responder that throws (a failed check) answers 500 with the error, so the caller fails at once.
      Promise.resolve()
        .then(() => current(recorded))
        .then(
          (a) => {
            res.writeHead(a.status, { 'Content-Type': 'application/json', ...a.headers });
            res.end(a.body ?? '');
          },
          (err: unknown) => {
            res.writeHead(500);
            res.end(String(err));
          },
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respond(r) {
      current = r;
    },
    next(timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no request reached the endpoint in time')), timeoutMs);
        waiters.push((r) => {
          clearTimeout(timer);
          resolve(r);
        });
      });
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
