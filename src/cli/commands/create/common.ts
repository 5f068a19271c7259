// Shared pieces of the `create` commands: the types they build, name and label validation, reference parsing, and
// printing with `---`. The shared flags live in flags.ts.
import { FluxtsError } from '../../../util/errors.ts';
import { formatGoDuration } from './duration.ts';
import { marshalSigsYaml as marshalYaml } from '../../../engines/goyaml/index.ts';
import type { YamlValue } from './yaml-value.ts';

/** CreateInputError is bad input to a create command; its message says what is wrong and how to fix it. */
export class CreateInputError extends FluxtsError {}

/** KubeObject is one object a create command builds: plain data, printed or applied as is. */
export type KubeObject = { [key: string]: YamlValue } & { apiVersion: string; kind: string };

/** ApplyOptions tell the apply callback where the objects go and how long to wait for them. */
export interface ApplyOptions {
  namespace: string;
  kubeconfig: string | undefined;
  context: string | undefined;
  /** kubeFlags are the other kubeconfig overrides flux accepts (`server`, `token`, `as`, `asGroup`, …), as given. */
  kubeFlags: Record<string, unknown>;
  timeoutNs: bigint;
  /** command is the create sub-command path below `create`, e.g. ['source', 'git'] or ['secret', 'tls']. */
  command?: string[];
}

/** ApplyFn applies objects to the cluster and waits for them to become Ready; the CLI's lead provides it. */
export type ApplyFn = (objects: KubeObject[], options: ApplyOptions) => Promise<void>;

/** CommonFlags are the flags every create command accepts (flux's create persistent flags plus global ones). */
export interface CommonFlags {
  interval: bigint;
  export: boolean;
  label: string[];
  namespace: string;
  kubeconfig?: string;
  context?: string;
  kubeFlags: Record<string, unknown>;
  timeout: bigint;
  fetchTimeout?: bigint;
}

/** duration renders nanoseconds as the string a metav1.Duration marshals to. */
export const duration = formatGoDuration;

/** validateName checks the object name like flux: lowercase RFC 1123, 2 to 63 characters. */
export function validateName(name: string | undefined): string {
  if (name === undefined || name === '')
    throw new CreateInputError('name is required: pass the object name as the first argument');
  if (!/^[a-z0-9]([a-z0-9-]){0,61}[a-z0-9]$/.test(name)) {
    throw new CreateInputError(
      `name '${name}' is invalid, it should adhere to standard defined in RFC 1123, the name can only contain alphanumeric characters or '-'`,
    );
  }
  return name;
}

const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** qualifiedNameProblem is Kubernetes validation.IsQualifiedName: undefined when valid, else the first problem. */
export function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split('/');
  let name = key;
  if (parts.length === 2) {
    const [prefix = '', rest = ''] = parts;
    if (prefix === '') return 'prefix part must be non-empty';
    if (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)) return 'prefix part must be a lowercase RFC 1123 subdomain';
    name = rest;
  } else if (parts.length > 2) {
    return "a qualified name must consist of alphanumeric characters, '-', '_' or '.', with an optional DNS subdomain prefix and '/'";
  }
  if (name === '') return 'name part must be non-empty';
  if (name.length > 63) return 'name part must be no more than 63 characters';
  if (!LABEL_NAME.test(name))
    return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  return undefined;
}

/** parseLabels turns `--label k=v` values into a map, validated like Kubernetes label keys and values. */
export function parseLabels(labels: string[]): Record<string, string> | undefined {
  if (labels.length === 0) return undefined;
  const result: Record<string, string> = {};
  for (const label of labels) {
    const parts = label.split('=');
    if (parts.length !== 2) throw new CreateInputError(`invalid label format '${label}', must be key=value`);
    const [key = '', value = ''] = parts;
    const keyProblem = qualifiedNameProblem(key);
    if (keyProblem) throw new CreateInputError(`invalid label '${key}': ${keyProblem}`);
    if (value.length > 63 || (value !== '' && !LABEL_NAME.test(value))) {
      throw new CreateInputError(
        `invalid label value '${value}': a label value must be 63 characters or less, alphanumeric, '-', '_' or '.', starting and ending with an alphanumeric character`,
      );
    }
    result[key] = value;
  }
  return result;
}

/** objectMeta is the metadata flux writes: name, namespace and (when given) labels. */
export function objectMeta(name: string, flags: CommonFlags): { [key: string]: YamlValue } {
  const meta: { [key: string]: YamlValue } = { name, namespace: flags.namespace };
  const labels = parseLabels(flags.label);
  if (labels) meta['labels'] = labels;
  return meta;
}

/** ref is a `{name}` local object reference. */
export const ref = (name: string): { name: string } => ({ name });

/** exportYaml renders an object as `flux create … --export` prints it: `---`, the YAML, one newline. */
export function exportYaml(object: KubeObject): string {
  return `---\n${marshalYaml(object).trim()}\n`;
}

/** parseKindNameNamespace splits `<kind>/<name>.<namespace>` like flux's utils.ParseObjectKindNameNamespace. */
export function parseKindNameNamespace(input: string): { kind: string; name: string; namespace: string } {
  const { kind, name: full } = parseKindName(input);
  const dots = full.split('.');
  if (dots.length > 1) return { kind, name: dots.slice(0, -1).join('.'), namespace: dots[dots.length - 1] ?? '' };
  return { kind, name: full, namespace: '' };
}

/** parseKindName splits `<kind>/<name>` like flux's utils.ParseObjectKindName (no slash: name only). */
export function parseKindName(input: string): { kind: string; name: string } {
  const parts = input.split('/');
  if (parts.length === 2) return { kind: parts[0] ?? '', name: parts[1] ?? '' };
  return { kind: '', name: input };
}

/** dependsOn turns `<name>` / `<namespace>/<name>` (optionally `@<expr>`, ignored) into references. */
export function dependsOn(values: string[]): { [key: string]: YamlValue }[] {
  return values.map((raw) => {
    const at = raw.indexOf('@');
    const dep = at === -1 ? raw : raw.slice(0, at);
    const slash = dep.indexOf('/');
    const ref: { [key: string]: YamlValue } =
      slash === -1 ? { name: dep } : { name: dep.slice(slash + 1), namespace: dep.slice(0, slash) };
    if (ref['namespace'] === '') delete ref['namespace'];
    return ref;
  });
}

/** setIf sets a field only when the value is non-empty, as Go's `omitempty` leaves empty ones out. */
export function setIf(target: { [key: string]: YamlValue }, key: string, value: YamlValue | undefined): void {
  if (value === undefined || value === '' || value === false || value === null) return;
  if (Array.isArray(value) && value.length === 0) return;
  target[key] = value;
}

/** oneOf checks an enumerated flag value, failing with the accepted values. */
export function oneOf(flag: string, value: string, allowed: readonly string[]): string {
  if (value.trim() === '') throw new CreateInputError(`--${flag} is empty: use one of ${allowed.join(', ')}`);
  if (!allowed.includes(value))
    throw new CreateInputError(`--${flag} '${value}' is not supported: use one of ${allowed.join(', ')}`);
  return value;
}
