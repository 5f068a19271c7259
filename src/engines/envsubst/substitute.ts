import { errorMessage } from '../../util/errors.ts';
import { EnvsubstSyntaxError, EnvsubstUnsetError, SubstitutionError } from './errors.ts';
import { envsubst, lenientLookup, strictLookup } from './eval.ts';
import { invalidVariableName, VAR_NAME_PATTERN } from './vars.ts';
import { type JsonObject, type JsonValue, yamlToJson } from './yaml-v2.ts';

/** SUBSTITUTE_KEY is the label or annotation that opts an object out when set to `disabled`. */
export const SUBSTITUTE_KEY = 'kustomize.toolkit.fluxcd.io/substitute';

export interface SubstituteOptions {
  /** strict fails on an undefined variable without default (feature gate StrictPostBuildSubstitutions, on in Flux 2.9). */
  strict: boolean;
  /** always substitutes even when there are no variables (`substituteStrategy: Always`), so defaults apply. */
  always?: boolean;
  /**
   * object is the resource already parsed (the kustomize engine has it): saves parsing the text again, the main
   * cost. It must be the same resource as the text.
   */
  object?: JsonObject;
}

/** SubstitutedResource is one resource after post-build substitution. */
export interface SubstitutedResource {
  /** yaml is the resource text after substitution (unchanged when skipped). */
  yaml: string;
  /** object is the resource as JSON values, typed as Flux re-reads it (go-yaml v2, YAML 1.1 booleans). */
  object: JsonObject;
  /** substituted is false when the object opted out or substitution did not run. */
  substituted: boolean;
}

const isObject = (v: JsonValue | undefined): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function field(o: JsonValue | undefined, key: string): JsonValue | undefined {
  return isObject(o) ? o[key] : undefined;
}

const text = (v: JsonValue | undefined): string => (typeof v === 'string' ? v : '');

/** resourceSubject names an object as kustomize's resource id does in Flux's messages: `Kind.version.group/name`. */
export function resourceSubject(obj: JsonValue): string {
  const apiVersion = text(field(obj, 'apiVersion'));
  const slash = apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  const kind = text(field(obj, 'kind'));
  const name = text(field(field(obj, 'metadata'), 'name'));
  return `${kind || '[noKind]'}.${version || '[noVer]'}.${group || '[noGrp]'}/${name}`;
}

function optedOut(obj: JsonValue): boolean {
  const meta = field(obj, 'metadata');
  return (
    field(field(meta, 'labels'), SUBSTITUTE_KEY) === 'disabled' ||
    field(field(meta, 'annotations'), SUBSTITUTE_KEY) === 'disabled'
  );
}

function parseResource(yaml: string, subject: () => string, step: string): JsonObject {
  let value: JsonValue;
  try {
    value = yamlToJson(yaml);
  } catch (err) {
    throw new SubstitutionError(subject(), `envsubst error: ${step}: ${errorMessage(err)}`, err);
  }
  if (!isObject(value)) throw new SubstitutionError(subject(), `envsubst error: ${step}: not a mapping`);
  return value;
}

/**
 * substituteResource runs Flux's post-build substitution on one resource, given as the YAML text kustomize prints
 * for it (Flux substitutes `res.AsYAML()`, the go-yaml v2 rendering of the object, so pass the kustomize engine's
 * emitted text for identical results). Skipped when the object is labelled or annotated
 * `kustomize.toolkit.fluxcd.io/substitute: disabled`, or when `vars` is empty and `always` is not set. Throws a
 * SubstitutionError naming the object, worded as Flux's.
 *
 * @example substituteResource('kind: ConfigMap\n…\ndata:\n  env: ${ENV}\n', new Map([['ENV', 'prod']]), { strict: true })
 */
export function substituteResource(
  yaml: string,
  vars: ReadonlyMap<string, string>,
  options: SubstituteOptions,
): SubstitutedResource {
  const original = options.object ?? parseResource(yaml, () => '[noKind].[noVer].[noGrp]/', 'YAMLToJSON');
  if (optedOut(original) || (vars.size === 0 && !options.always)) {
    return { yaml, object: original, substituted: false };
  }
  const subject = (): string => resourceSubject(original);
  const invalid = invalidVariableName(vars);
  if (invalid !== undefined) {
    throw new SubstitutionError(
      subject(),
      `envsubst error: '${invalid}' var name is invalid, must match '${VAR_NAME_PATTERN}'`,
    );
  }
  let output: string;
  try {
    // Without a dollar sign there is nothing to expand or escape.
    output = yaml.includes('$') ? envsubst(yaml, options.strict ? strictLookup(vars) : lenientLookup(vars)) : yaml;
  } catch (err) {
    if (err instanceof EnvsubstSyntaxError || err instanceof EnvsubstUnsetError) {
      throw new SubstitutionError(subject(), `envsubst error: variable substitution failed: ${err.message}`, err);
    }
    throw err;
  }
  const object = output === yaml ? original : parseResource(output, subject, 'YAMLToJSON');
  return { yaml: output, object, substituted: true };
}

/**
 * substituteResources substitutes every resource and collects one error per failing resource, in order (Flux
 * stops at the first; `errors[0]` is the message it would print).
 */
export function substituteResources(
  resources: readonly (string | { yaml: string; object?: JsonObject })[],
  vars: ReadonlyMap<string, string>,
  options: Omit<SubstituteOptions, 'object'>,
): { resources: SubstitutedResource[]; errors: SubstitutionError[] } {
  const out: SubstitutedResource[] = [];
  const errors: SubstitutionError[] = [];
  for (const r of resources) {
    try {
      if (typeof r === 'string') out.push(substituteResource(r, vars, options));
      else out.push(substituteResource(r.yaml, vars, r.object ? { ...options, object: r.object } : options));
    } catch (err) {
      if (!(err instanceof SubstitutionError)) throw err;
      errors.push(err);
    }
  }
  return { resources: out, errors };
}
