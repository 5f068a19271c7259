// Public surface of the image controllers, light on purpose (the registry loads it for every `fluxts install`).
export { imageAutomationControllerDescriptor, imageReflectorControllerDescriptor } from './controller.ts';
export { imagePolicyType, imageRepositoryType, imageUpdateAutomationType } from './kind.ts';
