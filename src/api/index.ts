// Public surface of the Flux API types and CRDs.
export { s, Node, GO_DURATION, TIMEOUT_DURATION } from './schema/dsl.ts';
export type { AnyNode, Infer, ObjectOf, Shape } from './schema/dsl.ts';
export type { CelRule, JsonValue, OpenAPISchema } from './schema/openapi.ts';
export { applyDefaults } from './schema/defaults.ts';
export { structuralProblems } from './schema/structural.ts';

export { defineKind, columns } from './crd.ts';
export type {
  AnyFluxKind,
  CustomResourceDefinition,
  FluxKind,
  FluxObject,
  KindOptions,
  ObjectMeta,
  ObjectOfKind,
  PrinterColumn,
} from './crd.ts';
export { allCrds, crdsYaml, findKind, withDefaults, FLUX_KINDS, UnknownKindError } from './kinds.ts';
export type { AnyFluxObject, FluxKindName } from './kinds.ts';

export type {
  AccessFrom,
  Artifact,
  Condition,
  DependencyReference,
  KubeConfigReference,
  LabelSelector,
  LocalObjectReference,
  NamespacedObjectKindReference,
  NamespacedObjectReference,
  SecretKeyReference,
} from './meta.ts';
export type { CustomHealthCheck, Image, Patch, ResourceInventory, Selector } from './kustomize-types.ts';
export {
  ConditionType,
  GeneratorReason,
  HelmReleaseConditionType,
  HelmReleaseReason,
  ImageReason,
  Reason,
  ReceiverReason,
  SourceConditionType,
  SourceReason,
} from './conditions.ts';
export { Annotation, FINALIZER, Label, WATCH_ENABLED } from './constants.ts';

export { GitRepositoryKind, type GitRepository, type GitRepositoryRef } from './source/gitrepository.ts';
export { OCIRepositoryKind, type OCIRepository } from './source/ocirepository.ts';
export { HelmRepositoryKind, type HelmRepository } from './source/helmrepository.ts';
export { HelmChartKind, type HelmChart } from './source/helmchart.ts';
export { BucketKind, type Bucket } from './source/bucket.ts';
export { ExternalArtifactKind, type ExternalArtifact } from './source/externalartifact.ts';
export { KustomizationKind, type Kustomization, type KustomizationSpec } from './kustomize/kustomization.ts';
export { HelmReleaseKind, type HelmRelease, type HelmReleaseSpec, type Snapshot } from './helm/helmrelease.ts';
export { ProviderKind, PROVIDER_TYPES, COMMIT_STATUS_PROVIDERS, type Provider } from './notification/provider.ts';
export { AlertKind, type Alert } from './notification/alert.ts';
export { ReceiverKind, type Receiver, webhookPath } from './notification/receiver.ts';
export { RECEIVER_TYPES } from './enums/index.ts';
export { ImageRepositoryKind, type ImageRepository } from './image/imagerepository.ts';
export { ImagePolicyKind, type ImagePolicy, type ImageRef } from './image/imagepolicy.ts';
export { ImageUpdateAutomationKind, type ImageUpdateAutomation } from './image/imageupdateautomation.ts';
export { ArtifactGeneratorKind, type ArtifactGenerator } from './sourcewatcher/artifactgenerator.ts';
