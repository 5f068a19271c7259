// Public surface of the kustomize-controller, light on purpose: the registry loads it for every `fluxts install`
// or `check`, and the descriptor imports the controller itself (setup.ts) only when it runs. The build pipeline
// that `fluxts build kustomization` shares is the build room (build/index.ts).
export { kustomizeControllerDescriptor, kustomizeOptions } from './controller.ts';
export { kustomizationType } from './kind.ts';
export type { KustomizeControllerOptions } from './options.ts';
export type { KustomizeSetupOptions } from './setup.ts';
// The web UI's diff view builds what the controller would apply, without applying it.
export { previewKustomization, type KustomizationPreview } from './preview.ts';
