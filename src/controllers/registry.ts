// What a controller declares once so that the CLI needs no edit to run, install, check or complete it: its name,
// the kinds it reconciles, its own flags, its RBAC and its pieces of the install manifests, and how to start it.
// controllers/index.ts lists the descriptors; README.md in this folder says how to add one.
import type { Option } from 'commander';

import type { FluxKindName } from '../api/index.ts';
import type { ControllerSetup } from '../runtime/index.ts';

/** ContainerPort is a named TCP port of the controller's container (besides http-prom 8080 and healthz 9440). */
export interface ContainerPort {
  name: string;
  containerPort: number;
}

/** InstallContext is what install pieces may depend on. */
export interface InstallContext {
  /** clusterDomain is `--cluster-domain` (cluster.local). */
  clusterDomain: string;
}

/** InstallPieces are a controller's parts of `fluxts install`, as Flux's manifests lay the component out. */
export interface InstallPieces {
  /** default: installed without `--components` (flux's default component list), else an extra component. */
  default: boolean;
  /** ports beyond http-prom and healthz (e.g. `http` 9090 for the artifact server). */
  ports?: readonly ContainerPort[];
  /** args beyond `controller <name>` and the shared flags (events address, namespaces, logs, leader election). */
  args?: (o: InstallContext) => string[];
  /** postsEvents: false for the notification-controller, which receives events instead of sending them. */
  postsEvents?: boolean;
  /**
   * eventsService: this controller receives the other controllers' events at `http://<service>.<ns>.svc.<domain>./`
   * (their `--events-addr`); one controller declares it (the notification-controller).
   */
  eventsService?: string;
  /**
   * webhookPolicy: the name of a NetworkPolicy admitting traffic from every namespace to this controller's pods
   * (Flux's `allow-webhooks` for the notification-controller's receivers).
   */
  webhookPolicy?: string;
  /** storage: a `/data` emptyDir and the Recreate strategy (artifact storage, image databases). */
  storage?: boolean;
  /** readiness: `http` probes GET / on the http port (artifact servers), `healthz` (default) GET /readyz. */
  readiness?: 'http' | 'healthz';
  /** env beyond RUNTIME_NAMESPACE and the process tuning. */
  env?: readonly { name: string; value: string }[];
  /** services: ClusterIP Services on port 80, each to a named container port. */
  services?: readonly { name: string; targetPort: string }[];
  /** terminationGracePeriodSeconds defaults to 10. */
  terminationGracePeriodSeconds?: number;
}

/** Rbac is what a controller's ServiceAccount needs beyond the shared `crd-controller` ClusterRole. */
export interface Rbac {
  /** clusterAdmin binds the controller to cluster-admin (`cluster-reconciler`): it applies arbitrary objects. */
  clusterAdmin: boolean;
}

/** ControllerServices are the reconcilers to run and what runs beside them (e.g. the artifact server). */
export interface ControllerServices {
  setups: ControllerSetup[];
  close(): Promise<void>;
}

/** FlagValues are the parsed values of `fluxts controller` (commander's camel-cased option names). */
export type FlagValues = Readonly<Record<string, unknown>>;

/**
 * ControllerDescriptor declares one Flux controller (component). `run` is absent for the components fluxts does
 * not implement yet: install still lays them out as Flux does, `fluxts controller` says they are missing.
 */
export interface ControllerDescriptor {
  /** name is Flux's component name, e.g. `source-controller`. */
  name: string;
  /** kinds are the kinds it reconciles: install ships their CRDs with this component's labels. */
  kinds: readonly FluxKindName[];
  /** flags make the controller's own options (besides the runtime's shared ones); fresh objects per call. */
  flags?: () => Option[];
  rbac: Rbac;
  install: InstallPieces;
  /**
   * devArgs are the flags `fluxts dev` gives it when all controllers share one process on a laptop: state under
   * `stateDir`, servers on `127.0.0.1:0` (a free port) instead of the in-cluster defaults.
   */
  devArgs?: (stateDir: string) => string[];
  /**
   * run builds the controller's setups from the parsed flags and starts what they need beside them. It imports
   * the implementation lazily, so the CLI pays for a controller only when it runs one.
   */
  run?: (values: FlagValues) => Promise<ControllerServices>;
}
