// The three ordering policies of image-reflector-controller (semver range, alphabetical, numerical), choosing the
// latest of a list of (possibly extracted) tag values, with Flux's error messages.
import { parseFloat } from '../gotemplate/index.ts';
import {
  latestInRange,
  parseConstraint,
  parseFluxVersion,
  type SemverConstraints,
  type SemverVersion,
} from '../semver-range/index.ts';
import { errorMessage } from '../../util/errors.ts';
import { InvalidPolicyError, NoLatestError } from './errors.ts';

/** PolicyChoice is ImagePolicy `spec.policy`: exactly one of semver, alphabetical or numerical. */
export interface PolicyChoice {
  semver?: { range: string };
  alphabetical?: { order?: string };
  numerical?: { order?: string };
}

/** Policer picks the latest value of a non-empty list; throws NoLatestError when it cannot. */
export interface Policer {
  latest(values: readonly string[]): string;
}

const EMPTY = 'version list argument cannot be empty';

/**
 * policerFromSpec validates `spec.policy` and returns its policer; throws InvalidPolicyError with Flux's text
 * (`invalid policy: …` is added by the controller).
 * @example policerFromSpec({ semver: { range: '1.x' } }).latest(['1.0.0', '1.2.0', '2.0.0']) // '1.2.0'
 */
export function policerFromSpec(choice: PolicyChoice): Policer {
  if (choice.semver) return semverPolicer(choice.semver.range);
  if (choice.alphabetical) return orderPolicer(choice.alphabetical.order, alphabeticalLatest);
  if (choice.numerical) return orderPolicer(choice.numerical.order, numericalLatest);
  throw new InvalidPolicyError('given ImagePolicyChoice object is invalid');
}

/** parseTagVersion is fluxcd/pkg/version.ParseVersion (engines/semver-range's parseFluxVersion), undefined if not. */
export function parseTagVersion(tag: string): SemverVersion | undefined {
  try {
    return parseFluxVersion(tag);
  } catch {
    return undefined;
  }
}

function semverPolicer(range: string): Policer {
  let constraint: SemverConstraints;
  try {
    constraint = parseConstraint(range);
  } catch (err) {
    throw new InvalidPolicyError(errorMessage(err), { cause: err });
  }
  return {
    latest(values) {
      if (values.length === 0) throw new NoLatestError(EMPTY);
      const best = latestInRange(values, constraint);
      if (best === undefined) throw new NoLatestError('unable to determine latest version from provided list');
      return best;
    },
  };
}

type Order = 'ASC' | 'DESC';

function orderPolicer(order: string | undefined, pick: (values: readonly string[], order: Order) => string): Policer {
  // Flux upper-cases the order before checking it, so `Asc` is accepted and the message shows the upper-cased text.
  const o = (order ?? '').toUpperCase() || 'ASC';
  if (o !== 'ASC' && o !== 'DESC') {
    throw new InvalidPolicyError(`invalid order argument provided: '${o}', must be one of: ASC, DESC`);
  }
  return {
    latest(values) {
      if (values.length === 0) throw new NoLatestError(EMPTY);
      return pick(values, o);
    },
  };
}

/** Byte-wise comparison as Go's sort.Strings does (UTF-16 order differs from UTF-8 above the BMP). */
function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** alphabeticalLatest: ASC picks the last in byte order, DESC the first. */
function alphabeticalLatest(values: readonly string[], order: Order): string {
  let best = values[0] ?? '';
  for (const v of values) {
    const c = compareBytes(v, best);
    if (order === 'ASC' ? c > 0 : c < 0) best = v;
  }
  return best;
}

/**
 * numericalLatest: every value must parse as a Go float64 (one that does not fails the whole policy); ASC picks the
 * largest, DESC the smallest. Among equal numbers (`1` and `1.0`) the first value wins; Flux's choice there depends
 * on Go's map order, ours on the order given.
 */
function numericalLatest(values: readonly string[], order: Order): string {
  let best: { value: string; n: number } | undefined;
  for (const value of values) {
    const n = parseFloat(value);
    if (n === undefined) throw new NoLatestError(`failed to parse invalid numeric value '${value}'`);
    if (best === undefined || (order === 'ASC' ? n > best.n : n < best.n)) best = { value, n };
  }
  return best?.value ?? '';
}
