// Public surface of the source-controller, light on purpose (the registry loads it for every `fluxts install`):
// the descriptor imports the controller itself (setup.ts) only when it runs.
export { advertisedAddress, sourceControllerDescriptor, storageFlags, type StorageFlags } from './controller.ts';
export { gitRepositoryType } from './kind.ts';
// The registry client of an object with OCIRepository's access fields (secretRef, serviceAccountName, certSecretRef,
// proxySecretRef, insecure, provider): shared with the image-reflector-controller.
export { registryClientFor, type RegistryAccess } from './ocirepository/registry.ts';
export { readGitAuth, type GitAuth } from './git-auth.ts';
export { readSecretData } from './secrets.ts';
