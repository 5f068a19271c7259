import { armor, Decrypter, Encrypter, identityToRecipient } from 'age-encryption';

import { SopsKeyError } from '../errors.ts';
import { attr, type KeyService, type MasterKey, type Recipient } from './keyservice.ts';

/**
 * parseAgeIdentities extracts `AGE-SECRET-KEY-1…` identities from a key file's text (as written by age-keygen:
 * `#` comments, blank lines, one identity per line) or from several separated by whitespace.
 */
export function parseAgeIdentities(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .flatMap((l) => l.split(/\s+/))
    .filter((t) => t !== '');
}

/** IDENTITY_RE accepts X25519 and hybrid post-quantum (ML-KEM-768 + X25519) identities, as sops 3.13 does. */
const IDENTITY_RE = /^AGE-SECRET-KEY-(PQ-)?1[0-9A-Z]+$/;

/**
 * AgeKeyService unwraps sops data keys wrapped for age recipients. It is built from identities
 * (`AGE-SECRET-KEY-1…`, hybrid `AGE-SECRET-KEY-PQ-1…`); nothing about them is ever put into an error.
 */
export class AgeKeyService implements KeyService {
  readonly type = 'age' as const;
  private readonly identities: string[];

  constructor(identities: string[]) {
    const bad = identities.filter((i) => !IDENTITY_RE.test(i));
    if (bad.length > 0) {
      throw new SopsKeyError(`age identities: ${bad.length} of ${identities.length} entries are not age identities`, {
        hint: 'age identities look like AGE-SECRET-KEY-1… (or AGE-SECRET-KEY-PQ-1…); one per line, # comments allowed',
      });
    }
    this.identities = identities;
  }

  /** publicRecipients returns the recipients (age1…) of the identities, e.g. to tell which key is present. */
  async publicRecipients(): Promise<string[]> {
    return Promise.all(this.identities.map((i) => identityToRecipient(i)));
  }

  async decrypt(key: MasterKey): Promise<Uint8Array> {
    const who = `age key ${attr(key, 'recipient') || '(no recipient)'}`;
    if (this.identities.length === 0) throw new SopsKeyError(`${who}: no age identities were provided`);
    let file: Uint8Array;
    try {
      file = armor.decode(key.enc.trim() + '\n');
    } catch (err) {
      throw new SopsKeyError(`${who}: the wrapped data key is not valid age armor`, { cause: sanitize(err) });
    }
    const d = new Decrypter();
    for (const id of this.identities) d.addIdentity(id);
    try {
      return await d.decrypt(file);
    } catch (err) {
      throw new SopsKeyError(`${who}: none of the ${this.identities.length} age identities can unwrap the data key`, {
        cause: sanitize(err),
      });
    }
  }
}

/** AgeRecipient wraps data keys for one age recipient (X25519 `age1…` or hybrid `age1pq1…`), armored as sops stores them. */
export class AgeRecipient implements Recipient {
  readonly type = 'age' as const;
  readonly describe: string;

  constructor(recipient: string) {
    if (!/^age1(pq1)?[0-9a-z]+$/.test(recipient)) {
      throw new SopsKeyError(`age recipient ${JSON.stringify(recipient)}: not an age recipient (age1… or age1pq1…)`);
    }
    this.describe = recipient;
  }

  async encrypt(dataKey: Uint8Array): Promise<MasterKey> {
    const e = new Encrypter();
    try {
      e.addRecipient(this.describe);
      const enc = armor.encode(await e.encrypt(dataKey));
      return { type: 'age', enc: enc.endsWith('\n') ? enc : enc + '\n', attrs: { recipient: this.describe } };
    } catch (err) {
      throw new SopsKeyError(`age recipient ${this.describe}: could not wrap the data key`, { cause: sanitize(err) });
    }
  }
}

/** sanitize keeps only the message of a library error, dropping any attached data. */
function sanitize(err: unknown): Error {
  return new Error(err instanceof Error ? err.message : String(err));
}
