// `create secret notation`: a Secret with Notation's trust policy (`trustpolicy.json`) and the CA certificates it
// trusts, keyed by file name (flux v2.9.5 cmd/flux/create_secret_notation.go). The policy is checked with the rules
// of notation-go v1.3's trustpolicy.Document.Validate, after decoding it as Go's json.Unmarshal does; distinguished
// names are read by go-ldap's RFC 4514 parser with notation's rules (./notation-dn.ts). Errors carry their words.
import { basename } from 'node:path';

import type { Command } from 'commander';

import { createAction } from './action.ts';
import type { CreateDeps } from './action.ts';
import { validate as validateJson, GoJsonError } from '../../../engines/gojson/index.ts';
import { CreateInputError } from './common.ts';
import { DnError, isSubsetDn, parseDistinguishedName } from './notation-dn.ts';
import { quote as goQuote } from '../../../engines/gotemplate/index.ts';
import { addCommonFlags, sliceArg } from './flags.ts';
import type { CommonFlags, KubeObject } from './common.ts';
import { readCredentialFile, secretObject } from './secret-common.ts';

const TRUST_POLICY_KEY = 'trustpolicy.json';

const invalid = (msg: string): CreateInputError => new CreateInputError(`invalid trust policy: ${msg}`);

/** TrustPolicy is notation-go's trustpolicy.TrustPolicy as json.Unmarshal fills it. */
interface TrustPolicy {
  name: string;
  scopes: string[];
  level: string;
  override: [string, string][];
  verifyTimestamp: string;
  stores: string[];
  identities: string[];
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** jsonKind names a JSON value as Go's UnmarshalTypeError does. */
function jsonKind(v: Json): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'object';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

const isObject = (v: Json): v is { [k: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Decoder is json.Unmarshal into notation-go's trustpolicy.Document: field names matched without case (exact
 * first), unknown fields ignored, null leaving the zero value, and the first type mismatch reported with Go's text
 * once decoding is done (a mismatched field stays zero and decoding goes on, as in Go).
 */
class Decoder {
  first: string | undefined;

  private mismatch(v: Json, where: string, type: string): void {
    this.first ??= `json: cannot unmarshal ${jsonKind(v)} into ${where} of type ${type}`;
  }

  /** fields visits an object's keys in order, each under the struct field it decodes into (if any). */
  private fields(o: { [k: string]: Json }, names: readonly string[], visit: (name: string, v: Json) => void): void {
    for (const [key, v] of Object.entries(o)) {
      const name = names.includes(key) ? key : names.find((n) => n.toLowerCase() === key.toLowerCase());
      if (name !== undefined) visit(name, v);
    }
  }

  private string(v: Json, where: string, type = 'string'): string {
    if (v === null) return '';
    if (typeof v === 'string') return v;
    this.mismatch(v, where, type);
    return '';
  }

  private strings(v: Json, where: string): string[] {
    if (v === null) return [];
    if (!Array.isArray(v)) {
      this.mismatch(v, where, '[]string');
      return [];
    }
    return v.map((s) => this.string(s, where));
  }

  document(v: Json): { version: string; policies: TrustPolicy[] } {
    const doc = { version: '', policies: [] as TrustPolicy[] };
    if (v === null) return doc;
    if (!isObject(v)) {
      this.first ??= `json: cannot unmarshal ${jsonKind(v)} into Go value of type trustpolicy.Document`;
      return doc;
    }
    this.fields(v, ['version', 'trustPolicies'], (name, x) => {
      if (name === 'version') doc.version = this.string(x, 'Go struct field Document.version');
      else if (x === null) doc.policies = [];
      else if (!Array.isArray(x))
        this.mismatch(x, 'Go struct field Document.trustPolicies', '[]trustpolicy.TrustPolicy');
      else doc.policies = x.map((p) => this.policy(p));
    });
    return doc;
  }

  private policy(v: Json): TrustPolicy {
    const p: TrustPolicy = {
      name: '',
      scopes: [],
      level: '',
      override: [],
      verifyTimestamp: '',
      stores: [],
      identities: [],
    };
    if (v === null) return p;
    if (!isObject(v)) {
      this.mismatch(v, 'Go struct field Document.trustPolicies', 'trustpolicy.TrustPolicy');
      return p;
    }
    const at = (f: string): string => `Go struct field TrustPolicy.trustPolicies.${f}`;
    const names = ['name', 'registryScopes', 'signatureVerification', 'trustStores', 'trustedIdentities'];
    this.fields(v, names, (name, x) => {
      if (name === 'name') p.name = this.string(x, at('name'));
      else if (name === 'registryScopes') p.scopes = this.strings(x, at('registryScopes'));
      else if (name === 'trustStores') p.stores = this.strings(x, at('trustStores'));
      else if (name === 'trustedIdentities') p.identities = this.strings(x, at('trustedIdentities'));
      else this.verification(x, p);
    });
    return p;
  }

  private verification(v: Json, p: TrustPolicy): void {
    if (v === null) return;
    if (!isObject(v)) {
      this.mismatch(
        v,
        'Go struct field TrustPolicy.trustPolicies.signatureVerification',
        'trustpolicy.SignatureVerification',
      );
      return;
    }
    const at = (f: string): string => `Go struct field SignatureVerification.trustPolicies.signatureVerification.${f}`;
    this.fields(v, ['level', 'override', 'verifyTimestamp'], (name, x) => {
      if (name === 'level') p.level = this.string(x, at('level'));
      else if (name === 'verifyTimestamp')
        p.verifyTimestamp = this.string(x, at('verifyTimestamp'), 'trustpolicy.TimestampOption');
      else if (x === null) p.override = [];
      else if (!isObject(x)) {
        this.mismatch(x, at('override'), 'map[trustpolicy.ValidationType]trustpolicy.ValidationAction');
      } else {
        // A map keeps the last of two equal keys; Go's json map is unordered, this keeps the file's order.
        p.override = Object.entries(x).map(([k, a]) => [
          k,
          this.string(a, at('override'), 'trustpolicy.ValidationAction'),
        ]);
      }
    });
  }
}

/** decodeTrustPolicy reads the file as flux does (json.Unmarshal); errors carry Go's words. */
function decodeTrustPolicy(text: string, file: string): { version: string; policies: TrustPolicy[] } {
  const fail = (why: string): CreateInputError =>
    new CreateInputError(`failed to unmarshal trust policy ${file}: ${why}`);
  try {
    validateJson(text);
  } catch (err) {
    if (err instanceof GoJsonError) throw fail(err.message);
    throw err;
  }
  const d = new Decoder();
  const doc = d.document(JSON.parse(text) as Json);
  if (d.first !== undefined) throw fail(d.first);
  return doc;
}

const LEVELS = ['strict', 'permissive', 'audit', 'skip'];
const TYPES = ['integrity', 'authenticity', 'authenticTimestamp', 'expiry', 'revocation'];
const ACTIONS = ['enforce', 'log', 'skip'];
const STORE_TYPES = ['ca', 'signingAuthority', 'tsa'];
const goList = (xs: readonly string[]): string => `[${xs.map((x) => goQuote(x)).join(' ')}]`;

/** verificationProblem is notation's GetVerificationLevel check, or undefined when the settings are valid. */
function verificationProblem(p: TrustPolicy): string | undefined {
  if (p.level === '') return 'signature verification level is empty or missing in the trust policy statement';
  if (!LEVELS.includes(p.level)) return `invalid signature verification level ${goQuote(p.level)}`;
  if (p.override.length === 0) return undefined;
  if (p.level === 'skip')
    return `signature verification level "skip" can't be used to customize signature verification`;
  for (const [type, action] of p.override) {
    if (!TYPES.includes(type)) {
      return `verification type ${goQuote(type)} in custom signature verification is not supported, supported values are ${goList(TYPES)}`;
    }
    if (!ACTIONS.includes(action)) {
      return `verification action ${goQuote(action)} in custom signature verification is not supported, supported values are ${goList(ACTIONS)}`;
    }
    if (type === 'integrity') return `"integrity" verification can not be overridden in custom signature verification`;
    if (type !== 'revocation' && action === 'skip') {
      return `${goQuote(type)} verification can not be skipped in custom signature verification`;
    }
  }
  return undefined;
}

/** policyProblem is notation's validatePolicyCore for one statement, or undefined when it is valid. */
function policyProblem(p: TrustPolicy): string | undefined {
  const q = goQuote;
  const where = `trust policy statement ${q(p.name)}`;
  if (p.name === '') return 'a trust policy statement is missing a name, every statement requires a name';
  const bad = verificationProblem(p);
  if (bad) return `${where} has invalid signatureVerification: ${bad}`;
  if (p.verifyTimestamp !== '' && p.verifyTimestamp !== 'always' && p.verifyTimestamp !== 'afterCertExpiry') {
    return `${where} has invalid signatureVerification: verifyTimestamp must be "always" or "afterCertExpiry", but got ${q(p.verifyTimestamp)}`;
  }
  if (p.level === 'skip') {
    if (p.stores.length > 0 || p.identities.length > 0) {
      return `${where} is set to skip signature verification but configured with trust stores and/or trusted identities, remove them if signature verification needs to be skipped`;
    }
    return undefined;
  }
  if (p.stores.length === 0 || p.identities.length === 0) {
    return `${where} is either missing trust stores or trusted identities, both must be specified`;
  }
  for (const store of p.stores) {
    const colon = store.indexOf(':');
    if (colon < 0) {
      return `${where} has malformed trust store value ${q(store)}. The required format is <TrustStoreType>:<TrustStoreName>`;
    }
    const type = store.slice(0, colon);
    const named = store.slice(colon + 1);
    if (!STORE_TYPES.includes(type)) {
      return `${where} uses an unsupported trust store type ${q(type)} in trust store value ${q(store)}`;
    }
    if (!/^[a-zA-Z0-9_.-]+$/.test(named)) {
      return `${where} uses an unsupported trust store name ${q(named)} in trust store value ${q(store)}. Named store name needs to follow [a-zA-Z0-9_.-]+ format`;
    }
  }
  if (p.identities.length > 1 && p.identities.includes('*')) {
    return `${where} uses a wildcard trusted identity '*', a wildcard identity cannot be used in conjunction with other values`;
  }
  const dns: { raw: string; dn: Map<string, string> }[] = [];
  for (const identity of p.identities) {
    if (identity === '') return `${where} has an empty trusted identity`;
    if (identity === '*') continue;
    const colon = identity.indexOf(':');
    if (colon < 0) return `${where} has trusted identity ${q(identity)} missing separator`;
    if (identity.slice(0, colon) !== 'x509.subject') continue;
    const value = identity.slice(colon + 1);
    if (value === '') return `${where} has trusted identity ${q(identity)} without an identity value`;
    try {
      dns.push({ raw: identity, dn: parseDistinguishedName(value) });
    } catch (err) {
      if (!(err instanceof DnError)) throw err;
      return `${where} has trusted identity ${q(identity)} with invalid identity value: ${err.message}`;
    }
  }
  for (const [i, a] of dns.entries()) {
    for (const [j, b] of dns.entries()) {
      if (i !== j && isSubsetDn(a.dn, b.dn)) {
        return `${where} has overlapping x509 trustedIdentities, ${q(a.raw)} overlaps with ${q(b.raw)}`;
      }
    }
  }
  return undefined;
}

const DOMAIN =
  /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))+)?(?::[0-9]+)?$/;
const REPOSITORY =
  /^[a-z0-9]+(?:(?:(?:[._]|__|[-]*)[a-z0-9]+)+)?(?:(?:\/[a-z0-9]+(?:(?:(?:[._]|__|[-]*)[a-z0-9]+)+)?)+)?$/;
const SCOPE_HINT =
  'make sure it is a fully qualified repository without the scheme, protocol or tag. For example domain.com/my/repository or a local scope like local/myOCILayout';

/** scopeProblem is notation's validateRegistryScopeFormat. */
function scopeProblem(scope: string): string | undefined {
  const q = goQuote(scope);
  if (scope.length > 1 && scope.includes('*'))
    return `registry scope ${q} with wild card(s) is not valid, ${SCOPE_HINT}`;
  const slash = scope.indexOf('/');
  const domain = slash < 0 ? '' : scope.slice(0, slash);
  const repo = slash < 0 ? '' : scope.slice(slash + 1);
  if (slash < 0 || domain === '' || repo === '' || !DOMAIN.test(domain) || !REPOSITORY.test(repo)) {
    return `registry scope ${q} is not valid, ${SCOPE_HINT}`;
  }
  return undefined;
}

/** validateTrustPolicy decodes the file and applies notation-go v1.3's trustpolicy.Document.Validate to it. */
export function validateTrustPolicy(text: string, file: string): void {
  const doc = decodeTrustPolicy(text, file);
  if (doc.version === '') throw invalid('trust policy document has empty version, version must be specified');
  if (doc.version !== '1.0') throw invalid(`trust policy document uses unsupported version ${goQuote(doc.version)}`);
  if (doc.policies.length === 0) throw invalid('trust policy document can not have zero trust policy statements');
  const names = new Set<string>();
  for (const p of doc.policies) {
    if (names.has(p.name)) {
      throw invalid(
        `multiple trust policy statements use the same name ${goQuote(p.name)}, statement names must be unique`,
      );
    }
    const problem = policyProblem(p);
    if (problem) throw invalid(`trust policy: ${problem}`);
    names.add(p.name);
  }
  const counts = new Map<string, number>();
  for (const p of doc.policies) {
    const where = `trust policy statement ${goQuote(p.name)}`;
    if (p.scopes.length === 0) {
      throw invalid(`${where} has zero registry scopes, it must specify registry scopes with at least one value`);
    }
    if (p.scopes.length > 1 && p.scopes.includes('*')) {
      throw invalid(
        `${where} uses wildcard registry scope '*', a wildcard scope cannot be used in conjunction with other scope values`,
      );
    }
    for (const scope of p.scopes) {
      const problem = scope === '*' ? undefined : scopeProblem(scope);
      if (problem) throw invalid(problem);
      counts.set(scope, (counts.get(scope) ?? 0) + 1);
    }
  }
  for (const [scope, n] of counts) {
    if (n > 1) {
      throw invalid(
        `registry scope ${goQuote(scope)} is present in multiple trust policy statements, one registry scope value can only be associated with one statement`,
      );
    }
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
