// Helpers of the CLI integration tests: run the CLI as a child process, and a fake controller that answers
// reconcile requests the way Flux controllers do (lastHandledReconcileAt, Ready, observedGeneration).
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { KubeClient, KubeObject, TypeRef } from '../../src/kube/index.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** cliEntry is the real executable, run as a user runs it. */
export function cliEntry(): string {
  return join(root, 'bin/fluxts.js');
}

/** CliResult is the outcome of one run. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** runCli runs `fluxts args…` with the test cluster's kubeconfig and fast polling. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cliEntry(), ...args],
      {
        cwd: root,
        env: {
          ...process.env,
          PATH: `${join(root, 'node_modules/.bin')}:${process.env['PATH'] ?? ''}`,
          FLUXTS_POLL_INTERVAL_MS: '200',
          NO_COLOR: '1',
          ...env,
        },
        timeout: 120_000,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** setStatus writes an object's status through the status subresource, as a controller does. */
export async function setStatus(client: KubeClient, type: TypeRef, ns: string, name: string, status: unknown) {
  await client.patch(type, { namespace: ns, name }, 'merge', { status }, { subresource: 'status' });
}

/** readyStatus is a Ready=True status for generation `gen`, with optional extra fields. */
export function readyStatus(
  gen: number,
  message: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    observedGeneration: gen,
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'Succeeded',
        message,
        observedGeneration: gen,
        lastTransitionTime: '2026-01-01T00:00:00Z',
      },
    ],
    ...extra,
  };
}

/**
 * fakeController polls objects of the given types in a namespace and handles every new
 * `reconcile.fluxcd.io/requestedAt` token: it copies it to status.lastHandledReconcileAt and marks the object
 * Ready at its generation, like a Flux controller finishing a reconcile. Returns a stop function.
 */
export function fakeController(
  client: KubeClient,
  ns: string,
  types: TypeRef[],
  statusFor: (obj: KubeObject) => Record<string, unknown> = () => ({}),
): () => void {
  let stopped = false;
  const loop = async (): Promise<void> => {
    while (!stopped) {
      for (const type of types) {
        const list = await client.list<KubeObject>(type, { namespace: ns }).catch(() => undefined);
        for (const obj of list?.items ?? []) {
          const token = obj.metadata.annotations?.['reconcile.fluxcd.io/requestedAt'];
          const handled = (obj.status as { lastHandledReconcileAt?: string } | undefined)?.lastHandledReconcileAt;
          if (!token || token === handled || (obj.spec as { suspend?: boolean }).suspend) continue;
          const gen = obj.metadata.generation ?? 1;
          await setStatus(client, type, ns, obj.metadata.name ?? '', {
            ...readyStatus(gen, 'reconciled by the fake controller', statusFor(obj)),
            lastHandledReconcileAt: token,
          }).catch(() => undefined);
        }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  void loop();
  return () => {
    stopped = true;
  };
}
