// Public surface of the source-controller, light on purpose (the registry loads it for every `fluxts install`):
// the descriptor imports the controller itself (setup.ts) only when it runs.
export { advertisedAddress, sourceControllerDescriptor, storageFlags, type StorageFlags } from './controller.ts';
export { gitRepositoryType } from './kind.ts';
