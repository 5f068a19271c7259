import { ApiError, type RestClient } from './rest.ts';
import { sleep } from './processes.ts';
import { FluxtsError } from '../util/errors.ts';

/** CrdInstallError names the CRD that was rejected or never became Established. */
export class CrdInstallError extends FluxtsError {}

interface Crd {
  metadata: { name: string };
}

interface CrdStatus {
  status?: { conditions?: { type: string; status: string; message?: string }[] };
}

/**
 * installCrds applies the CRDs with server-side apply (field manager `fluxts`, so reinstalling is idempotent)
 * and waits until each is Established, so custom resources can be created right after it returns.
 */
export async function installCrds(client: RestClient, crds: readonly Crd[]): Promise<void> {
  for (const crd of crds) {
    try {
      await client.request('PATCH', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`, {
        body: crd,
        contentType: 'application/apply-patch+yaml',
        query: { fieldManager: 'fluxts', force: 'true' },
      });
    } catch (err) {
      throw new CrdInstallError(`CustomResourceDefinition/${crd.metadata.name} rejected: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  for (const crd of crds) await waitEstablished(client, crd.metadata.name);
}

async function waitEstablished(client: RestClient, name: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  let last = 'no status yet';
  while (Date.now() < deadline) {
    try {
      const got = await client.request<CrdStatus>(
        'GET',
        `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`,
      );
      const established = got.status?.conditions?.find((c) => c.type === 'Established');
      if (established?.status === 'True') return;
      const names = got.status?.conditions?.find((c) => c.type === 'NamesAccepted');
      if (names?.status === 'False')
        throw new CrdInstallError(`CustomResourceDefinition/${name}: names not accepted: ${names.message ?? ''}`);
      last = established?.message ?? last;
    } catch (err) {
      if (err instanceof CrdInstallError) throw err;
      if (!(err instanceof ApiError)) throw err;
    }
    await sleep(100);
  }
  throw new CrdInstallError(`CustomResourceDefinition/${name} not Established after 60s: ${last}`);
}

/** InstalledCrd is one line of the CRD listing printed after `fluxts cluster start`. */
export interface InstalledCrd {
  name: string;
  kind: string;
  versions: string[];
  established: boolean;
}

interface CrdListItem {
  metadata: { name: string };
  spec: { names: { kind: string }; versions: { name: string; served: boolean }[] };
  status?: { conditions?: { type: string; status: string }[] };
}

/** listCrds reads the CustomResourceDefinitions the apiserver has, sorted by name. */
export async function listCrds(client: RestClient): Promise<InstalledCrd[]> {
  const list = await client.request<{ items: CrdListItem[] }>(
    'GET',
    '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
  );
  return list.items
    .map((crd) => ({
      name: crd.metadata.name,
      kind: crd.spec.names.kind,
      versions: crd.spec.versions.filter((v) => v.served).map((v) => v.name),
      established: crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
