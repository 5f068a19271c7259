// Controllers that run as local processes rather than as Deployments: `fluxts dev` (all controllers in one
// process) and `fluxts controller <name>` with leader election. `fluxts dev` announces itself with a Lease it
// renews; a controller with leader election holds `<name>-leader-election`. `fluxts check` reads both, so it does
// not report a running local controller as a missing Deployment.
import { hostname } from 'node:os';

import { isNotFound, type KubeClient } from '../../kube/index.ts';
import { type Lease, microTime } from '../../runtime/index.ts';

const leaseType = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' };

/** DEV_LEASE is the Lease `fluxts dev` renews while it runs; its annotation lists the controllers it runs. */
export const DEV_LEASE = 'fluxts-dev';
export const COMPONENTS_ANNOTATION = 'fluxts.io/dev-components';
const RENEW_MS = 10_000;
const DURATION_SECONDS = 30;

/**
 * announceLocalControllers writes the dev Lease now and renews it every 10 s (it expires 30 s after the last
 * renewal, so a killed `fluxts dev` stops counting within half a minute); `stop` deletes it.
 */
export async function announceLocalControllers(
  client: KubeClient,
  namespace: string,
  components: readonly string[],
): Promise<{ stop(): Promise<void> }> {
  const write = (): Promise<unknown> =>
    client.apply(
      {
        ...leaseType,
        metadata: { name: DEV_LEASE, namespace, annotations: { [COMPONENTS_ANNOTATION]: components.join(',') } },
        spec: {
          holderIdentity: `fluxts dev on ${hostname()}, pid ${process.pid}`,
          leaseDurationSeconds: DURATION_SECONDS,
          renewTime: microTime(),
        },
      },
      { fieldManager: 'fluxts-dev', force: true },
    );
  await write();
  const timer = setInterval(() => void write().catch(() => undefined), RENEW_MS);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await client.delete(leaseType, { namespace, name: DEV_LEASE }).catch(() => undefined);
    },
  };
}

/**
 * localControllers maps each component running as a local process to a description of it: named in a fresh dev
 * Lease, or holding a fresh `<component>-leader-election` Lease. A Lease is fresh until its renewTime plus its
 * duration has passed.
 */
export async function localControllers(
  client: KubeClient,
  namespace: string,
  now = Date.now(),
): Promise<Map<string, string>> {
  let leases: Lease[];
  try {
    leases = (await client.list<Lease>(leaseType, { namespace })).items;
  } catch (err) {
    if (isNotFound(err)) return new Map();
    throw err;
  }
  const out = new Map<string, string>();
  for (const lease of leases) {
    const spec = lease.spec ?? {};
    const renewed = Date.parse(spec.renewTime ?? '');
    const holder = spec.holderIdentity ?? '';
    if (holder === '' || !(renewed + (spec.leaseDurationSeconds ?? 0) * 1000 > now)) continue;
    const name = lease.metadata.name ?? '';
    if (name === DEV_LEASE) {
      const listed = lease.metadata.annotations?.[COMPONENTS_ANNOTATION] ?? '';
      for (const c of listed.split(',').filter((s) => s !== '')) out.set(c, holder);
    } else if (name.endsWith('-leader-election')) {
      out.set(name.slice(0, -'-leader-election'.length), `leader lease held by ${holder}`);
    }
  }
  return out;
}
