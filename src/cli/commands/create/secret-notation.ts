// `create secret notation`: a Secret with Notation's trust policy (`trustpolicy.json`) and the CA certificates it
// trusts, keyed by file name (flux v2.9.5 cmd/flux/create_secret_notation.go). The policy is checked with the rules
// of notation-go v1.3's trustpolicy.Document.Validate; distinguished names are parsed with a simplified RFC 4514
// reader (escapes `\,`, `\+`, `\=` honoured; hex-encoded values refused, as notation refuses `=#`).
import { basename } from 'node:path';

import type { Command } from 'commander';

import { createAction } from './action.ts';
import type { CreateDeps } from './action.ts';
import { CreateInputError } from './common.ts';
import { addCommonFlags, sliceArg } from './flags.ts';
import type { CommonFlags, KubeObject } from './common.ts';
import { readCredentialFile, secretObject } from './secret-common.ts';

const TRUST_POLICY_KEY = 'trustpolicy.json';
const LEVELS = ['strict', 'permissive', 'audit', 'skip'];
const TYPES = ['integrity', 'authenticity', 'authenticTimestamp', 'expiry', 'revocation'];
const ACTIONS = ['enforce', 'log', 'skip'];
const STORE_TYPES = ['ca', 'signingAuthority', 'tsa'];
const DOMAIN =
  /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))+)?(?::[0-9]+)?$/;
const REPOSITORY =
  /^[a-z0-9]+(?:(?:(?:[._]|__|[-]*)[a-z0-9]+)+)?(?:(?:\/[a-z0-9]+(?:(?:(?:[._]|__|[-]*)[a-z0-9]+)+)?)+)?$/;

const invalid = (msg: string): CreateInputError => new CreateInputError(`invalid trust policy: ${msg}`);
const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** field reads a JSON field as Go's encoding/json does: the exact key, else a case-insensitive match. */
function field(obj: Record<string, unknown>, name: string): unknown {
  if (name in obj) return obj[name];
  const key = Object.keys(obj)
    .reverse()
    .find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : obj[key];
}

function strings(v: unknown, file: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) throw unmarshal(file, 'expected a list of strings');
  return v as string[];
}

function str(v: unknown, file: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw unmarshal(file, 'expected a string');
  return v;
}

const unmarshal = (file: string, why: string): CreateInputError =>
  new CreateInputError(`failed to unmarshal trust policy ${file}: ${why}`, {
    hint: 'the trust policy must be a Notation trust policy JSON document (version "1.0")',
  });

/** parseDn reads an x509.subject value into attribute → value; throws on what notation refuses. */
function parseDn(name: string): Map<string, string> {
  if (name.includes('=#')) throw new Error(`unsupported distinguished name (DN) "${name}": "=#" is not supported`);
  const rdns: string[][] = [[]];
  let cur = '';
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]!;
    if (ch === '\\' && i + 1 < name.length) {
      cur += name[++i]!;
    } else if (ch === ',' || ch === ';') {
      rdns[rdns.length - 1]!.push(cur);
      rdns.push([]);
      cur = '';
    } else if (ch === '+') {
      rdns[rdns.length - 1]!.push(cur);
      cur = '';
    } else cur += ch;
  }
  rdns[rdns.length - 1]!.push(cur);
  const out = new Map<string, string>();
  for (const rdn of rdns) {
    if (rdn.length > 1) throw new Error(`distinguished name (DN) "${name}" has multi-valued RDN attributes`);
    const [attr = ''] = rdn;
    const eq = attr.indexOf('=');
    if (eq <= 0) throw new Error(`parsing distinguished name (DN) "${name}" failed`);
    let type = attr.slice(0, eq).trim();
    if (type === 'S') type = 'ST';
    if (out.get(type)) throw new Error(`distinguished name (DN) "${name}" has duplicate RDN attribute for "${type}"`);
    out.set(type, attr.slice(eq + 1).trim());
  }
  for (const f of ['C', 'ST', 'O']) {
    if (!out.has(f)) throw new Error(`distinguished name (DN) "${name}" has no mandatory RDN attribute for "${f}"`);
  }
  return out;
}

const isSubset = (a: Map<string, string>, b: Map<string, string>): boolean => [...a].every(([k, v]) => b.get(k) === v);

/** validateTrustPolicy applies notation-go's trustpolicy.Document.Validate to the file's JSON. */
export function validateTrustPolicy(text: string, file: string): void {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw unmarshal(file, (err as Error).message);
  }
  if (!isMap(doc)) throw unmarshal(file, 'expected a JSON object');
  const version = str(field(doc, 'version'), file);
  if (version === '') throw invalid('trust policy document has empty version, version must be specified');
  if (version !== '1.0') throw invalid(`trust policy document uses unsupported version "${version}"`);
  const statements = field(doc, 'trustPolicies');
  if (statements !== undefined && statements !== null && !Array.isArray(statements)) {
    throw unmarshal(file, 'trustPolicies must be a list');
  }
  const list = (statements ?? []) as unknown[];
  if (list.length === 0) throw invalid('trust policy document can not have zero trust policy statements');
  const names = new Set<string>();
  const parsed = list.map((s) => {
    if (!isMap(s)) throw unmarshal(file, 'a trust policy statement must be an object');
    const sv = field(s, 'signatureVerification');
    if (sv !== undefined && sv !== null && !isMap(sv)) throw unmarshal(file, 'signatureVerification must be an object');
    const override = isMap(sv) ? field(sv, 'override') : undefined;
    if (override !== undefined && override !== null && !isMap(override))
      throw unmarshal(file, 'override must be an object');
    return {
      name: str(field(s, 'name'), file),
      scopes: strings(field(s, 'registryScopes'), file),
      level: isMap(sv) ? str(field(sv, 'level'), file) : '',
      override: Object.entries(override ?? {}).map(([k, v]) => [k, str(v, file)] as const),
      verifyTimestamp: isMap(sv) ? str(field(sv, 'verifyTimestamp'), file) : '',
      stores: strings(field(s, 'trustStores'), file),
      identities: strings(field(s, 'trustedIdentities'), file),
    };
  });
  for (const p of parsed) {
    if (names.has(p.name)) {
      throw invalid(`multiple trust policy statements use the same name "${p.name}", statement names must be unique`);
    }
    if (p.name === '') throw invalid('a trust policy statement is missing a name, every statement requires a name');
    const bad = (why: string): CreateInputError =>
      invalid(`trust policy statement "${p.name}" has invalid signatureVerification: ${why}`);
    if (p.level === '') throw bad('signature verification level is empty or missing in the trust policy statement');
    if (!LEVELS.includes(p.level)) throw bad(`invalid signature verification level "${p.level}"`);
    if (p.override.length > 0 && p.level === 'skip') {
      throw bad(`signature verification level "skip" can't be used to customize signature verification`);
    }
    for (const [type, action] of p.override) {
      if (!TYPES.includes(type))
        throw bad(`verification type "${type}" in custom signature verification is not supported`);
      if (!ACTIONS.includes(action)) {
        throw bad(`verification action "${action}" in custom signature verification is not supported`);
      }
      if (type === 'integrity')
        throw bad(`"integrity" verification can not be overridden in custom signature verification`);
      if (type !== 'revocation' && action === 'skip') {
        throw bad(`"${type}" verification can not be skipped in custom signature verification`);
      }
    }
    if (p.verifyTimestamp !== '' && p.verifyTimestamp !== 'always' && p.verifyTimestamp !== 'afterCertExpiry') {
      throw bad(`verifyTimestamp must be "always" or "afterCertExpiry", but got "${p.verifyTimestamp}"`);
    }
    const where = `trust policy statement "${p.name}"`;
    if (p.level === 'skip') {
      if (p.stores.length > 0 || p.identities.length > 0) {
        throw invalid(
          `${where} is set to skip signature verification but configured with trust stores and/or trusted identities`,
        );
      }
    } else {
      if (p.stores.length === 0 || p.identities.length === 0) {
        throw invalid(`${where} is either missing trust stores or trusted identities, both must be specified`);
      }
      for (const store of p.stores) {
        const colon = store.indexOf(':');
        if (colon < 0) throw invalid(`${where} has malformed trust store value "${store}"`);
        if (!STORE_TYPES.includes(store.slice(0, colon))) {
          throw invalid(`${where} uses an unsupported trust store type in trust store value "${store}"`);
        }
        if (!/^[a-zA-Z0-9_.-]+$/.test(store.slice(colon + 1))) {
          throw invalid(`${where} uses an unsupported trust store name in trust store value "${store}"`);
        }
      }
      if (p.identities.length > 1 && p.identities.includes('*')) {
        throw invalid(`${where} uses a wildcard trusted identity '*' with other values`);
      }
      const dns: { raw: string; dn: Map<string, string> }[] = [];
      for (const identity of p.identities) {
        if (identity === '') throw invalid(`${where} has an empty trusted identity`);
        if (identity === '*') continue;
        const colon = identity.indexOf(':');
        if (colon < 0) throw invalid(`${where} has trusted identity "${identity}" missing separator`);
        if (identity.slice(0, colon) !== 'x509.subject') continue;
        const value = identity.slice(colon + 1);
        if (value === '') throw invalid(`${where} has trusted identity "${identity}" without an identity value`);
        try {
          dns.push({ raw: identity, dn: parseDn(value) });
        } catch (err) {
          throw invalid(
            `${where} has trusted identity "${identity}" with invalid identity value: ${(err as Error).message}`,
          );
        }
      }
      for (const [i, a] of dns.entries()) {
        for (const [j, b] of dns.entries()) {
          if (i !== j && isSubset(a.dn, b.dn)) {
            throw invalid(`${where} has overlapping x509 trustedIdentities, "${a.raw}" overlaps with "${b.raw}"`);
          }
        }
      }
    }
    names.add(p.name);
  }
  const counts = new Map<string, number>();
  for (const p of parsed) {
    if (p.scopes.length === 0) throw invalid(`trust policy statement "${p.name}" has zero registry scopes`);
    if (p.scopes.length > 1 && p.scopes.includes('*')) {
      throw invalid(`trust policy statement "${p.name}" uses wildcard registry scope '*' with other scope values`);
    }
    for (const scope of p.scopes) {
      if (scope !== '*') {
        const slash = scope.indexOf('/');
        const domain = slash < 0 ? '' : scope.slice(0, slash);
        const repo = slash < 0 ? '' : scope.slice(slash + 1);
        if ((scope.length > 1 && scope.includes('*')) || !DOMAIN.test(domain) || !REPOSITORY.test(repo)) {
          throw invalid(`registry scope "${scope}" is not valid, make sure it is a fully qualified repository`);
        }
      }
      counts.set(scope, (counts.get(scope) ?? 0) + 1);
    }
  }
  for (const [scope, n] of counts) {
    if (n > 1) throw invalid(`registry scope "${scope}" is present in multiple trust policy statements`);
  }
}

/** buildNotationSecret builds the Secret `flux create secret notation` would print. */
export async function buildNotationSecret(
  name: string,
  common: CommonFlags,
  o: Record<string, unknown>,
): Promise<KubeObject[]> {
  const caFiles = (o['caCertFile'] as string[] | undefined) ?? [];
  if (caFiles.length === 0) throw new CreateInputError('--ca-cert-file is required: pass the root CA certificate file');
  const policyFile = (o['trustPolicyFile'] as string | undefined) ?? '';
  if (policyFile === '') throw new CreateInputError('--trust-policy-file is required: pass the Notation trust policy');
  secretObject(name, common, {}); // validates --label first, as flux does
  const policy = await readCredentialFile(policyFile, 'unable to read trust policy file');
  validateTrustPolicy(policy, policyFile);
  const stringData: Record<string, string> = {};
  const problems: string[] = [];
  for (const file of caFiles) {
    const base = basename(file);
    if (!base.endsWith('.crt') && !base.endsWith('.pem')) {
      problems.push(`${base} must end with either .crt or .pem`);
      continue;
    }
    try {
      stringData[base] = await readCredentialFile(file, 'unable to read TLS CA file');
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  if (problems.length > 0) throw new CreateInputError(problems.join('; '));
  stringData[TRUST_POLICY_KEY] = policy;
  return [secretObject(name, common, stringData)];
}

/** registerSecretNotation adds `create secret notation`. */
export function registerSecretNotation(secret: Command, deps: CreateDeps): void {
  const cmd = secret
    .command('notation')
    .argument('[name]', 'name of the Secret')
    .description('Create or update a Kubernetes secret for verification of artifacts signed by Notation')
    .option('--trust-policy-file <path>', 'notation trust policy file path')
    .option('--ca-cert-file <path>', 'root ca cert file path (repeatable, comma-separated)', sliceArg);
  addCommonFlags(cmd)
    .addHelpText(
      'after',
      `
Examples:
  # Print a Secret with a trust policy and the CA certificate it trusts
  fluxts create secret notation notation-config --trust-policy-file=./trustpolicy.json \\
    --ca-cert-file=./ca.crt --export`,
    )
    .action(createAction(deps, buildNotationSecret, 'secret'));
}
