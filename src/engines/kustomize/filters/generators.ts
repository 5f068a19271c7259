import { posix } from 'node:path';

import { Scalar, YAMLMap } from 'yaml';

import type { Problems } from '../errors.ts';
import { type FileSystem, withinRealRoot } from '../fs.ts';
import { ensureMap, scalar, setField } from '../nodes.ts';
import { Resource } from '../resource.ts';

/** GeneratorOptions are `generatorOptions` or a generator's own `options`. */
export interface GeneratorOptions {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  disableNameSuffixHash?: boolean;
  immutable?: boolean;
}

/** GeneratorArgs is one configMapGenerator / secretGenerator entry. */
export interface GeneratorArgs {
  name?: string;
  namespace?: string;
  behavior?: string;
  literals?: string[];
  files?: string[];
  envs?: string[];
  env?: string;
  type?: string;
  options?: GeneratorOptions;
}

// ignoreBOM keeps a leading byte order mark in file data: kustomize copies file bytes into the object unchanged.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function removeQuotes(s: string): string {
  if (s.length < 2 || s[0] !== s[s.length - 1]) return s;
  return s[0] === '"' || s[0] === "'" ? s.slice(1, -1) : s;
}

const SECRET_LINE = 70;

/**
 * encodeBase64 is kyaml's encoding of generated Secret data and ConfigMap binaryData: base64, split into lines of
 * 70 characters each ending with a newline when it takes more than one line (kustomize prints those as literal
 * blocks).
 */
export function encodeBase64(bytes: Uint8Array): string {
  const text = Buffer.from(bytes).toString('base64');
  if (text.length < SECRET_LINE) return text;
  let out = '';
  for (let i = 0; i < text.length; i += SECRET_LINE) out += `${text.slice(i, i + SECRET_LINE)}\n`;
  return out;
}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/**
 * envPairs parses a dotenv file the way kustomize does: `KEY=value` lines, `#` comments, blank lines; a `KEY`
 * alone takes its value from `env` (kustomize's process environment, passed in by the caller) or is left out.
 */
export function envPairs(
  text: string,
  file: string,
  problems: Problems,
  env: Readonly<Record<string, string | undefined>> = {},
): [string, string][] {
  const out: [string, string][] = [];
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '').replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const key = eq < 0 ? line : line.slice(0, eq);
    if (!ENV_NAME.test(key)) {
      problems.add(file, `"${key}" is not a valid key name: must be a C identifier-like env var name`, i + 1, 1);
      return;
    }
    if (eq < 0) {
      const v = env[key];
      if (v !== undefined) out.push([key, v]);
      return;
    }
    out.push([key, line.slice(eq + 1)]);
  });
  return out;
}

/** GenerateContext is where a generator entry is read: its kustomization's directory and file, and the build's. */
export interface GenerateContext {
  dir: string;
  kustFile: string;
  fs: FileSystem;
  problems: Problems;
  /** rootOnly refuses files outside `dir` (kustomize's default load restrictor). */
  rootOnly?: boolean;
  /** env answers dotenv keys without a value (see envPairs). */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * generate builds the ConfigMap or Secret of one generator entry, reading files relative to `dir`. Returns
 * undefined after reporting a problem.
 */
export function generate(
  kind: 'ConfigMap' | 'Secret',
  args: GeneratorArgs,
  globalOptions: GeneratorOptions,
  where: GenerateContext,
): Resource | undefined {
  const { dir, kustFile, fs, problems, rootOnly = true, env = {} } = where;
  const name = args.name ?? '';
  if (!name) {
    problems.add(kustFile, `${kind} generator entry has no name`);
    return undefined;
  }
  const data = new Map<string, string>();
  const binary = new Map<string, Uint8Array>();
  const put = (key: string, value: string, where: string): void => {
    if (data.has(key) || binary.has(key)) {
      problems.add(where, `${kind} ${name}: key "${key}" is already set; duplicate keys are not allowed`);
      return;
    }
    data.set(key, value);
  };
  for (const lit of args.literals ?? []) {
    const eq = lit.indexOf('=');
    if (eq <= 0) {
      problems.add(kustFile, `${kind} ${name}: invalid literal source "${lit}", expected key=value`);
      continue;
    }
    put(lit.slice(0, eq), removeQuotes(lit.slice(eq + 1)), kustFile);
  }
  for (const spec of args.files ?? []) {
    const eq = spec.indexOf('=');
    const key = eq < 0 ? posix.basename(spec) : spec.slice(0, eq);
    const rel = eq < 0 ? spec : spec.slice(eq + 1);
    const path = posix.resolve(dir, rel);
    if (fs.stat(path) !== 'file') {
      problems.add(kustFile, `${kind} ${name}: file "${rel}" not found`);
      continue;
    }
    if (rootOnly && (!path.startsWith(`${dir}/`) || !withinRealRoot(fs, dir, path))) {
      problems.add(kustFile, `${kind} ${name}: security; file '${path}' is not in or below '${dir}'`);
      continue;
    }
    const bytes = fs.readFile(path);
    try {
      put(key, utf8.decode(bytes), kustFile);
    } catch {
      binary.set(key, bytes);
    }
  }
  for (const rel of [...(args.env ? [args.env] : []), ...(args.envs ?? [])]) {
    const path = posix.resolve(dir, rel);
    if (fs.stat(path) !== 'file') {
      problems.add(kustFile, `${kind} ${name}: env file "${rel}" not found`);
      continue;
    }
    if (rootOnly && (!path.startsWith(`${dir}/`) || !withinRealRoot(fs, dir, path))) {
      problems.add(kustFile, `${kind} ${name}: security; file '${path}' is not in or below '${dir}'`);
      continue;
    }
    const text = new TextDecoder().decode(fs.readFile(path));
    for (const [k, v] of envPairs(text, path, problems, env)) put(k, v, path);
  }
  // A generator's own options add to the global ones; the booleans can only be switched on.
  const opts: GeneratorOptions = {
    disableNameSuffixHash: globalOptions.disableNameSuffixHash === true || args.options?.disableNameSuffixHash === true,
    immutable: globalOptions.immutable === true || args.options?.immutable === true,
    labels: { ...globalOptions.labels, ...args.options?.labels },
    annotations: { ...globalOptions.annotations, ...args.options?.annotations },
  };
  const m = new YAMLMap();
  setField(m, 'apiVersion', scalar('v1'));
  setField(m, 'kind', scalar(kind));
  const meta = ensureMap(m, 'metadata');
  setField(meta, 'name', scalar(name));
  if (args.namespace) setField(meta, 'namespace', scalar(args.namespace));
  const labels = Object.entries(opts.labels ?? {});
  if (labels.length) {
    const lm = ensureMap(meta, 'labels');
    for (const [k, v] of labels) setField(lm, k, scalar(v));
  }
  const annotations = Object.entries(opts.annotations ?? {});
  if (annotations.length) {
    const am = ensureMap(meta, 'annotations');
    for (const [k, v] of annotations) setField(am, k, scalar(v));
  }
  if (kind === 'Secret') setField(m, 'type', scalar(args.type ?? 'Opaque'));
  if (data.size) {
    const d = ensureMap(m, 'data');
    for (const [k, v] of data)
      setField(d, k, scalar(kind === 'Secret' ? encodeBase64(new TextEncoder().encode(v)) : v));
  }
  if (binary.size) {
    const d = ensureMap(m, kind === 'Secret' ? 'data' : 'binaryData');
    for (const [k, v] of binary) setField(d, k, scalar(encodeBase64(v)));
  }
  if (opts.immutable) setField(m, 'immutable', new Scalar(true));
  const r = new Resource(m, kustFile);
  const behavior = args.behavior ?? 'create';
  if (behavior !== 'create' && behavior !== 'merge' && behavior !== 'replace') {
    problems.add(kustFile, `${kind} ${name}: unknown generator behavior "${behavior}"`);
    return undefined;
  }
  r.generator = { behavior, hash: opts.disableNameSuffixHash !== true };
  return r;
}
