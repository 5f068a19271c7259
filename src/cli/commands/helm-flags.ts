/**
 * `helm template`'s command line as helm parses it: spf13/pflag's grammar (interspersed flags and positionals,
 * `--flag=value` and `--flag value`, `-s value`, `-svalue` and `-s=value`, grouped shorthands, booleans that take
 * `=true|false|1|0|t|f…`, `--` ending the flags) and pflag's error texts, which helm prints after `Error: `.
 * commander's grammar differs (booleans refuse `=false`, `-n=ns` keeps the `=`) and so do its messages.
 */

/** TemplateFlags are `helm template`'s flags. */
export interface TemplateFlags {
  values: string[];
  set: string[];
  setString: string[];
  setFile: string[];
  setJson: string[];
  setLiteral: string[];
  namespace?: string;
  includeCrds: boolean;
  skipCrds: boolean;
  skipTests: boolean;
  hooks: boolean;
  showOnly: string[];
  kubeVersion?: string;
  apiVersions: string[];
  isUpgrade: boolean;
  nameTemplate?: string;
  generateName: boolean;
  skipSchemaValidation: boolean;
}

type Kind = 'bool' | 'string' | 'array' | 'slice';
type FlagKey = Exclude<keyof TemplateFlags, 'hooks'> | 'noHooks';

/** FlagSpec is one flag: its long name, shorthand, value kind, where it goes and its help. */
export interface FlagSpec {
  long: string;
  short?: string;
  kind: Kind;
  key: FlagKey;
  help: string;
}

/** TEMPLATE_FLAGS are the flags of `helm template` fluxts implements (the ones a Flux user touches). */
export const TEMPLATE_FLAGS: readonly FlagSpec[] = [
  { long: 'values', short: 'f', kind: 'slice', key: 'values', help: 'values files (several, or comma-separated)' },
  { long: 'set', kind: 'array', key: 'set', help: 'set values (key1=val1,key2=val2)' },
  { long: 'set-string', kind: 'array', key: 'setString', help: 'set STRING values' },
  { long: 'set-file', kind: 'array', key: 'setFile', help: 'set values from files (key=path)' },
  { long: 'set-json', kind: 'array', key: 'setJson', help: 'set JSON values (key=jsonval)' },
  { long: 'set-literal', kind: 'array', key: 'setLiteral', help: 'set a literal STRING value' },
  { long: 'namespace', short: 'n', kind: 'string', key: 'namespace', help: 'namespace of the release' },
  { long: 'include-crds', kind: 'bool', key: 'includeCrds', help: 'include CRDs in the templated output' },
  { long: 'skip-crds', kind: 'bool', key: 'skipCrds', help: 'no effect on rendering (CRDs print only when included)' },
  { long: 'skip-tests', kind: 'bool', key: 'skipTests', help: 'skip tests from templated output' },
  { long: 'no-hooks', kind: 'bool', key: 'noHooks', help: 'prevent hooks from being printed' },
  { long: 'show-only', short: 's', kind: 'array', key: 'showOnly', help: 'only show manifests from these templates' },
  { long: 'kube-version', kind: 'string', key: 'kubeVersion', help: 'Kubernetes version for Capabilities.KubeVersion' },
  { long: 'api-versions', short: 'a', kind: 'slice', key: 'apiVersions', help: 'API versions for Capabilities' },
  { long: 'is-upgrade', kind: 'bool', key: 'isUpgrade', help: 'set .Release.IsUpgrade instead of .Release.IsInstall' },
  { long: 'name-template', kind: 'string', key: 'nameTemplate', help: 'template used to name the release' },
  { long: 'generate-name', short: 'g', kind: 'bool', key: 'generateName', help: 'generate the name (omit NAME)' },
  { long: 'skip-schema-validation', kind: 'bool', key: 'skipSchemaValidation', help: 'disable JSON schema validation' },
];

const BY_LONG = new Map(TEMPLATE_FLAGS.map((f) => [f.long, f]));
const BY_SHORT = new Map(TEMPLATE_FLAGS.filter((f) => f.short !== undefined).map((f) => [f.short!, f]));

/** ParsedTemplateArgs is the outcome: positionals and flags, or pflag's error text (without `Error: `). */
export type ParsedTemplateArgs = { args: string[]; flags: TemplateFlags } | { error: string };

/** parseTemplateArgs parses argv (after `helm template`) with pflag's grammar. */
export function parseTemplateArgs(argv: readonly string[]): ParsedTemplateArgs {
  const state: Record<string, unknown> = {};
  const args: string[] = [];
  const set = (f: FlagSpec, value: string): string | undefined => {
    switch (f.kind) {
      case 'bool': {
        const b = parseBool(value);
        if (b === undefined)
          return `invalid argument ${goQuote(value)} for ${goQuote(dashes(f))} flag: strconv.ParseBool: parsing ${goQuote(value)}: invalid syntax`;
        state[f.key] = b;
        return undefined;
      }
      case 'string':
        state[f.key] = value;
        return undefined;
      case 'array':
        state[f.key] = [...((state[f.key] as string[] | undefined) ?? []), value];
        return undefined;
      case 'slice': {
        const parts = splitCsv(value);
        if (parts === undefined)
          return `invalid argument ${goQuote(value)} for ${goQuote(dashes(f))} flag: bare " in non-quoted-field`;
        state[f.key] = [...((state[f.key] as string[] | undefined) ?? []), ...parts];
        return undefined;
      }
    }
  };
  for (let i = 0; i < argv.length; i++) {
    const s = argv[i]!;
    if (s === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (s.length < 2 || s[0] !== '-') {
      args.push(s);
      continue;
    }
    if (s[1] === '-') {
      const eq = s.indexOf('=');
      const name = s.slice(2, eq < 0 ? undefined : eq);
      const f = BY_LONG.get(name);
      if (name.length === 0 || name[0] === '-' || name[0] === '=') return { error: `bad flag syntax: ${s}` };
      if (f === undefined) return { error: `unknown flag: --${name}` };
      let value: string;
      if (eq >= 0) value = s.slice(eq + 1);
      else if (f.kind === 'bool') value = 'true';
      else if (i + 1 < argv.length) value = argv[++i]!;
      else return { error: `flag needs an argument: ${s}` };
      const err = set(f, value);
      if (err !== undefined) return { error: err };
      continue;
    }
    // Shorthands, possibly grouped: -gs value, -svalue, -s=value.
    let rest = s.slice(1);
    while (rest.length > 0) {
      const c = rest[0]!;
      const f = BY_SHORT.get(c);
      if (f === undefined) return { error: `unknown shorthand flag: '${c}' in -${rest}` };
      let value: string;
      if (rest.length > 2 && rest[1] === '=') {
        value = rest.slice(2);
        rest = '';
      } else if (f.kind === 'bool') {
        value = 'true';
        rest = rest.slice(1);
      } else if (rest.length > 1) {
        value = rest.slice(1);
        rest = '';
      } else if (i + 1 < argv.length) {
        value = argv[++i]!;
        rest = '';
      } else return { error: `flag needs an argument: '${c}' in -${rest}` };
      const err = set(f, value);
      if (err !== undefined) return { error: err };
    }
  }
  const flags: TemplateFlags = {
    values: (state['values'] as string[] | undefined) ?? [],
    set: (state['set'] as string[] | undefined) ?? [],
    setString: (state['setString'] as string[] | undefined) ?? [],
    setFile: (state['setFile'] as string[] | undefined) ?? [],
    setJson: (state['setJson'] as string[] | undefined) ?? [],
    setLiteral: (state['setLiteral'] as string[] | undefined) ?? [],
    includeCrds: state['includeCrds'] === true,
    skipCrds: state['skipCrds'] === true,
    skipTests: state['skipTests'] === true,
    hooks: state['noHooks'] !== true,
    showOnly: (state['showOnly'] as string[] | undefined) ?? [],
    apiVersions: (state['apiVersions'] as string[] | undefined) ?? [],
    isUpgrade: state['isUpgrade'] === true,
    generateName: state['generateName'] === true,
    skipSchemaValidation: state['skipSchemaValidation'] === true,
  };
  if (typeof state['namespace'] === 'string') flags.namespace = state['namespace'];
  if (typeof state['kubeVersion'] === 'string') flags.kubeVersion = state['kubeVersion'];
  if (typeof state['nameTemplate'] === 'string') flags.nameTemplate = state['nameTemplate'];
  return { args, flags };
}

/** templateFlagsHelp lists the flags for `fluxts helm template --help`. */
export function templateFlagsHelp(): string {
  const rows = TEMPLATE_FLAGS.map((f) => {
    const names = `${f.short !== undefined ? `-${f.short}, ` : '    '}--${f.long}${f.kind === 'bool' ? '' : ' <value>'}`;
    return `  ${names.padEnd(36)}${f.help}`;
  });
  return `Flags:\n${rows.join('\n')}\n`;
}

function dashes(f: FlagSpec): string {
  return `--${f.long}`;
}

/** parseBool is Go's strconv.ParseBool. */
function parseBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return undefined;
}

/** goQuote is strconv.Quote for the plain text of a flag error. */
function goQuote(s: string): string {
  return JSON.stringify(s);
}

/**
 * splitCsv is pflag's StringSlice parsing of one occurrence (encoding/csv, one record): commas separate, double
 * quotes protect commas, `""` inside quotes is a quote; an empty value is no element.
 */
function splitCsv(value: string): string[] | undefined {
  if (value === '') return [];
  const out: string[] = [];
  let field = '';
  let quoted = false;
  let wasQuoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (quoted) {
      if (c === '"' && value[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '' && !wasQuoted) {
      quoted = true;
      wasQuoted = true;
    } else if (c === '"') return undefined;
    else if (c === ',') {
      out.push(field);
      field = '';
      wasQuoted = false;
    } else field += c;
  }
  out.push(field);
  return out;
}
