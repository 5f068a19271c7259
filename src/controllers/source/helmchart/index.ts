// Public surface of the HelmChart room: the controller's registration, and the chart builders `fluxts build
// helmrelease` runs locally (a chart from an HTTP repository index or from a source directory), so the CLI builds
// a chart exactly as this controller would.
export { addHelmChartController } from './controller.ts';
export { repositoryFromIndex } from './dependencies.ts';
export { buildFromSourceArtifact, versionMetadataFor } from './local.ts';
export { overwriteDefaultValues, setVersionMetadata } from './package.ts';
export { mergeChartValues } from './remote.ts';
export { helmClientOptions } from '../helmrepository/client-options.ts';
