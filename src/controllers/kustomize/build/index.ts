// Public surface of the build room: what the kustomize-controller and `fluxts build kustomization` share — Flux's
// kustomization.yaml generation, kustomize build on a root-confined filesystem, SOPS decryption, post-build
// substitution, and the refusal of Secrets still encrypted.
export { buildObjects, readVariables, rootedFileSystem, splitDocuments, type BuildInput } from './build.ts';
export { refuseEncrypted, sopsDecryptor, type Decryptor } from './decrypt.ts';
export { prepareKustomization } from './generate.ts';
