// Public surface of controllers/sourcewatcher: Flux's source-watcher (ArtifactGenerator → ExternalArtifacts).
export { sourceWatcherDescriptor } from './controller.ts';
export { artifactGeneratorType, sourceWatcher, type SourceWatcherOptions } from './setup.ts';
export { reconcileGenerator, finalizeGenerator } from './reconcile.ts';
