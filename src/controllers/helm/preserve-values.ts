// `upgrade.preserveValues` as helm-controller sets it on Helm v4's upgrade (ReuseValues, with ResetValues off): the
// desired values are laid over the current release's values (the desired ones win), and the new chart renders
// with the current release's coalesced values as its defaults, as Helm's reuseValues does. The stored values
// then differ from spec.values, which keeps the release out of sync, as in Flux ("non-declarative").
import { coalesceTables, coalesceValues, type Release, type ValueMap } from '../../engines/helm/index.ts';

/** ReusedValues are the values an upgrade with preserveValues stores, and the chart defaults it renders with. */
export interface ReusedValues {
  values: ValueMap;
  /** chartValues replace the new chart's defaults (undefined: the current release has no chart). */
  chartValues: ValueMap | undefined;
}

/** reusedValues merges the desired values over those of `current` (the deployed revision an upgrade moves from). */
export function reusedValues(desired: ValueMap, current: Release): ReusedValues {
  // Helm's coalescing mutates both sides: work on copies, so neither the spec's values nor the record change.
  const chartValues = current.chart ? coalesceValues(current.chart, structuredClone(current.config)) : undefined;
  const values = coalesceTables(structuredClone(desired), structuredClone(current.config));
  return { values, chartValues };
}
