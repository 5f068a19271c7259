// The flags every create command shares (flux's persistent create flags and its global kubeconfig flags) and flag
// value parsers that behave like Go's pflag: durations, booleans only in `--flag=value` form, comma-separated slices.
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';

import type { CommonFlags } from './common.ts';
import { DurationError, parseGoDuration } from './duration.ts';

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
