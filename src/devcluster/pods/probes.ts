// Container probes of the pod runner (readiness and liveness), as the kubelet runs them.
import { spawnSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';

import { type Container, type Probe, resolvePort } from './pod-spec.ts';
import { RUNC_ROOT } from './runc.ts';

/** ProbeTarget says where a probe goes: the pod's sandbox directory (its port sockets) and the container. */
export interface ProbeTarget {
  dir: string;
  podIP: string;
  container: Container;
  containerId: string;
}

/**
 * runProbe runs one probe as the kubelet does: an HTTP GET answered 200-399, a TCP connection accepted, or a command
 * exiting 0 inside the container; a timeout is a failure. Ports go through the sandbox's Unix sockets.
 */
export function runProbe(p: Probe, target: ProbeTarget): Promise<boolean> {
  const s = target;
  const c = target.container;
  const timeoutMs = (p.timeoutSeconds ?? 1) * 1000;
  const socketOf = (port: number | string): string | undefined => {
    const n = resolvePort(c, port);
    return n === undefined ? undefined : join(s.dir, `port-${n}.sock`);
  };
  return new Promise((resolve) => {
    if (p.httpGet) {
      const socketPath = socketOf(p.httpGet.port);
      if (!socketPath) return resolve(false);
      const req = httpRequest(
        {
          socketPath,
          path: p.httpGet.path ?? '/',
          timeout: timeoutMs,
          headers: { host: `${s.podIP}`, 'user-agent': 'kube-probe/1.36' },
        },
        (res) => {
          res.resume();
          resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 400);
        },
      );
      req.on('error', () => resolve(false));
      req.on('timeout', () => (req.destroy(), resolve(false)));
      req.end();
    } else if (p.tcpSocket) {
      const socketPath = socketOf(p.tcpSocket.port);
      if (!socketPath) return resolve(false);
      const sock = connect(socketPath);
      sock.setTimeout(timeoutMs, () => (sock.destroy(), resolve(false)));
      // The sandbox accepts first and then dials the container: success is data flowing or a clean hold.
      sock.on('connect', () => setTimeout(() => (resolve(!sock.destroyed), sock.destroy()), 50));
      sock.on('error', () => resolve(false));
    } else if (p.exec) {
      const r = spawnSync('runc', ['--root', RUNC_ROOT, 'exec', target.containerId, ...p.exec.command], {
        stdio: 'ignore',
        timeout: timeoutMs,
      });
      resolve(r.status === 0);
    } else resolve(true);
  });
}
