// Public surface of the sourceignore engine: Flux's `.sourceignore` and default-exclusion semantics.
export { parsePattern, matchPattern, type IgnorePattern, type MatchResult } from './pattern.ts';
export {
  IGNORE_FILE,
  EXCLUDE_VCS,
  EXCLUDE_EXT,
  EXCLUDE_CI,
  EXCLUDE_EXTRA,
  vcsPatterns,
  defaultPatterns,
  readPatterns,
  IgnoreMatcher,
  sourceIgnoreMatcher,
} from './matcher.ts';
export { loadIgnorePatterns, type IgnoreTreeFs } from './load.ts';
// Go's path.Match for one element, also what source-watcher's copy globs are made of.
export { compileNameGlob } from './glob.ts';
