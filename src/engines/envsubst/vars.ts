import { FluxtsError } from '../../util/errors.ts';

/** SubstituteReference is one `spec.postBuild.substituteFrom` entry. */
export interface SubstituteReference {
  kind: 'ConfigMap' | 'Secret';
  name: string;
  optional?: boolean;
}

/**
 * SubstituteSource is a reference with the object the controller fetched for it: `data` as the API returns it
 * (ConfigMap values as text, Secret values base64-encoded), or `undefined` when the object was not found.
 */
export interface SubstituteSource {
  ref: SubstituteReference;
  data: Readonly<Record<string, string>> | undefined;
}

/** VariablesError is a non-optional substituteFrom source that does not exist. */
export class VariablesError extends FluxtsError {}

const RESOURCE = { ConfigMap: 'configmaps', Secret: 'secrets' } as const;

/** stripNewlines is applied to every value, as Flux does, so a value cannot break the YAML line it lands on. */
const stripNewlines = (v: string): string => v.replaceAll('\n', '');

/**
 * collectVariables merges the variables of a Kustomization's postBuild (fluxcd/pkg/kustomize `LoadVariables` and
 * `SubstituteVariables`): `substituteFrom` sources in list order, a later source overwriting an earlier one, then
 * the inline `substitute` map over all of them. Missing optional sources are skipped; a missing required one
 * throws with the message Flux prints (`substitute from 'ConfigMap/vars' error: configmaps "vars" not found`).
 * Secret values are base64-decoded. Values never appear in errors.
 */
export function collectVariables(
  sources: readonly SubstituteSource[],
  substitute: Readonly<Record<string, string>> = {},
): Map<string, string> {
  const vars = new Map<string, string>();
  for (const { ref, data } of sources) {
    if (data === undefined) {
      if (ref.optional) continue;
      throw new VariablesError(
        `substitute from '${ref.kind}/${ref.name}' error: ${RESOURCE[ref.kind]} "${ref.name}" not found`,
      );
    }
    for (const [k, v] of Object.entries(data)) {
      const text = ref.kind === 'Secret' ? Buffer.from(v, 'base64').toString('utf8') : v;
      vars.set(k, stripNewlines(text));
    }
  }
  for (const [k, v] of Object.entries(substitute)) vars.set(k, stripNewlines(v));
  return vars;
}

/** VAR_NAME is Flux's rule for variable names (`^[_[:alpha:]][_[:alpha:][:digit:]]*$`, ASCII classes). */
export const VAR_NAME_PATTERN = '^[_[:alpha:]][_[:alpha:][:digit:]]*$';
const VAR_NAME = /^[_A-Za-z][_A-Za-z0-9]*$/;

/** invalidVariableName returns the first name that breaks Flux's rule, or undefined. */
export function invalidVariableName(vars: ReadonlyMap<string, string>): string | undefined {
  for (const name of vars.keys()) if (!VAR_NAME.test(name)) return name;
  return undefined;
}
