import { quote as goQuote } from '../../gotemplate/index.ts';
import { decodeGoJsonPrefix } from './json.ts';
import { goTypeName, type Value, type ValueMap } from './value.ts';

/**
 * The `--set` family's grammar (Helm's strvals): comma-separated `path=value` items, `.` between map keys, `[N]`
 * list indexes, `\` escaping the next character, `{a,b}` lists; with Helm's limits (index ≤ 65536, 30 nested
 * names) and its error texts. Values land in `dest`, which later items and flags keep updating.
 */

/** StrvalsError is a --set line Helm refuses; the message is Helm's. */
export class StrvalsError extends Error {}

export const MAX_INDEX = 65536;
export const MAX_NESTED_NAME_LEVEL = 30;

/** ValueReader turns the raw text after `=` into the stored value (typed, string, or a file's contents). */
export type ValueReader = (raw: string) => Value;

/** EOF is the end of the input, which ends parsing without an error (Go's io.EOF). */
const EOF = new StrvalsError('EOF');
const NOT_LIST = new StrvalsError('not a list');

/** ErrResult is Go's error return: undefined for success. */
type Err = StrvalsError | undefined;

/** A panic in Go's parser (a type assertion on existing data) that Helm recovers into an error. */
class Conversion extends Error {}

function assertMap(v: Value | undefined): ValueMap {
  if (v instanceof Map) return v;
  throw new Conversion(`interface conversion: interface {} is ${nilOr(v)}, not map[string]interface {}`);
}

function assertList(v: Value | undefined): Value[] {
  if (Array.isArray(v)) return v;
  throw new Conversion(`interface conversion: interface {} is ${nilOr(v)}, not []interface {}`);
}

function nilOr(v: Value | undefined): string {
  return v === undefined || v === null ? 'nil' : goTypeName(v);
}

/** typedVal is --set's typing: booleans and null in any case, int64 for plain decimals not starting with 0. */
export function typedVal(text: string, forceString: boolean): Value {
  if (forceString) return text;
  const lower = text.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (lower === 'null') return null;
  if (text === '0') return 0n;
  if (text.length !== 0 && text[0] !== '0' && /^[+-]?[0-9]+$/.test(text)) {
    const v = BigInt(text);
    if (v >= -(1n << 63n) && v < 1n << 63n) return v;
  }
  return text;
}

/** atoi is strconv.Atoi with its error text. */
function atoi(s: string): number | StrvalsError {
  if (/^[+-]?[0-9]+$/.test(s)) {
    const v = BigInt(s);
    if (v >= -(1n << 63n) && v < 1n << 63n) return Number(v);
    return new StrvalsError(`strconv.Atoi: parsing ${goQuote(s)}: value out of range`);
  }
  return new StrvalsError(`strconv.Atoi: parsing ${goQuote(s)}: invalid syntax`);
}

type Mode = { kind: 'typed'; reader: ValueReader } | { kind: 'json' } | { kind: 'literal' };

/**
 * Parser follows the shape of Helm's: functions return an error (or EOF) and, for lists, the list built so far,
 * because Helm stores partial results before reporting.
 */
class Parser {
  private readonly runes: string[];
  private pos = 0;
  private readonly mode: Mode;

  constructor(input: string, mode: Mode) {
    this.runes = Array.from(input);
    this.mode = mode;
  }

  parse(dest: ValueMap): Err {
    for (;;) {
      const err = this.key(dest, 0);
      if (err === undefined) continue;
      return err === EOF ? undefined : err;
    }
  }

  /** runesUntil reads up to a stop rune (consumed); `\` escapes the next rune unless literal. */
  private runesUntil(stop: string): { text: string; last: string; eof: boolean } {
    let text = '';
    for (;;) {
      if (this.pos >= this.runes.length) return { text, last: '', eof: true };
      const r = this.runes[this.pos++]!;
      if (stop.includes(r)) return { text, last: r, eof: false };
      if (r === '\\' && this.mode.kind !== 'literal') {
        if (this.pos >= this.runes.length) return { text, last: '', eof: true };
        text += this.runes[this.pos++]!;
        continue;
      }
      text += r;
    }
  }

  private key(data: ValueMap, level: number): Err {
    try {
      return this.keyInner(data, level);
    } catch (err) {
      if (err instanceof Conversion) return new StrvalsError(`unable to parse key: ${err.message}`);
      throw err;
    }
  }

  private keyInner(data: ValueMap, nestedNameLevel: number): Err {
    const literal = this.mode.kind === 'literal';
    const { text: k, last, eof } = this.runesUntil(literal ? '=[.' : '=[,.');
    if (eof) {
      if (k.length === 0) return EOF;
      return new StrvalsError(`key ${goQuote(k)} has no value`);
    }
    switch (last) {
      case '[': {
        const i = this.keyIndex();
        if (i instanceof StrvalsError) return i === EOF ? EOF : new StrvalsError(`error parsing index: ${i.message}`);
        let list: Value[] = [];
        if (data.has(k)) list = assertList(data.get(k));
        const r = this.listItem(list, i, nestedNameLevel);
        set(data, k, r.list);
        return r.err;
      }
      case '=':
        return this.assign(data, k);
      case ',':
        set(data, k, '');
        return new StrvalsError(`key ${goQuote(k)} has no value (cannot end with ,)`);
      default: {
        nestedNameLevel++;
        if (nestedNameLevel > MAX_NESTED_NAME_LEVEL) {
          return new StrvalsError(
            `value name nested level is greater than maximum supported nested level of ${MAX_NESTED_NAME_LEVEL}`,
          );
        }
        let inner: ValueMap = new Map();
        if (data.has(k)) inner = assertMap(data.get(k));
        const e = this.key(inner, nestedNameLevel);
        if (e === undefined && inner.size === 0) return new StrvalsError(`key map ${goQuote(k)} has no value`);
        if (inner.size !== 0) set(data, k, inner);
        return e;
      }
    }
  }

  /** assign handles `key=…` in the three modes. */
  private assign(data: ValueMap, k: string): Err {
    if (this.mode.kind === 'literal') {
      set(data, k, this.rest());
      return undefined;
    }
    if (this.mode.kind === 'json') {
      if (this.emptyVal()) {
        set(data, k, null);
        return undefined;
      }
      const jv = this.jsonValue();
      if (jv instanceof StrvalsError) return jv;
      set(data, k, jv.value);
      this.emptyVal();
      return undefined;
    }
    const reader = this.mode.reader;
    const vl = this.valList(reader);
    if (vl === EOF) {
      set(data, k, '');
      return EOF;
    }
    if (vl === NOT_LIST) {
      set(data, k, reader(this.val()));
      return undefined;
    }
    if (vl instanceof StrvalsError) return vl;
    set(data, k, vl);
    return undefined;
  }

  private rest(): string {
    const text = this.runes.slice(this.pos).join('');
    this.pos = this.runes.length;
    return text;
  }

  private jsonValue(): { value: Value } | StrvalsError {
    const remaining = this.runes.slice(this.pos).join('');
    try {
      const { value, offset } = decodeGoJsonPrefix(remaining);
      this.pos += Array.from(remaining.slice(0, offset)).length;
      return { value };
    } catch (err) {
      return new StrvalsError((err as Error).message);
    }
  }

  /** emptyVal skips spaces up to a comma or the end (true: no value) or another rune (false, not consumed). */
  private emptyVal(): boolean {
    for (;;) {
      if (this.pos >= this.runes.length) return true;
      const r = this.runes[this.pos++]!;
      if (r === ',') return true;
      if (!/^\s$/u.test(r)) {
        this.pos--;
        return false;
      }
    }
  }

  private keyIndex(): number | StrvalsError {
    const { text, eof } = this.runesUntil(']');
    if (eof) return EOF;
    return atoi(text);
  }

  private val(): string {
    return this.runesUntil(',').text;
  }

  private valList(reader: ValueReader): Value[] | StrvalsError {
    if (this.pos >= this.runes.length) return EOF;
    if (this.runes[this.pos] !== '{') return NOT_LIST;
    this.pos++;
    const list: Value[] = [];
    for (;;) {
      const { text, last, eof } = this.runesUntil(',}');
      if (eof) return new StrvalsError("list must terminate with '}'");
      list.push(reader(text));
      if (last === '}') {
        if (this.pos < this.runes.length && this.runes[this.pos] === ',') this.pos++;
        return list;
      }
    }
  }

  private listItem(list: Value[], i: number, nestedNameLevel: number): { list: Value[]; err: Err } {
    if (i < 0) return { list, err: new StrvalsError(`negative ${i} index not allowed`) };
    const { text: k, last, eof } = this.runesUntil('[.=');
    if (k.length > 0) return { list, err: new StrvalsError(`unexpected data at end of array index: ${quoteRunes(k)}`) };
    if (eof) return { list, err: EOF };
    switch (last) {
      case '=': {
        if (this.mode.kind === 'literal') return setIndex(list, i, this.rest());
        if (this.mode.kind === 'json') {
          if (this.emptyVal()) return setIndex(list, i, null);
          const jv = this.jsonValue();
          if (jv instanceof StrvalsError) return { list, err: jv };
          const r = setIndex(list, i, jv.value);
          if (r.err !== undefined) return r;
          this.emptyVal();
          return r;
        }
        const reader = this.mode.reader;
        const vl = this.valList(reader);
        if (vl === EOF) return setIndex(list, i, '');
        if (vl === NOT_LIST) return setIndex(list, i, reader(this.val()));
        if (vl instanceof StrvalsError) return { list, err: vl };
        return setIndex(list, i, vl);
      }
      case '[': {
        const nextI = this.keyIndex();
        if (nextI instanceof StrvalsError) {
          return { list, err: nextI === EOF ? EOF : new StrvalsError(`error parsing index: ${nextI.message}`) };
        }
        let crt: Value[] = [];
        if (list.length > i && list[i] !== null) crt = assertList(list[i]);
        const r = this.listItem(crt, nextI, nestedNameLevel);
        if (r.err !== undefined) return { list, err: r.err };
        return setIndex(list, i, r.list);
      }
      default: {
        let inner: ValueMap = new Map();
        if (list.length > i) {
          const existing = list[i];
          if (existing instanceof Map) inner = existing;
          else list[i] = inner;
        }
        const e = this.key(inner, nestedNameLevel);
        if (e !== undefined) return { list, err: e };
        return setIndex(list, i, inner);
      }
    }
  }
}

/** quoteRunes is `%q` of a []rune: each rune as a Go character literal, space-separated in brackets. */
function quoteRunes(s: string): string {
  return `[${Array.from(s, (r) => (r === "'" ? "'\\''" : r === '"' ? `'"'` : `'${goQuote(r).slice(1, -1)}'`)).join(' ')}]`;
}

function set(data: ValueMap, key: string, v: Value): void {
  if (key.length === 0) return;
  data.set(key, v);
}

function setIndex(list: Value[], index: number, v: Value): { list: Value[]; err: Err } {
  if (index < 0) return { list, err: new StrvalsError(`negative ${index} index not allowed`) };
  if (index > MAX_INDEX) {
    return { list, err: new StrvalsError(`index of ${index} is greater than maximum supported index of ${MAX_INDEX}`) };
  }
  if (list.length <= index) {
    const grown: Value[] = list.slice();
    while (grown.length <= index) grown.push(null);
    list = grown;
  }
  list[index] = v;
  return { list, err: undefined };
}

function run(input: string, dest: ValueMap, mode: Mode): void {
  const err = new Parser(input, mode).parse(dest);
  if (err !== undefined) throw err;
}

/** parseInto is `--set`: typed values merged into dest. */
export function parseInto(input: string, dest: ValueMap): void {
  run(input, dest, { kind: 'typed', reader: (raw) => typedVal(raw, false) });
}

/** parseIntoString is `--set-string`: every value a string. */
export function parseIntoString(input: string, dest: ValueMap): void {
  run(input, dest, { kind: 'typed', reader: (raw) => raw });
}

/** parseIntoFile is `--set-file`: each value is a path, replaced by what `read` returns for it. */
export function parseIntoFile(input: string, dest: ValueMap, read: (path: string) => Value): void {
  run(input, dest, { kind: 'typed', reader: read });
}

/** parseJson is `--set-json path=<JSON>` (several, comma-separated): numbers float64, an empty value null. */
export function parseJson(input: string, dest: ValueMap): void {
  run(input, dest, { kind: 'json' });
}

/** parseLiteralInto is `--set-literal`: everything after the first `=` is the value, verbatim. */
export function parseLiteralInto(input: string, dest: ValueMap): void {
  run(input, dest, { kind: 'literal' });
}
