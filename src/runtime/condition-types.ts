// The generic condition types and reasons are defined once, with the API types (fluxcd/pkg apis/meta).
export { ConditionType, Reason } from '../api/index.ts';

/** ConditionStatus is metav1.ConditionStatus. */
export type ConditionStatus = 'True' | 'False' | 'Unknown';

/** Condition is metav1.Condition as stored in `status.conditions`. */
export interface Condition {
  type: string;
  status: ConditionStatus;
  observedGeneration?: number;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

/** ConditionsHolder is any object with a generation and `status.conditions`, the shape every Flux kind has. */
export interface ConditionsHolder {
  metadata: { generation?: number };
  status?: { conditions?: Condition[] };
}
