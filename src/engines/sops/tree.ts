/**
 * The document model shared by every store: an ordered list of items per document (sops' TreeBranch), keeping
 * comments as items so they can be encrypted and put back where they were. Integers are `bigint` so that `1` and
 * `1.0` stay distinct types, as they are in Go.
 */

/** Comment is a comment line (without its `#`); `inline` marks a comment that sat at the end of a value's line. */
export class Comment {
  readonly value: string;
  readonly inline: boolean;

  constructor(value: string, inline = false) {
    this.value = value;
    this.inline = inline;
  }
}

/** TimeValue is a value of sops type `time` (RFC 3339 text), which only a `!!timestamp` tag produces. */
export class TimeValue {
  readonly text: string;

  constructor(text: string) {
    this.text = text;
  }
}

/**
 * Scalar is a leaf value: `string` (str), `Uint8Array` (str holding bytes that are not UTF-8, as binary files may),
 * `bigint` (int), `number` (float), `boolean` (bool), `TimeValue` (time) or `null`.
 */
export type Scalar = string | Uint8Array | bigint | number | boolean | TimeValue | null;

/** Value is anything that can sit in a tree: a scalar, a comment (in sequences), a mapping or a sequence. */
export type Value = Scalar | Comment | Branch | Value[];

/** Item is one entry of a mapping: a string key and its value, or a comment (key) with a null value. */
export interface Item {
  key: string | Comment;
  value: Value;
}

/** Branch is an ordered mapping, sops' TreeBranch. It is a class so that it is told apart from sequences. */
export class Branch {
  readonly items: Item[];

  constructor(items: Item[] = []) {
    this.items = items;
  }
}

/** isBranch narrows a value to a mapping. */
export function isBranch(v: Value): v is Branch {
  return v instanceof Branch;
}

/** get returns the value under a key of a mapping, or undefined. */
export function get(branch: Branch, key: string): Value | undefined {
  return branch.items.find((i) => i.key === key)?.value;
}
