// Public surface of controllers/common: what every consumer of sources shares (Kustomization, HelmRelease, …).
export {
  artifactOf,
  originRevisionOf,
  resolveSource,
  type ResolvedSource,
  type SourceArtifact,
  type SourceLookup,
  type SourceReference,
} from './source-ref.ts';
export {
  checkDependencies,
  compileReadyExprs,
  dependencyKeys,
  type Dependency,
  type DependencyCheck,
} from './depends-on.ts';
export { compileOrTerminal, configurationError } from './config-error.ts';
export { addConsumerController, type ConsumerControllerSpec } from './consumer.ts';
export { checkHealth, compileCustomHealth, type HealthCheckOptions } from './health.ts';
export {
  CONFIG_INDEX,
  configRefKey,
  configWatches,
  type SourceCache,
  DEPENDS_ON_INDEX,
  dependantsWatch,
  sourceWatches,
} from './watches.ts';
export {
  compileLabelSelector,
  InvalidLabelSelectorError,
  type LabelMatcher,
  type LabelSelector,
} from './label-selector.ts';
