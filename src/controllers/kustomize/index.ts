// Public surface of the kustomize-controller.
export { kustomizeController, type KustomizeSetupOptions } from './setup.ts';
export type { KustomizeControllerOptions } from './options.ts';
export { sopsDecryptor, type Decryptor } from './decrypt.ts';
export { kustomizationType } from './kind.ts';
// `fluxts build kustomization` runs the controller's build on a local directory.
export { readVariables, splitDocuments } from './build.ts';
export { prepareKustomization } from './generate.ts';
