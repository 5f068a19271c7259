/**
 * SignedObject is the signature material of a commit or tag: the raw object, the armoured signature (if any)
 * and the exact payload that was signed, i.e. the object without its signature, as `git verify-*` checks it.
 */
export interface SignedObject {
  type: 'commit' | 'tag';
  raw: string;
  signature: string | undefined;
  payload: string;
}

/**
 * parseCommitObject extracts the `gpgsig` header (continuation lines start with one space) from a raw commit
 * (`git cat-file commit`); the payload is the commit with that header removed.
 */
export function parseCommitObject(raw: string): SignedObject {
  const end = raw.indexOf('\n\n');
  const headerText = end === -1 ? raw : raw.slice(0, end);
  const rest = end === -1 ? '' : raw.slice(end);
  const lines = headerText.split('\n');
  const kept: string[] = [];
  const sig: string[] = [];
  let inSig = false;
  for (const line of lines) {
    if (inSig && line.startsWith(' ')) {
      sig.push(line.slice(1));
      continue;
    }
    inSig = false;
    if (line.startsWith('gpgsig ') && sig.length === 0) {
      inSig = true;
      sig.push(line.slice('gpgsig '.length));
      continue;
    }
    kept.push(line);
  }
  return {
    type: 'commit',
    raw,
    signature: sig.length > 0 ? `${sig.join('\n')}\n` : undefined,
    payload: kept.join('\n') + rest,
  };
}

const SIG_STARTS = ['-----BEGIN PGP SIGNATURE-----', '-----BEGIN SSH SIGNATURE-----'];

/** parseTagObject splits a raw annotated tag (`git cat-file tag`) into payload and trailing signature. */
export function parseTagObject(raw: string): SignedObject {
  let at = -1;
  for (const marker of SIG_STARTS) {
    const i = raw.lastIndexOf(`\n${marker}`);
    if (i > at) at = i;
  }
  if (at === -1) return { type: 'tag', raw, signature: undefined, payload: raw };
  return { type: 'tag', raw, signature: raw.slice(at + 1), payload: raw.slice(0, at + 1) };
}

/** commitSubject returns the first line of a raw commit's message (for "stored artifact for commit '…'"). */
export function commitSubject(raw: string): string {
  const end = raw.indexOf('\n\n');
  return end === -1 ? '' : (raw.slice(end + 2).split('\n')[0] ?? '');
}
