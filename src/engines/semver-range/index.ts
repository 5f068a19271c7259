// Public surface of engines/semver-range: Masterminds/semver v3 versions and constraints (Helm, Sprig, Flux).
export {
  parseConstraint,
  satisfies,
  SemverConstraints,
  MAX_CONSTRAINT_GROUPS,
  MAX_CONSTRAINT_LEN,
} from './constraints.ts';
export { SemverError } from './errors.ts';
export { comparePrerelease, parseStrictVersion, parseVersion, SemverVersion, MAX_VERSION_LEN } from './version.ts';
export { latestInRange, parseFluxVersion } from './flux.ts';
