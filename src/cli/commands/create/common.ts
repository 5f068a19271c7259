// Shared pieces of the `create` commands: the flags every command has (flux's persistent create flags and the global
// ones), flag value parsers that behave like Go's pflag, name and label validation, and printing with `---`.
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';

import { FluxtsError } from '../../../util/errors.ts';
import { DurationError, formatGoDuration, parseGoDuration } from './duration.ts';
import { marshalYaml } from './goyaml.ts';
import type { YamlValue } from './goyaml.ts';

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

/** ONE_MINUTE is flux's default `--interval`. */
const ONE_MINUTE = 60_000_000_000n;

/** durationArg parses a flag value as a Go duration, failing with Go's reason. */
export function durationArg(value: string): bigint {
  try {
    return parseGoDuration(value);
  } catch (err) {
    if (err instanceof DurationError)
      throw new InvalidArgumentError(`${err.message} (use a Go duration such as 30s, 5m or 1h30m)`);
    throw err;
  }
}

/** boolArg parses `--flag=value` like Go's strconv.ParseBool. */
export function boolArg(value: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  throw new InvalidArgumentError(`"${value}" is not a boolean (use true or false)`);
}

/** sliceArg appends the comma-separated fields of one flag value, like pflag's StringSlice (CSV quoting too). */
export function sliceArg(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...splitCsv(value)];
}

function splitCsv(value: string): string[] {
  if (value === '') return [];
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (value[i] === '"') {
      i++;
      for (;;) {
        if (i >= value.length) throw new InvalidArgumentError(`extraneous or missing " in quoted field: ${value}`);
        if (value[i] === '"') {
          if (value[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += value[i];
        i++;
      }
      if (i < value.length && value[i] !== ',') throw new InvalidArgumentError(`extraneous " in field: ${value}`);
    } else {
      const end = value.indexOf(',', i);
      field = end === -1 ? value.slice(i) : value.slice(i, end);
      if (field.includes('"')) throw new InvalidArgumentError(`bare " in non-quoted field: ${value}`);
      i = end === -1 ? value.length : end;
    }
    fields.push(field);
    if (i >= value.length) return fields;
    i++; // the comma
  }
}

/**
 * defaultNamespace is flux's: `flux-system`, or `FLUX_SYSTEM_NAMESPACE` when that is a valid DNS label (an invalid one
 * is ignored with a warning, as flux does). The create commands do not validate `--namespace` itself, like flux.
 */
export function defaultNamespace(): string {
  const fromEnv = process.env['FLUX_SYSTEM_NAMESPACE'] ?? '';
  if (fromEnv === '') return 'flux-system';
  if (fromEnv.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(fromEnv)) return fromEnv;
  process.stderr.write(`⚠️  ignoring invalid FLUX_SYSTEM_NAMESPACE: ${JSON.stringify(fromEnv)}\n`);
  return 'flux-system';
}

/** LOCAL_TOKEN holds the commands whose `--token` is their own, not the API server token. */
const LOCAL_TOKEN = new WeakSet<Command>();

/** addCommonFlags declares the flags every create command accepts; `source` adds `--fetch-timeout`. */
export function addCommonFlags(cmd: Command, opts: { source?: boolean; interval?: boolean } = {}): Command {
  if (opts.interval !== false)
    cmd.option('--interval <duration>', 'how often to reconcile, a Go duration (default 1m0s)', durationArg);
  cmd
    .option('--export [bool]', 'print the object(s) as YAML on stdout instead of applying them', boolArg)
    .option('--label <key=value>', 'labels to set on the resource (repeatable, comma-separated)', sliceArg)
    .option(
      '-n, --namespace <namespace>',
      'the namespace of the object(s) (default: flux-system, or $FLUX_SYSTEM_NAMESPACE)',
    )
    .option('--kubeconfig <path>', 'path to the kubeconfig file')
    .option('--context <name>', 'the kubeconfig context to use')
    .option('--cluster <name>', 'the kubeconfig cluster to use')
    .option('--user <name>', 'the kubeconfig user to use')
    .option('--server <address>', 'the address and port of the Kubernetes API server');
  // A command's own --token (create secret receiver) shadows the global one, as a local flag does in cobra.
  if (cmd.options.some((o) => o.long === '--token')) LOCAL_TOKEN.add(cmd);
  else cmd.option('--token <token>', 'bearer token for authentication to the API server');
  cmd
    .option('--as <user>', 'username to impersonate')
    .option('--as-group <group>', 'group to impersonate (repeatable)', (v: string, prev: string[] | undefined) => [
      ...(prev ?? []),
      v,
    ])
    .option('--as-uid <uid>', 'UID to impersonate')
    .option(
      '--as-user-extra <key=value>',
      'user extras to impersonate (repeatable)',
      (v: string, prev: string[] | undefined) => [...(prev ?? []), v],
    )
    .option('--certificate-authority <path>', 'a cert file for the certificate authority of the API server')
    .option('--client-certificate <path>', 'a client certificate file for TLS authentication')
    .option('--client-key <path>', 'a client key file for TLS authentication')
    .option('--tls-server-name <name>', 'server name to use for server certificate validation')
    .option('--insecure-skip-tls-verify [bool]', "do not check the API server's certificate (insecure)", boolArg)
    .option('--disable-compression [bool]', 'opt out of response compression', boolArg)
    .option('--cache-dir <dir>', 'the kubectl cache directory')
    .option('--kube-api-qps <qps>', 'maximum queries per second to the Kubernetes API (default 50)')
    .option('--kube-api-burst <burst>', 'maximum burst of queries to the Kubernetes API (default 300)')
    .option('--ns-follows-kube-context [bool]', 'accepted for compatibility; create commands use --namespace', boolArg)
    .option('--timeout <duration>', 'how long to wait for the object(s) to become Ready (default 5m0s)', durationArg)
    .option('--verbose [bool]', 'print more output', boolArg);
  if (opts.source) {
    cmd.option('--fetch-timeout <duration>', 'timeout for fetch operations done by source-controller', durationArg);
  }
  inlineBoolFlags(cmd);
  return cmd;
}

/**
 * inlineBoolFlags makes a bare `--prune` mean `--prune=true`, so it never takes the next argument as its value: like
 * pflag, `--prune podinfo` is the flag and then the name. Values are only read from the `--flag=value` form.
 */
function inlineBoolFlags(cmd: Command): void {
  const original = cmd.parseOptions.bind(cmd);
  cmd.parseOptions = (argv: string[]) => {
    const bools = new Set(cmd.options.filter((o) => o.parseArg === boolArg && o.long).map((o) => o.long));
    const end = argv.indexOf('--');
    return original(argv.map((a, i) => ((end === -1 || i < end) && bools.has(a) ? `${a}=true` : a)));
  };
}

/** commonFlags reads the shared flags from commander's parsed options. */
export function commonFlags(opts: Record<string, unknown>, cmd?: Command): CommonFlags {
  const flags: CommonFlags = {
    interval: (opts['interval'] as bigint | undefined) ?? ONE_MINUTE,
    export: opts['export'] === true,
    label: (opts['label'] as string[] | undefined) ?? [],
    namespace: typeof opts['namespace'] === 'string' ? opts['namespace'] : defaultNamespace(),
    timeout: (opts['timeout'] as bigint | undefined) ?? 300_000_000_000n,
    kubeFlags: {},
  };
  const kubeKeys = [
    'cluster',
    'user',
    'server',
    'token',
    'as',
    'asGroup',
    'asUid',
    'asUserExtra',
    'certificateAuthority',
  ];
  kubeKeys.push(
    'clientCertificate',
    'clientKey',
    'tlsServerName',
    'insecureSkipTlsVerify',
    'disableCompression',
    'cacheDir',
  );
  kubeKeys.push('kubeApiQps', 'kubeApiBurst');
  if (cmd && LOCAL_TOKEN.has(cmd)) kubeKeys.splice(kubeKeys.indexOf('token'), 1);
  for (const k of kubeKeys) if (opts[k] !== undefined) flags.kubeFlags[k] = opts[k];
  if (typeof opts['kubeconfig'] === 'string') flags.kubeconfig = opts['kubeconfig'];
  if (typeof opts['context'] === 'string') flags.context = opts['context'];
  if (typeof opts['fetchTimeout'] === 'bigint') flags.fetchTimeout = opts['fetchTimeout'];
  return flags;
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

function qualifiedNameProblem(key: string): string | undefined {
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
