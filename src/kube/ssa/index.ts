// Public surface of the ssa room: the server-side apply engine (dry-run, diff, staged apply → ChangeSet, inventory,
// prune, wait, drift-ignore rules), one file per verb.
export { applyAllStaged, FIELD_MANAGER, type ApplyOptions } from './apply.ts';
export { ApplyError, DeleteError, DryRunError, DryRunFailedError, ObjectError, redactSecret } from './apply-errors.ts';
export {
  apiVersionOf,
  changeSetMap,
  changeSetText,
  entryOf,
  refOf,
  subjectOf,
  type Action,
  type ChangeSet,
  type ChangeSetEntry,
  type ObjectRef,
} from './changeset.ts';
export { deleteAll, type DeleteOptions, type DeleteResult } from './delete.ts';
export { diffObjects, hasDrifted, jsonEqual, type DiffResult } from './diff.ts';
export { ignoredPaths, type IgnoreRule } from './ignore.ts';
export { escapeToken, jsonPatchDiff, type PatchOp } from './json-diff.ts';
export { parsePointer, removePointer } from './json-pointer.ts';
export { diffAll, type DiffEntry } from './diff-set.ts';
export { dryRunApply, isImmutableError, serverSideApply } from './dry-run.ts';
export {
  inventoryFromChangeSet,
  inventoryFromObjects,
  inventoryRefs,
  InventoryParseError,
  mergeInventory,
  objectId,
  parseObjectId,
  staleObjects,
  type Inventory,
  type InventoryEntry,
} from './inventory.ts';
export { normalizeObject } from './normalize.ts';
export {
  anyInMetadata,
  EXCLUDE_FROM_APPLY,
  EXCLUDE_FROM_PRUNE,
  FORCE,
  IF_NOT_PRESENT,
  MERGE,
  ownerLabels,
  type Selector,
} from './selectors.ts';
export { APPLY_STAGES, compareRefs, KIND_ORDER_FIRST, KIND_ORDER_LAST, stageIndex, type ApplyStage } from './stages.ts';
export {
  defaultTakeoverManagers,
  LAST_APPLIED,
  takeoverPatch,
  type FieldManager,
  type ManagedFieldsEntry,
} from './takeover.ts';
export { waitForSet, waitForTermination, WaitError, type StatusFn, type WaitOptions } from './wait.ts';
