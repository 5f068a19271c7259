import { quote as goQuote } from '../../gotemplate/index.ts';
import { parseVersion } from '../../semver-range/index.ts';
import { yamlToJson, YamlToJsonError } from '../yaml/decode.ts';
import type { Value } from '../values/value.ts';
import { decodeGoStruct, GoAny, GoBool, GoJsonTypeError, GoString, type GoType, sigsTarget } from './gojson.ts';
import type { Dependency, Maintainer, Metadata } from './types.ts';

/** Chart.yaml's Go types, for sigs.k8s.io/yaml's string conversion and encoding/json's messages. */
const MAINTAINER: GoType & { kind: 'struct' } = {
  kind: 'struct',
  goName: 'v2.Maintainer',
  pointer: true,
  fields: [
    { json: 'name', prop: 'name', type: GoString },
    { json: 'email', prop: 'email', type: GoString },
    { json: 'url', prop: 'url', type: GoString },
  ],
};

export const DEPENDENCY: GoType & { kind: 'struct' } = {
  kind: 'struct',
  goName: 'v2.Dependency',
  pointer: true,
  fields: [
    { json: 'name', prop: 'name', type: GoString },
    { json: 'version', prop: 'version', type: GoString },
    { json: 'repository', prop: 'repository', type: GoString },
    { json: 'condition', prop: 'condition', type: GoString },
    { json: 'tags', prop: 'tags', type: { kind: 'slice', goName: '[]string', elem: GoString } },
    { json: 'enabled', prop: 'enabled', type: GoBool },
    { json: 'import-values', prop: 'importValues', type: { kind: 'slice', goName: '[]interface {}', elem: GoAny } },
    { json: 'alias', prop: 'alias', type: GoString },
  ],
};

const STRINGS: GoType = { kind: 'slice', goName: '[]string', elem: GoString };

export const METADATA: GoType & { kind: 'struct' } = {
  kind: 'struct',
  goName: 'v2.Metadata',
  fields: [
    { json: 'name', prop: 'name', type: GoString },
    { json: 'home', prop: 'home', type: GoString },
    { json: 'sources', prop: 'sources', type: STRINGS },
    { json: 'version', prop: 'version', type: GoString },
    { json: 'description', prop: 'description', type: GoString },
    { json: 'keywords', prop: 'keywords', type: STRINGS },
    { json: 'maintainers', prop: 'maintainers', type: { kind: 'slice', goName: '[]*v2.Maintainer', elem: MAINTAINER } },
    { json: 'icon', prop: 'icon', type: GoString },
    { json: 'apiVersion', prop: 'apiVersion', type: GoString },
    { json: 'condition', prop: 'condition', type: GoString },
    { json: 'tags', prop: 'tags', type: GoString },
    { json: 'appVersion', prop: 'appVersion', type: GoString },
    { json: 'deprecated', prop: 'deprecated', type: GoBool },
    { json: 'annotations', prop: 'annotations', type: { kind: 'map', goName: 'map[string]string', elem: GoString } },
    { json: 'kubeVersion', prop: 'kubeVersion', type: GoString },
    {
      json: 'dependencies',
      prop: 'dependencies',
      type: { kind: 'slice', goName: '[]*v2.Dependency', elem: DEPENDENCY },
    },
    { json: 'type', prop: 'type', type: GoString },
  ],
};

export const LOCK: GoType & { kind: 'struct' } = {
  kind: 'struct',
  goName: 'v2.Lock',
  pointer: true,
  fields: [
    { json: 'generated', prop: 'generated', type: GoString },
    { json: 'digest', prop: 'digest', type: GoString },
    {
      json: 'dependencies',
      prop: 'dependencies',
      type: { kind: 'slice', goName: '[]*v2.Dependency', elem: DEPENDENCY, nilable: true },
    },
  ],
};

/** ChartYamlError is a Chart.yaml, requirements.yaml or lock file that does not decode; message as Helm's. */
export class ChartYamlError extends Error {}

/**
 * unmarshalYaml is sigs.k8s.io/yaml.Unmarshal into a Go struct: YAML→JSON (scalars stringified for string
 * fields), then encoding/json into `current`.
 */
export function unmarshalYaml<T>(data: Uint8Array | string, type: GoType & { kind: 'struct' }, current?: T): T {
  let v: Value;
  try {
    v = yamlToJson(data, { target: sigsTarget(type) });
  } catch (err) {
    if (err instanceof YamlToJsonError) throw new ChartYamlError(`error converting YAML to JSON: ${err.message}`);
    throw err;
  }
  try {
    return decodeGoStruct<T>(v, type, current);
  } catch (err) {
    if (err instanceof GoJsonTypeError) {
      throw new ChartYamlError(`error unmarshaling JSON: while decoding JSON: ${err.message}`);
    }
    throw err;
  }
}

/** ChartValidationError is Helm's ValidationError: the message starts with `validation: `. */
export class ChartValidationError extends Error {
  constructor(message: string) {
    super(`validation: ${message}`);
  }
}

/** GO_SPACE is unicode.IsSpace: Latin-1 spaces (NEL and NBSP included) and the White_Space property. */
const GO_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/u;

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** isGoPrint is unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
function isGoPrint(ch: string): boolean {
  return ch === ' ' || PRINTABLE.test(ch);
}

/** sanitizeString turns every Unicode space into an ASCII space and drops non-printable characters (Go rules). */
export function sanitizeString(s: string): string {
  let out = '';
  for (const ch of s) {
    if (GO_SPACE.test(ch)) out += ' ';
    else if (isGoPrint(ch)) out += ch;
  }
  return out;
}

const ALIAS = /^[a-zA-Z0-9_-]+$/;

const goQ = goQuote;

/** goBase is path/filepath.Base on Linux. */
function goBase(p: string): string {
  if (p === '') return '.';
  const trimmed = p.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

function validateMaintainer(m: Maintainer | null): void {
  if (m === null) throw new ChartValidationError('maintainers must not contain empty or null nodes');
  m.name = sanitizeString(m.name);
  m.email = sanitizeString(m.email);
  m.url = sanitizeString(m.url);
}

function validateDependency(d: Dependency | null): void {
  if (d === null) throw new ChartValidationError('dependencies must not contain empty or null nodes');
  d.name = sanitizeString(d.name);
  d.version = sanitizeString(d.version);
  d.repository = sanitizeString(d.repository);
  d.condition = sanitizeString(d.condition);
  d.tags = d.tags.map(sanitizeString);
  if (d.alias !== '' && !ALIAS.test(d.alias)) {
    throw new ChartValidationError(`dependency ${goQ(d.name)} has disallowed characters in the alias`);
  }
}

/** validateMetadata is Metadata.Validate: sanitises strings, then checks the required fields as Helm does. */
export function validateMetadata(md: Metadata): void {
  md.name = sanitizeString(md.name);
  md.description = sanitizeString(md.description);
  md.home = sanitizeString(md.home);
  md.icon = sanitizeString(md.icon);
  md.condition = sanitizeString(md.condition);
  md.tags = sanitizeString(md.tags);
  md.appVersion = sanitizeString(md.appVersion);
  md.kubeVersion = sanitizeString(md.kubeVersion);
  md.sources = md.sources.map(sanitizeString);
  md.keywords = md.keywords.map(sanitizeString);
  if (md.apiVersion === '') throw new ChartValidationError('chart.metadata.apiVersion is required');
  if (md.name === '') throw new ChartValidationError('chart.metadata.name is required');
  if (md.name === '.' || md.name === '..')
    throw new ChartValidationError(`chart.metadata.name ${goQ(md.name)} is not allowed`);
  if (goBase(md.name) !== md.name) throw new ChartValidationError(`chart.metadata.name ${goQ(md.name)} is invalid`);
  if (md.version === '') throw new ChartValidationError('chart.metadata.version is required');
  if (!isValidSemver(md.version))
    throw new ChartValidationError(`chart.metadata.version ${goQ(md.version)} is invalid`);
  if (md.type !== '' && md.type !== 'application' && md.type !== 'library') {
    throw new ChartValidationError('chart.metadata.type must be application or library');
  }
  for (const m of md.maintainers) validateMaintainer(m);
  const seen = new Set<string>();
  for (const d of md.dependencies ?? []) {
    validateDependency(d);
    const key = d!.alias !== '' ? d!.alias : d!.name;
    if (seen.has(key)) throw new ChartValidationError(`more than one dependency with name or alias ${goQ(key)}`);
    seen.add(key);
  }
}

function isValidSemver(v: string): boolean {
  try {
    parseVersion(v);
    return true;
  } catch {
    return false;
  }
}
