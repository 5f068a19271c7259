// Public surface of the web UI: start it over a set of clusters (see README.md).
export { FluxCache, type Change, type ClusterHealth, type UiCluster } from './cache.ts';
export { clustersFromKubeConfig, UiClusterError } from './clusters.ts';
export { ensureBundle, buildBundle, BundleError } from './bundle.ts';
export { startUiServer, isLoopback, type RunningUi, type UiServerOptions, type UiTls } from './server.ts';
export type { AuthMode } from './auth.ts';
export { UI_KINDS, type UiKind } from './kinds.ts';
export { startUi, type RunningUiApp, type UiOptions } from './start.ts';
