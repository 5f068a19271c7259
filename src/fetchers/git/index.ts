// Public surface of the Git fetcher: shallow checkouts with the git CLI, classified errors, signature checks.
export { cloneRepository, type CloneOptions, type CloneResult } from './clone.ts';
export { credentialsFromSecret, proxyFromSecret, type GitCredentials, type GitProxy } from './credentials.ts';
export { bestSemverTag, formatRevision, type GitReference } from './refs.ts';
export { parseCommitObject, parseTagObject, commitSubject, type SignedObject } from './objects.ts';
export { verifySignature, verifyCommitSignature, type VerifiedSignature } from './verify.ts';
export { openSession, scrubUrl, type GitSession } from './session.ts';
export { runGit, type GitRunOptions } from './run.ts';
export {
  GitError,
  GitAuthError,
  GitHostKeyError,
  GitUnreachableError,
  GitRefNotFoundError,
  GitBadSecretError,
  GitInvalidUrlError,
  GitTlsError,
  GitTimeoutError,
  GitVerificationError,
  GitOperationError,
  type GitErrorKind,
} from './errors.ts';
export {
  GitPushRejectedError,
  UpdateCheckout,
  type CommitAuthor,
  type PushOptions,
  type UpdateCheckoutOptions,
} from './update.ts';
export {
  openPgpSigner,
  withSignature,
  SIGNING_KEY_FIELD,
  SIGNING_PASSPHRASE_FIELD,
  type CommitSigner,
} from './sign.ts';
