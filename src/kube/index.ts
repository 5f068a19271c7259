// Public surface of kube/, the only Kubernetes client: three rooms, each with its own barrel.
export * from './client/index.ts';
export * from './ssa/index.ts';
export * from './identity/index.ts';
