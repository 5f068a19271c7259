// The Flux components fluxts does not implement yet, declared with what `fluxts install` needs to lay them out as
// Flux does (their kinds' CRDs, ports, arguments, storage, Services, RBAC). They have no `run`: `fluxts controller`
// names them as missing. Implementing one means giving it a folder with a full descriptor (controller.ts) and
// moving it from here to CONTROLLERS in index.ts (README.md).
import type { ControllerDescriptor } from './registry.ts';

/** helmControllerDescriptor: HelmReleases; applies arbitrary objects, so it is bound to cluster-admin. */
export const helmControllerDescriptor: ControllerDescriptor = {
  name: 'helm-controller',
  kinds: ['HelmRelease'],
  rbac: { clusterAdmin: true },
  install: { default: true, terminationGracePeriodSeconds: 600 },
};
