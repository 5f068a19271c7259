// Public surface of engines/setters: image-automation-controller's Setters strategy, byte-preserving and pure.
export { markerSetter, SCREENING_TOKEN, SETTER_SHORTHAND } from './marker.ts';
export { rewriteYaml, type Change, type ObjectChange, type ObjectIdentifier, type RewriteResult } from './rewrite.ts';
export { isNonString, renderScalar, type ScalarStyle } from './scalar.ts';
export {
  isCandidate,
  isCandidateName,
  updateWithSetters,
  type FileUpdate,
  type ObjectChanges,
  type SourceFile,
  type UpdateResult,
} from './update.ts';
export { imageRefString, setterValues, type ImageRef, type PolicyRef, type SetterValue } from './values.ts';
export {
  CommitMessageError,
  DEFAULT_MESSAGE_TEMPLATE,
  RemovedTemplateFieldError,
  renderCommitMessage,
  templateData,
  type MessageData,
} from './message.ts';
