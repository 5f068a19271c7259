// Condition types and reasons of the Flux APIs (fluxcd/pkg apis/meta, each controller's condition_types.go).

/** ConditionTypes shared by every reconciled kind; Reconciling and Stalled are present only while True. */
export const ConditionType = {
  Ready: 'Ready',
  Reconciling: 'Reconciling',
  Stalled: 'Stalled',
  Healthy: 'Healthy',
} as const;

/** SourceConditionType lists the extra condition types of source kinds. */
export const SourceConditionType = {
  ArtifactInStorage: 'ArtifactInStorage',
  ArtifactOutdated: 'ArtifactOutdated',
  SourceVerified: 'SourceVerified',
  FetchFailed: 'FetchFailed',
  BuildFailed: 'BuildFailed',
  StorageOperationFailed: 'StorageOperationFailed',
  IncludeUnavailable: 'IncludeUnavailable',
} as const;

/** HelmReleaseConditionType lists the extra condition types of HelmRelease. */
export const HelmReleaseConditionType = {
  Released: 'Released',
  TestSuccess: 'TestSuccess',
  Remediated: 'Remediated',
  Drifted: 'Drifted',
} as const;

/** HelmReleaseReason holds the reasons helm-controller sets (helm-controller api/v2 condition_types.go). */
export const HelmReleaseReason = {
  InstallSucceeded: 'InstallSucceeded',
  InstallFailed: 'InstallFailed',
  UpgradeSucceeded: 'UpgradeSucceeded',
  UpgradeFailed: 'UpgradeFailed',
  TestSucceeded: 'TestSucceeded',
  TestFailed: 'TestFailed',
  RollbackSucceeded: 'RollbackSucceeded',
  RollbackFailed: 'RollbackFailed',
  UninstallSucceeded: 'UninstallSucceeded',
  UninstallFailed: 'UninstallFailed',
  ArtifactFailed: 'ArtifactFailed',
  DependencyNotReady: 'DependencyNotReady',
  DriftDetected: 'DriftDetected',
  NoDriftDetected: 'NoDriftDetected',
  RetriesExceeded: 'RetriesExceeded',
  PendingRelease: 'PendingRelease',
  ValuesError: 'ValuesError',
  HelmChartSyncErr: 'HelmChartSyncErr',
  HelmChartDeleted: 'HelmChartDeleted',
  HelmChartCreated: 'HelmChartCreated',
  HelmChartConfigured: 'HelmChartConfigured',
  SourceNotReady: 'SourceNotReady',
  ActionPlanError: 'ActionPlanError',
  MissingRollbackTarget: 'MissingRollbackTarget',
  AwaitingTests: 'AwaitingTests',
  DriftCorrectionFailed: 'DriftCorrectionFailed',
  RESTClientError: 'RESTClientError',
} as const;

/** Reason holds the generic reasons (fluxcd/pkg apis/meta and apis/acl). */
export const Reason = {
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

/** SourceReason holds the reasons source-controller sets. */
export const SourceReason = {
  URLInvalid: 'URLInvalid',
  AuthenticationFailed: 'AuthenticationFailed',
  VerificationError: 'VerificationError',
  DirectoryCreationFailed: 'DirectoryCreationFailed',
  StatOperationFailed: 'StatOperationFailed',
  ReadOperationFailed: 'ReadOperationFailed',
  AcquireLockFailed: 'AcquireLockFailed',
  InvalidPath: 'InvalidPath',
  ArchiveOperationFailed: 'ArchiveOperationFailed',
  SymlinkUpdateFailed: 'SymlinkUpdateFailed',
  ArtifactUpToDate: 'ArtifactUpToDate',
  CacheOperationFailed: 'CacheOperationFailed',
  PatchOperationFailed: 'PatchOperationFailed',
  InvalidSTSConfiguration: 'InvalidSTSConfiguration',
  InvalidProviderConfiguration: 'InvalidProviderConfiguration',
  NewRevision: 'NewRevision',
  GitOperationSucceeded: 'GitOperationSucceeded',
  GitOperationFailed: 'GitOperationFailed',
  OCIArtifactPullFailed: 'OCIArtifactPullFailed',
  OCIArtifactLayerOperationFailed: 'OCIArtifactLayerOperationFailed',
  IndexationFailed: 'IndexationFailed',
  ChartPullSucceeded: 'ChartPullSucceeded',
  ChartPackageSucceeded: 'ChartPackageSucceeded',
  InvalidChartReference: 'InvalidChartReference',
  NewChart: 'NewChart',
  ChartPullError: 'ChartPullError',
  MetadataPatchError: 'MetadataPatchError',
  ValuesFilesError: 'ValuesFilesError',
  DependencyBuildError: 'DependencyBuildError',
  ChartPackageError: 'ChartPackageError',
  BucketOperationSucceeded: 'BucketOperationSucceeded',
  BucketOperationFailed: 'BucketOperationFailed',
  NewArtifact: 'NewArtifact',
  SourceUnavailable: 'SourceUnavailable',
  NoSourceArtifact: 'NoSourceArtifact',
} as const;

/** ReceiverReason holds the reasons notification-controller sets on Receivers. */
export const ReceiverReason = {
  Initialized: 'Initialized',
  TokenNotFound: 'TokenNotFound',
  ValidationFailed: 'ValidationFailed',
} as const;

/** ImageReason holds the reasons the image controllers set. */
export const ImageReason = {
  ImageURLInvalid: 'ImageURLInvalid',
  IntervalNotConfigured: 'IntervalNotConfigured',
  NewGeneration: 'NewGeneration',
  Scanning: 'Scanning',
  InvalidSourceConfiguration: 'InvalidSourceConfiguration',
  GitOperationFailed: 'GitOperationFailed',
  UpdateFailed: 'UpdateFailed',
  InvalidPolicySelector: 'InvalidPolicySelector',
  SourceManagerFailed: 'SourceManagerFailed',
  InvalidUpdateStrategy: 'InvalidUpdateStrategy',
  RemovedTemplateField: 'RemovedTemplateField',
  InvalidPolicy: 'InvalidPolicy',
} as const;

/** GeneratorReason holds the reasons source-watcher sets on ArtifactGenerators. */
export const GeneratorReason = {
  ReconciliationDisabled: 'ReconciliationDisabled',
  AccessDenied: 'AccessDenied',
  ValidationFailed: 'ValidationFailed',
  SourceFetchFailed: 'SourceFetchFailed',
  BuildFailed: 'BuildFailed',
  ReconciliationFailed: 'ReconciliationFailed',
} as const;
