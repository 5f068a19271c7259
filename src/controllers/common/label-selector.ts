// metav1.LabelSelector matched against an object's labels, as apimachinery's LabelSelectorAsSelector does:
// matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist) ANDed; an empty selector matches everything.
// Used where a spec selects objects already in an informer cache (ImageUpdateAutomation's policySelector), so no
// list call is made per reconcile.
import { FluxtsError } from '../../util/errors.ts';

/** LabelSelector is metav1.LabelSelector. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** InvalidLabelSelectorError: an operator that does not exist, or values that do not fit the operator. */
export class InvalidLabelSelectorError extends FluxtsError {}

/** LabelMatcher says whether a label set is selected. */
export type LabelMatcher = (labels: Readonly<Record<string, string>> | undefined) => boolean;

/**
 * compileLabelSelector validates a selector and returns its matcher; throws InvalidLabelSelectorError with
 * apimachinery's messages (`"Foo" is not a valid label selector operator`, `values: Invalid value: …`).
 * @example compileLabelSelector({ matchLabels: { app: 'web' } })({ app: 'web', tier: 'x' }) // true
 */
export function compileLabelSelector(selector: LabelSelector | undefined): LabelMatcher {
  const tests: LabelMatcher[] = [];
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) {
    tests.push((labels) => labels?.[key] === value);
  }
  for (const { key, operator, values = [] } of selector?.matchExpressions ?? []) {
    switch (operator) {
      case 'In':
      case 'NotIn': {
        if (values.length === 0) {
          throw new InvalidLabelSelectorError(
            `values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty`,
          );
        }
        const set = new Set(values);
        tests.push(
          operator === 'In'
            ? (labels) => labels?.[key] !== undefined && set.has(labels[key])
            : (labels) => labels?.[key] === undefined || !set.has(labels[key]),
        );
        break;
      }
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) {
          throw new InvalidLabelSelectorError(
            `values: Invalid value: ${JSON.stringify(values)}: values set must be empty for exists and does not exist`,
          );
        }
        tests.push(
          operator === 'Exists' ? (labels) => labels?.[key] !== undefined : (labels) => labels?.[key] === undefined,
        );
        break;
      default:
        throw new InvalidLabelSelectorError(`"${operator}" is not a valid label selector operator`);
    }
  }
  return (labels) => tests.every((t) => t(labels));
}
