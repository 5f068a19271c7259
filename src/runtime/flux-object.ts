import type { KubeObject } from '../kube/client/index.ts';
import type { Condition } from './condition-types.ts';

/** FluxStatus is the status every reconciled Flux kind shares. */
export interface FluxStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  lastHandledReconcileAt?: string;
}

/** FluxObject is a Flux kind as the runtime sees it: `spec.suspend`, `spec.interval` and the shared status. */
export type FluxObject = KubeObject<{ suspend?: boolean; interval?: string }, FluxStatus>;
