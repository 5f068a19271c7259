import { SopsMetadataError } from './errors.ts';
import { KEY_TYPES, type AttrValue, type KeyType, type MasterKey } from './keys/keyservice.ts';
import { Branch, Comment, TimeValue, type Item, type Value } from './tree.ts';

/** METADATA_KEY is the top-level key (or, in flat formats, the `sops_` key prefix) holding sops metadata. */
export const METADATA_KEY = 'sops';

/** DEFAULT_UNENCRYPTED_SUFFIX applies when a document names no encryption rule at all. */
export const DEFAULT_UNENCRYPTED_SUFFIX = '_unencrypted';

/** Rules select which values get encrypted; at most one may be set per document (sops enforces it). */
export interface Rules {
  unencryptedSuffix?: string;
  encryptedSuffix?: string;
  unencryptedRegex?: string;
  encryptedRegex?: string;
  unencryptedCommentRegex?: string;
  encryptedCommentRegex?: string;
  /** macOnlyEncrypted: the MAC covers encrypted values only, so plaintext values may be edited freely. */
  macOnlyEncrypted?: boolean;
}

/** Metadata is the parsed `sops` section: key groups with their wrapped data keys, the MAC, rules and version. */
export interface Metadata extends Rules {
  keyGroups: MasterKey[][];
  shamirThreshold: number;
  /** lastModified exactly as stored (RFC 3339): it is the additional data of the encrypted MAC. */
  lastModified: string;
  mac: string;
  version: string;
}

type Plain = string | boolean | number | bigint | null | Plain[] | { [k: string]: Plain };

function toPlain(v: Value): Plain {
  if (v instanceof Branch) {
    const o: { [k: string]: Plain } = {};
    for (const i of v.items) if (typeof i.key === 'string') o[i.key] = toPlain(i.value);
    return o;
  }
  if (Array.isArray(v)) return v.filter((x) => !(x instanceof Comment)).map(toPlain);
  if (v instanceof Comment) return null;
  if (v instanceof TimeValue) return v.text;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  return v;
}

/** weakString converts like mapstructure's weakly typed input: scalars to their text. */
function weakString(v: Plain | undefined, field: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  throw new SopsMetadataError(`sops metadata: ${field} must be a string`);
}

function weakInt(v: Plain | undefined, field: string): number {
  if (v === undefined || v === null || v === '') return 0;
  const n = typeof v === 'bigint' ? Number(v) : typeof v === 'boolean' ? Number(v) : Number(v);
  if (!Number.isInteger(n)) throw new SopsMetadataError(`sops metadata: ${field} must be an integer`);
  return n;
}

function weakBool(v: Plain | undefined, field: string): boolean {
  if (v === undefined || v === null || v === '') return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return Number(v) !== 0;
  if (typeof v === 'string') {
    if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
    if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  }
  throw new SopsMetadataError(`sops metadata: ${field} must be a boolean`);
}

function isObject(v: Plain | undefined): v is { [k: string]: Plain } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof v !== 'bigint';
}

function keysOfType(type: KeyType, list: Plain | undefined, where: string): MasterKey[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new SopsMetadataError(`sops metadata: ${where}.${type} must be a list`);
  return list.map((entry, i) => {
    if (!isObject(entry)) throw new SopsMetadataError(`sops metadata: ${where}.${type}[${i}] must be a mapping`);
    const attrs: Record<string, AttrValue> = {};
    for (const [k, v] of Object.entries(entry)) {
      if (k === 'enc') continue;
      if (isObject(v)) {
        const m: Record<string, string> = {};
        for (const [ck, cv] of Object.entries(v)) m[ck] = weakString(cv, `${where}.${type}[${i}].${k}.${ck}`);
        attrs[k] = m;
      } else attrs[k] = weakString(v, `${where}.${type}[${i}].${k}`);
    }
    return { type, enc: weakString(entry['enc'], `${where}.${type}[${i}].enc`), attrs };
  });
}

function groupFrom(o: { [k: string]: Plain }, where: string): MasterKey[] {
  // sops orders a group's keys by type (kms, gcp_kms, hckms, azure_kv, hc_vault, pgp, age) when it loads them.
  const order: KeyType[] = ['kms', 'gcp_kms', 'hckms', 'azure_kv', 'hc_vault', 'pgp', 'age'];
  return order.flatMap((t) => keysOfType(t, o[t], where));
}

const RFC3339_RE = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * macAdditionalData is the MAC's additional data: lastmodified re-formatted as Go's time.RFC3339 (fractional
 * seconds dropped, a zero offset written `Z`), as sops does before decrypting the MAC.
 */
export function macAdditionalData(lastModified: string): string {
  const m = RFC3339_RE.exec(lastModified);
  if (!m) throw new SopsMetadataError('sops metadata: lastmodified is not an RFC 3339 timestamp');
  let s = lastModified.replace(/\.\d+/, '').replace(/^(.{10})t/, '$1T');
  s = s.replace(/z$/, 'Z').replace(/[+-]00:00$/, 'Z');
  return s;
}

/** parseMetadata reads the (unflattened) `sops` mapping the way sops' ExtractMetadata does. */
export function parseMetadata(tree: Branch): Metadata {
  const o = toPlain(tree);
  if (!isObject(o)) throw new SopsMetadataError('sops metadata: not a mapping');
  const s = (k: string): string | undefined => {
    const v = weakString(o[k], k);
    return v === '' ? undefined : v;
  };
  const lastModified = weakString(o['lastmodified'], 'lastmodified');
  macAdditionalData(lastModified);
  let keyGroups: MasterKey[][];
  const top = groupFrom(o, 'sops');
  if (top.length > 0) keyGroups = [top];
  else {
    const groups = o['key_groups'];
    if (Array.isArray(groups) && groups.length > 0) {
      keyGroups = groups.map((g, i) => {
        if (!isObject(g)) throw new SopsMetadataError(`sops metadata: key_groups[${i}] must be a mapping`);
        return groupFrom(g, `key_groups[${i}]`);
      });
    } else throw new SopsMetadataError('sops metadata: no keys found in file');
  }
  const md: Metadata = {
    keyGroups,
    shamirThreshold: weakInt(o['shamir_threshold'], 'shamir_threshold'),
    lastModified,
    mac: weakString(o['mac'], 'mac'),
    version: weakString(o['version'], 'version'),
    macOnlyEncrypted: weakBool(o['mac_only_encrypted'], 'mac_only_encrypted'),
  };
  const rules = {
    unencryptedSuffix: s('unencrypted_suffix'),
    encryptedSuffix: s('encrypted_suffix'),
    unencryptedRegex: s('unencrypted_regex'),
    encryptedRegex: s('encrypted_regex'),
    unencryptedCommentRegex: s('unencrypted_comment_regex'),
    encryptedCommentRegex: s('encrypted_comment_regex'),
  };
  const set = Object.entries(rules).filter(([, v]) => v !== undefined);
  if (set.length > 1) {
    throw new SopsMetadataError(
      'sops metadata: cannot use more than one of encrypted_suffix, unencrypted_suffix, encrypted_regex, unencrypted_regex, encrypted_comment_regex, or unencrypted_comment_regex in the same file',
    );
  }
  for (const [k, v] of set) (md as unknown as Record<string, string>)[k] = v as string;
  if (set.length === 0) md.unencryptedSuffix = DEFAULT_UNENCRYPTED_SUFFIX;
  return md;
}

function keyBranch(k: MasterKey): Branch {
  const entries: [string, Value][] = Object.entries(k.attrs).map(([name, v]) => [
    name,
    typeof v === 'string'
      ? v
      : new Branch(
          Object.keys(v)
            .sort()
            .map((ck) => ({ key: ck, value: v[ck] ?? '' })),
        ),
  ]);
  entries.push(['enc', k.enc]);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return new Branch(entries.map(([key, value]) => ({ key, value })));
}

/**
 * serializeMetadata builds the `sops` mapping as sops emits it: keys sorted, empty optional fields left out, a
 * single key group flattened to the top, several under `key_groups` (where `age` and `hc_vault` always appear).
 */
export function serializeMetadata(md: Metadata): Branch {
  const items: Item[] = [];
  const add = (key: string, value: Value | undefined): void => {
    if (value !== undefined) items.push({ key, value });
  };
  const listOf = (group: MasterKey[], t: KeyType, always: boolean): Value[] | undefined => {
    const l = group.filter((k) => k.type === t).map(keyBranch);
    return l.length > 0 || always ? l : undefined;
  };
  if (md.keyGroups.length === 1) {
    const g = md.keyGroups[0] ?? [];
    for (const t of KEY_TYPES) add(t, listOf(g, t, false));
  } else {
    add(
      'key_groups',
      md.keyGroups.map((g) => {
        const gi: Item[] = [];
        for (const t of KEY_TYPES) {
          const l = listOf(g, t, t === 'age' || t === 'hc_vault');
          if (l !== undefined) gi.push({ key: t, value: l });
        }
        gi.sort((a, b) => ((a.key as string) < (b.key as string) ? -1 : 1));
        return new Branch(gi);
      }),
    );
  }
  add('lastmodified', md.lastModified);
  add('mac', md.mac);
  if (md.macOnlyEncrypted) add('mac_only_encrypted', true);
  if (md.shamirThreshold) add('shamir_threshold', BigInt(md.shamirThreshold));
  add('unencrypted_suffix', md.unencryptedSuffix || undefined);
  add('encrypted_suffix', md.encryptedSuffix || undefined);
  add('unencrypted_regex', md.unencryptedRegex || undefined);
  add('encrypted_regex', md.encryptedRegex || undefined);
  add('unencrypted_comment_regex', md.unencryptedCommentRegex || undefined);
  add('encrypted_comment_regex', md.encryptedCommentRegex || undefined);
  add('version', md.version);
  items.sort((a, b) => ((a.key as string) < (b.key as string) ? -1 : 1));
  return new Branch(items);
}
