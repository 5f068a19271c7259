/** ConditionTypes are the generic condition types of fluxcd/pkg apis/meta (kind-specific ones live in src/api). */
export const ConditionTypes = {
  Ready: 'Ready',
  Reconciling: 'Reconciling',
  Stalled: 'Stalled',
  Healthy: 'Healthy',
} as const;

/** Reasons are the generic condition reasons of fluxcd/pkg apis/meta and apis/acl. */
export const Reasons = {
  Succeeded: 'Succeeded',
  Failed: 'Failed',
  Progressing: 'Progressing',
  ProgressingWithRetry: 'ProgressingWithRetry',
  Suspended: 'Suspended',
  DependencyNotReady: 'DependencyNotReady',
  InvalidPath: 'InvalidPath',
  InvalidURL: 'InvalidURL',
  InsecureConnectionsDisallowed: 'InsecureConnectionsDisallowed',
  UnsupportedConnectionType: 'UnsupportedConnectionType',
  PruneFailed: 'PruneFailed',
  ArtifactFailed: 'ArtifactFailed',
  BuildFailed: 'BuildFailed',
  HealthCheckFailed: 'HealthCheckFailed',
  HealthCheckCanceled: 'HealthCheckCanceled',
  ReconciliationSucceeded: 'ReconciliationSucceeded',
  ReconciliationFailed: 'ReconciliationFailed',
  InvalidCELExpression: 'InvalidCELExpression',
  FeatureGateDisabled: 'FeatureGateDisabled',
  AccessDenied: 'AccessDenied',
} as const;

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
