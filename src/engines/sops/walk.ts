import { RE2JS } from 're2js';

import { SopsError } from './errors.ts';
import type { Rules } from './metadata.ts';
import { Branch, Comment, type Scalar, type Value } from './tree.ts';

/** LeafVisitor transforms one leaf (scalar or comment) at a key path, with the comments seen above it. */
export type LeafVisitor = (leaf: Scalar | Comment, path: string[], comments: string[][]) => Scalar | Comment | string;

/**
 * walkBranches visits every leaf in document order exactly as sops' walkBranch/walkSlice do and returns new
 * branches. The key path holds mapping keys only (sequence indices are not part of it); comment keys get the path
 * of the mapping they sit in. A comment key that comes back as a string is re-wrapped as a comment; a comment in a
 * sequence is replaced by whatever comes back (sops stores encrypted sequence comments as plain values).
 */
export function walkBranches(branches: Branch[], visit: LeafVisitor): Branch[] {
  return branches.map((b) => walkBranch(b, [], [], visit));
}

function walkValue(v: Value, path: string[], stack: string[][], visit: LeafVisitor): Value {
  if (v instanceof Branch) return walkBranch(v, path, stack, visit);
  if (Array.isArray(v)) return walkSlice(v, path, stack, visit);
  if (v === null) return null;
  return visit(v, path, stack);
}

function walkSlice(list: Value[], path: string[], stack: string[][], visit: LeafVisitor): Value[] {
  const s = [...stack, [] as string[]];
  return list.map((v) => {
    const isComment = v instanceof Comment;
    if (isComment) s[s.length - 1] = [...(s[s.length - 1] ?? []), v.value];
    const out = walkValue(v, path, s, visit);
    if (!isComment) s[s.length - 1] = [];
    return out;
  });
}

function walkBranch(b: Branch, path: string[], stack: string[][], visit: LeafVisitor): Branch {
  const s = [...stack, [] as string[]];
  return new Branch(
    b.items.map((item) => {
      if (item.key instanceof Comment) {
        const c = item.key;
        s[s.length - 1] = [...(s[s.length - 1] ?? []), c.value];
        const out = visit(c, path, s);
        if (out instanceof Comment) return { key: out, value: item.value };
        if (typeof out === 'string') return { key: new Comment(out, c.inline), value: item.value };
        throw new SopsError('sops tree walk: a comment must stay a comment');
      }
      const isComment = item.value instanceof Comment;
      if (item.value instanceof Comment) s[s.length - 1] = [...(s[s.length - 1] ?? []), item.value.value];
      const value = walkValue(item.value, [...path, item.key], s, visit);
      if (!isComment) s[s.length - 1] = [];
      return { key: item.key, value };
    }),
  );
}

function compile(pattern: string | undefined, what: string): RE2JS | undefined {
  if (!pattern) return undefined;
  try {
    return RE2JS.compile(pattern);
  } catch (err) {
    throw new SopsError(`sops ${what} ${JSON.stringify(pattern)}: invalid regular expression`, { cause: err });
  }
}

/**
 * encryptionPredicate returns sops' shouldBeEncrypted for the document's rules: suffixes match any key of the
 * path, regular expressions (Go RE2 syntax, unanchored) any key of the path, comment regexes any comment above.
 */
export function encryptionPredicate(
  rules: Rules,
): (path: string[], comments: string[][], isComment: boolean) => boolean {
  const unRe = compile(rules.unencryptedRegex, 'unencrypted_regex');
  const enRe = compile(rules.encryptedRegex, 'encrypted_regex');
  const unCRe = compile(rules.unencryptedCommentRegex, 'unencrypted_comment_regex');
  const enCRe = compile(rules.encryptedCommentRegex, 'encrypted_comment_regex');
  return (path, comments, isComment) => {
    let encrypted = true;
    if (rules.unencryptedSuffix && path.some((p) => p.endsWith(rules.unencryptedSuffix as string))) encrypted = false;
    if (rules.encryptedSuffix) encrypted = path.some((p) => p.endsWith(rules.encryptedSuffix as string));
    if (unRe && path.some((p) => unRe.matcher(p).find())) encrypted = false;
    if (enRe) encrypted = path.some((p) => enRe.matcher(p).find());
    if (unCRe && comments.some((cs) => cs.some((c) => unCRe.matcher(c).find()))) encrypted = false;
    if (enCRe) {
      const last = comments.length - 1;
      const lastLen = comments[last]?.length ?? 0;
      encrypted = comments.some((cs, i) =>
        cs.some((c, j) => !(isComment && i === last && j === lastLen - 1) && enCRe.matcher(c).find()),
      );
    }
    return encrypted;
  };
}
