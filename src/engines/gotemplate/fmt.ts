/**
 * Go's fmt over the value model: {@link sprint}, {@link sprintln}, {@link sprintf} and {@link formatValue}
 * (`%v`), with Go's verbs, flags, width and precision, sorted map keys and its error forms (`%!d(string=x)`,
 * `%!s(MISSING)`, `%!(EXTRA int=1)`, `%!(BADWIDTH)`, `%!v(PANIC=String method: …)`).
 *
 * Values whose type has a `String` or `Error` method print through it (`fmt.Stringer`, `error`), at every depth.
 * Pointers nested in structs or slices print as addresses, which Go makes up per run; so do we.
 */
import {
  GoBoxed,
  GoChan,
  GoComplex,
  GoFunc,
  GoInt,
  GoKeyedMap,
  GoNil,
  GoStruct,
  type GoType,
  type GoValue,
  isGoMap,
  isUintKind,
  sortedKeys,
  typeOf,
  utf8Decode,
  utf8Encode,
  mapGet,
} from './values.ts';
import {
  canBackquote,
  decodeRune,
  formatFloat,
  isPrint,
  quote,
  quoteBytes,
  quoteRune,
  quoteToASCII,
} from './strconv.ts';

const ldigits = '0123456789abcdefx';
const udigits = '0123456789ABCDEFX';

/** A value as fmt sees it: a Go value, or `undefined` for an invalid reflect.Value. */
type Arg = GoValue | undefined;

let nextAddress = 0xc000010000;
const addresses = new WeakMap<object, number>();
function addressOf(v: object): number {
  let a = addresses.get(v);
  if (a === undefined) {
    a = nextAddress;
    nextAddress += 0x40;
    addresses.set(v, a);
  }
  return a;
}

function runeCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      const lo = s.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo < 0xe000) i++;
    }
    n++;
  }
  return n;
}

function isStringKind(v: Arg): boolean {
  if (typeof v === 'string') return true;
  return v instanceof GoBoxed && v.type.kind === 'string';
}

interface Flags {
  widPresent: boolean;
  precPresent: boolean;
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  plusV: boolean;
  sharpV: boolean;
  wid: number;
  prec: number;
}

const NO_FLAGS: Flags = {
  widPresent: false,
  precPresent: false,
  minus: false,
  plus: false,
  sharp: false,
  space: false,
  zero: false,
  plusV: false,
  sharpV: false,
  wid: 0,
  prec: 0,
};

/** Printer is one fmt.pp: a buffer and the flags of the verb being formatted. */
class Printer {
  buf = '';
  private arg: Arg = undefined;
  private value: Arg = undefined;
  private hasValue = false;
  private erroring = false;
  private panicking = false;
  /** The flags, width and precision of the verb being formatted. */
  f: Flags = { ...NO_FLAGS };

  clearflags(): void {
    this.f = { ...NO_FLAGS };
  }

  private writePadding(n: number): void {
    if (n <= 0) return;
    this.buf += (this.f.zero && !this.f.minus ? '0' : ' ').repeat(n);
  }

  pad(s: string): void {
    if (!this.f.widPresent || this.f.wid === 0) {
      this.buf += s;
      return;
    }
    const width = this.f.wid - runeCount(s);
    if (!this.f.minus) {
      this.writePadding(width);
      this.buf += s;
    } else {
      this.buf += s;
      this.writePadding(width);
    }
  }

  private fmtBoolean(v: boolean): void {
    this.pad(v ? 'true' : 'false');
  }

  private fmtUnicode(u: bigint): void {
    let prec = 4;
    if (this.f.precPresent && this.f.prec > 4) prec = this.f.prec;
    let s = u.toString(16).toUpperCase();
    while (s.length < prec) s = '0' + s;
    s = 'U+' + s;
    if (this.f.sharp && u <= 0x10ffffn && isPrint(Number(u))) s += " '" + String.fromCodePoint(Number(u)) + "'";
    const oldZero = this.f.zero;
    this.f.zero = false;
    this.pad(s);
    this.f.zero = oldZero;
  }

  /** fmtInteger formats a signed or unsigned integer (magnitude and sign taken from the bigint). */
  private fmtIntegerDigits(v: bigint, base: number, verb: string, digits: string): void {
    const negative = v < 0n;
    let u = negative ? -v : v;
    let prec = 0;
    if (this.f.precPresent) {
      prec = this.f.prec;
      if (prec === 0 && u === 0n) {
        const oldZero = this.f.zero;
        this.f.zero = false;
        this.writePadding(this.f.wid);
        this.f.zero = oldZero;
        return;
      }
    } else if (this.f.zero && !this.f.minus && this.f.widPresent) {
      prec = this.f.wid;
      if (negative || this.f.plus || this.f.space) prec--;
    }
    let s = '';
    const b = BigInt(base);
    do {
      s = digits[Number(u % b)]! + s;
      u /= b;
    } while (u > 0n);
    while (s.length < prec) s = '0' + s;
    if (this.f.sharp) {
      if (base === 2) s = '0b' + s;
      else if (base === 8) {
        if (s[0] !== '0') s = '0' + s;
      } else if (base === 16) s = '0' + digits[16] + s;
    }
    if (verb === 'O') s = '0o' + s;
    if (negative) s = '-' + s;
    else if (this.f.plus) s = '+' + s;
    else if (this.f.space) s = ' ' + s;
    const oldZero = this.f.zero;
    this.f.zero = false;
    this.pad(s);
    this.f.zero = oldZero;
  }

  private fmt0x64(v: bigint, leading0x: boolean): void {
    const sharp = this.f.sharp;
    this.f.sharp = leading0x;
    this.fmtIntegerDigits(v, 16, 'v', ldigits);
    this.f.sharp = sharp;
  }

  /** fmtInteger is pp.fmtInteger: `v` is the value, `unsigned` its signedness (for %#v and %U of negatives). */
  private fmtInteger(v: bigint, unsigned: boolean, verb: string): void {
    switch (verb) {
      case 'v':
        if (this.f.sharpV && unsigned) this.fmt0x64(v, true);
        else this.fmtIntegerDigits(v, 10, verb, ldigits);
        return;
      case 'd':
        return this.fmtIntegerDigits(v, 10, verb, ldigits);
      case 'b':
        return this.fmtIntegerDigits(v, 2, verb, ldigits);
      case 'o':
      case 'O':
        return this.fmtIntegerDigits(v, 8, verb, ldigits);
      case 'x':
        return this.fmtIntegerDigits(v, 16, verb, ldigits);
      case 'X':
        return this.fmtIntegerDigits(v, 16, verb, udigits);
      case 'c':
        return this.pad(String.fromCodePoint(runeOf(v)));
      case 'q':
        return this.pad(quoteRune(runeOf(v), this.f.plus));
      case 'U':
        return this.fmtUnicode(BigInt.asUintN(64, v));
    }
    this.badVerb(verb);
  }

  private fmtFloatVerb(v: number, verb: string): void {
    switch (verb) {
      case 'v':
        return this.fmtFloat(v, 'g', -1);
      case 'b':
      case 'g':
      case 'G':
      case 'x':
      case 'X':
        return this.fmtFloat(v, verb, -1);
      case 'f':
      case 'e':
      case 'E':
        return this.fmtFloat(v, verb, 6);
      case 'F':
        return this.fmtFloat(v, 'f', 6);
    }
    this.badVerb(verb);
  }

  private fmtFloat(v: number, verb: string, prec: number): void {
    if (this.f.precPresent) prec = this.f.prec;
    let num = formatFloat(v, verb, prec);
    num = num[0] === '-' || num[0] === '+' ? num : '+' + num;
    if (this.f.space && num[0] === '+' && !this.f.plus) num = ' ' + num.slice(1);
    if (num[1] === 'I' || num[1] === 'N') {
      const oldZero = this.f.zero;
      this.f.zero = false;
      if (num[1] === 'N' && !this.f.space && !this.f.plus) num = num.slice(1);
      this.pad(num);
      this.f.zero = oldZero;
      return;
    }
    if (this.f.sharp && verb !== 'b') {
      let digits = 0;
      if (verb === 'v' || verb === 'g' || verb === 'G' || verb === 'x') digits = prec === -1 ? 6 : prec;
      let tail = '';
      let hasDecimalPoint = false;
      let sawNonzeroDigit = false;
      for (let i = 1; i < num.length; i++) {
        const c = num[i]!;
        if (c === '.') {
          hasDecimalPoint = true;
          continue;
        }
        if (c === 'p' || c === 'P') {
          tail = num.slice(i);
          num = num.slice(0, i);
          break;
        }
        if ((c === 'e' || c === 'E') && verb !== 'x' && verb !== 'X') {
          tail = num.slice(i);
          num = num.slice(0, i);
          break;
        }
        if (c !== '0') sawNonzeroDigit = true;
        if (sawNonzeroDigit) digits--;
      }
      if (!hasDecimalPoint) {
        if (num.length === 2 && num[1] === '0') digits--;
        num += '.';
      }
      while (digits > 0) {
        num += '0';
        digits--;
      }
      num += tail;
    }
    if (this.f.plus || num[0] !== '+') {
      if (this.f.zero && !this.f.minus && this.f.widPresent && this.f.wid > num.length) {
        this.buf += num[0];
        this.writePadding(this.f.wid - num.length);
        this.buf += num.slice(1);
        return;
      }
      this.pad(num);
      return;
    }
    this.pad(num.slice(1));
  }

  private fmtComplex(v: GoComplex, verb: string): void {
    switch (verb) {
      case 'v':
      case 'b':
      case 'g':
      case 'G':
      case 'x':
      case 'X':
      case 'f':
      case 'F':
      case 'e':
      case 'E': {
        const oldPlus = this.f.plus;
        this.buf += '(';
        this.fmtFloatVerb(v.re, verb);
        this.f.plus = true;
        this.fmtFloatVerb(v.im, verb);
        this.buf += 'i)';
        this.f.plus = oldPlus;
        return;
      }
    }
    this.badVerb(verb);
  }

  private truncateString(s: string): string {
    if (!this.f.precPresent) return s;
    let n = this.f.prec;
    for (let i = 0; i < s.length; i++) {
      n--;
      if (n < 0) return s.slice(0, i);
      const c = s.charCodeAt(i);
      if (c >= 0xd800 && c < 0xdc00 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
    }
    return s;
  }

  private fmtS(s: string): void {
    this.pad(this.truncateString(s));
  }

  private fmtSbx(b: Uint8Array, digits: string): void {
    let length = b.length;
    if (this.f.precPresent && this.f.prec < length) length = this.f.prec;
    let width = 2 * length;
    if (width > 0) {
      if (this.f.space) {
        if (this.f.sharp) width *= 2;
        width += length - 1;
      } else if (this.f.sharp) width += 2;
    } else {
      if (this.f.widPresent) this.writePadding(this.f.wid);
      return;
    }
    if (this.f.widPresent && this.f.wid > width && !this.f.minus) this.writePadding(this.f.wid - width);
    let s = '';
    if (this.f.sharp) s += '0' + digits[16];
    for (let i = 0; i < length; i++) {
      if (this.f.space && i > 0) {
        s += ' ';
        if (this.f.sharp) s += '0' + digits[16];
      }
      const c = b[i]!;
      s += digits[c >> 4]! + digits[c & 15]!;
    }
    this.buf += s;
    if (this.f.widPresent && this.f.wid > width && this.f.minus) this.writePadding(this.f.wid - width);
  }

  private fmtQ(s: string): void {
    s = this.truncateString(s);
    if (this.f.sharp && canBackquote(s)) {
      this.pad('`' + s + '`');
      return;
    }
    this.pad(this.f.plus ? quoteToASCII(s) : quote(s));
  }

  /** fmtQBytes is fmtQ of a byte string, which may not be valid UTF-8. */
  private fmtQBytes(b: Uint8Array): void {
    if (this.f.precPresent) {
      let n = this.f.prec;
      let i = 0;
      while (i < b.length && n-- > 0) i += decodeRune(b, i)[1];
      b = b.subarray(0, i);
    }
    let valid = true;
    for (let i = 0; i < b.length && valid;) {
      const [r, w] = decodeRune(b, i);
      if (r === 0xfffd && w === 1) valid = false;
      i += w;
    }
    if (valid) {
      const saved = this.f.precPresent;
      this.f.precPresent = false;
      this.fmtQ(utf8Decode(b));
      this.f.precPresent = saved;
      return;
    }
    this.pad(quoteBytes(b, this.f.plus));
  }

  private fmtString(v: string, verb: string): void {
    switch (verb) {
      case 'v':
        if (this.f.sharpV) this.fmtQ(v);
        else this.fmtS(v);
        return;
      case 's':
        return this.fmtS(v);
      case 'x':
        return this.fmtSbx(utf8Encode(v), ldigits);
      case 'X':
        return this.fmtSbx(utf8Encode(v), udigits);
      case 'q':
        return this.fmtQ(v);
    }
    this.badVerb(verb);
  }

  private fmtBytes(v: Uint8Array, verb: string, typeString: string, isNil: boolean): void {
    switch (verb) {
      case 'v':
      case 'd':
        if (this.f.sharpV) {
          this.buf += typeString;
          if (isNil) {
            this.buf += '(nil)';
            return;
          }
          this.buf += '{';
          v.forEach((c, i) => {
            if (i > 0) this.buf += ', ';
            this.fmt0x64(BigInt(c), true);
          });
          this.buf += '}';
        } else {
          this.buf += '[';
          v.forEach((c, i) => {
            if (i > 0) this.buf += ' ';
            this.fmtIntegerDigits(BigInt(c), 10, verb, ldigits);
          });
          this.buf += ']';
        }
        return;
      case 's':
        return this.pad(this.truncateString(utf8Decode(v)));
      case 'x':
        return this.fmtSbx(v, ldigits);
      case 'X':
        return this.fmtSbx(v, udigits);
      case 'q':
        return this.fmtQBytes(v);
    }
    this.printValue(v, verb, 0);
  }

  private fmtPointer(value: Arg, verb: string): void {
    let kind: string;
    let u = 0;
    if (value instanceof GoNil) {
      kind = value.type.kind;
    } else if (value instanceof GoBoxed) {
      kind = value.type.kind;
      u = addressOf(value);
    } else if (Array.isArray(value) || isGoMap(value) || value instanceof Uint8Array) {
      kind = Array.isArray(value) || value instanceof Uint8Array ? 'slice' : 'map';
      u = addressOf(value);
    } else kind = 'invalid';
    if (!['chan', 'func', 'map', 'ptr', 'slice', 'unsafe.Pointer'].includes(kind)) {
      this.badVerb(verb);
      return;
    }
    switch (verb) {
      case 'v':
        if (this.f.sharpV) {
          this.buf += '(' + (typeOf(value ?? null)?.name ?? '') + ')(';
          if (u === 0) this.buf += 'nil';
          else this.fmt0x64(BigInt(u), true);
          this.buf += ')';
        } else if (u === 0) this.pad('<nil>');
        else this.fmt0x64(BigInt(u), !this.f.sharp);
        return;
      case 'p':
        return this.fmt0x64(BigInt(u), !this.f.sharp);
      case 'b':
      case 'o':
      case 'd':
      case 'x':
      case 'X':
        return this.fmtInteger(BigInt(u), true, verb);
    }
    this.badVerb(verb);
  }

  private badVerb(verb: string): void {
    this.erroring = true;
    this.buf += '%!' + verb + '(';
    if (this.arg !== undefined && this.arg !== null) {
      this.buf += typeOf(this.arg)!.name + '=';
      this.printArg(this.arg, 'v');
    } else if (this.hasValue && this.value !== undefined) {
      this.buf += (typeOf(this.value)?.name ?? 'interface {}') + '=';
      this.printValue(this.value, 'v', 0);
    } else this.buf += '<nil>';
    this.buf += ')';
    this.erroring = false;
  }

  private catchPanic(err: unknown, verb: string, method: string): void {
    if (this.panicking) throw err;
    const saved = this.f;
    this.clearflags();
    this.buf += '%!' + verb + '(PANIC=' + method + ' method: ';
    this.panicking = true;
    this.printArg(err instanceof Error ? err.message : String(err), 'v');
    this.panicking = false;
    this.buf += ')';
    this.f = saved;
  }

  /** handleMethods prints through Error() or String() when the value has them (and the verb allows). */
  private handleMethods(verb: string): boolean {
    if (this.erroring) return false;
    const arg = this.arg;
    if (arg === null || arg === undefined) return false;
    const type = typeOf(arg);
    if (type === undefined || !type.hasMethods()) return false;
    if (this.f.sharpV) {
      const m = type.method('GoString');
      if (m !== undefined && m.params.length === 0) {
        try {
          const s = m.impl(arg);
          this.fmtS(typeof s === 'string' ? s : formatValue(s));
        } catch (err) {
          this.catchPanic(err, verb, 'GoString');
        }
        return true;
      }
      return false;
    }
    if (verb !== 'v' && verb !== 's' && verb !== 'x' && verb !== 'X' && verb !== 'q') return false;
    for (const name of ['Error', 'String']) {
      const m = type.method(name);
      if (m === undefined || m.params.length !== 0) continue;
      try {
        const s = m.impl(arg);
        this.fmtString(typeof s === 'string' ? s : formatValue(s), verb);
      } catch (err) {
        this.catchPanic(err, verb, name);
      }
      return true;
    }
    return false;
  }

  printArg(arg: Arg, verb: string): void {
    this.arg = arg;
    this.value = undefined;
    this.hasValue = false;
    if (arg === null || arg === undefined) {
      if (verb === 'T' || verb === 'v') this.pad('<nil>');
      else this.badVerb(verb);
      return;
    }
    if (verb === 'T') {
      this.fmtS(typeOf(arg)!.name);
      return;
    }
    if (verb === 'p') {
      this.fmtPointer(arg, 'p');
      return;
    }
    switch (typeof arg) {
      case 'boolean':
        if (verb === 't' || verb === 'v') this.fmtBoolean(arg);
        else this.badVerb(verb);
        return;
      case 'number':
        return this.fmtFloatVerb(arg, verb);
      case 'string':
        return this.fmtString(arg, verb);
    }
    if (arg instanceof GoInt && !arg.type.hasMethods()) {
      return this.fmtInteger(arg.value, isUintKind(arg.type.kind), verb);
    }
    if (arg instanceof GoComplex) return this.fmtComplex(arg, verb);
    if (arg instanceof Uint8Array && typeOf(arg)!.name === '[]uint8') {
      return this.fmtBytes(arg, verb, '[]byte', false);
    }
    if (!this.handleMethods(verb)) this.printValue(arg, verb, 0);
  }

  printValue(value: Arg, verb: string, depth: number): void {
    if (depth > 0 && value !== undefined && value !== null) {
      this.arg = value;
      if (this.handleMethods(verb)) return;
    }
    this.arg = undefined;
    this.value = value;
    this.hasValue = true;
    if (value === undefined) {
      if (depth === 0) this.buf += '<invalid reflect.Value>';
      else if (verb === 'v') this.buf += '<nil>';
      else this.badVerb(verb);
      return;
    }
    if (value === null) {
      // A nil interface{} element of a slice, map or struct.
      if (this.f.sharpV) this.buf += 'interface {}(nil)';
      else this.buf += '<nil>';
      return;
    }
    switch (typeof value) {
      case 'boolean':
        if (verb === 't' || verb === 'v') this.fmtBoolean(value);
        else this.badVerb(verb);
        return;
      case 'number':
        return this.fmtFloatVerb(value, verb);
      case 'string':
        return this.fmtString(value, verb);
    }
    if (value instanceof GoInt) return this.fmtInteger(value.value, isUintKind(value.type.kind), verb);
    if (value instanceof GoComplex) return this.fmtComplex(value, verb);
    if (value instanceof GoNil) return this.printNil(value, verb);
    if (value instanceof GoKeyedMap) {
      this.buf += this.f.sharpV ? value.type.name + '{' : 'map[';
      value.entries.forEach(([k, v], i) => {
        if (i > 0) this.buf += this.f.sharpV ? ', ' : ' ';
        this.printValue(k, verb, depth + 1);
        this.buf += ':';
        this.printValue(v, verb, depth + 1);
      });
      this.buf += this.f.sharpV ? '}' : ']';
      return;
    }
    if (value instanceof GoStruct) {
      if (value.type.kind === 'ptr') {
        if (depth === 0) {
          this.buf += '&';
          this.printStruct(value, value.type.elem ?? value.type, verb, depth + 1);
          return;
        }
        return this.fmtPointer(value, verb);
      }
      return this.printStruct(value, value.type, verb, depth);
    }
    if (value instanceof GoFunc || value instanceof GoChan) return this.fmtPointer(value, verb);
    if (value instanceof GoBoxed) {
      this.buf += '?' + value.type.name + '?';
      return;
    }
    const type = typeOf(value)!;
    if (value instanceof Uint8Array) {
      if (verb === 's' || verb === 'q' || verb === 'x' || verb === 'X') {
        return this.fmtBytes(value, verb, type.name, false);
      }
      return this.printList(
        Array.from(value, (b) => new GoInt(BigInt(b), type.elem)),
        type,
        verb,
        depth,
      );
    }
    if (Array.isArray(value)) {
      if ((verb === 's' || verb === 'q' || verb === 'x' || verb === 'X') && type.elem?.kind === 'uint8') {
        const bytes = Uint8Array.from(value, (b) => Number((b as GoInt).value));
        return this.fmtBytes(bytes, verb, type.name, false);
      }
      return this.printList(value, type, verb, depth);
    }
    if (isGoMap(value)) return this.printMap(value, type, verb, depth);
  }

  private printNil(value: GoNil, verb: string): void {
    const t = value.type;
    switch (t.kind) {
      case 'map':
        if (this.f.sharpV) this.buf += t.name + '(nil)';
        else this.buf += 'map[]';
        return;
      case 'slice':
        if (this.f.sharpV) this.buf += t.name + '(nil)';
        else if (verb === 's' || verb === 'q' || verb === 'x' || verb === 'X') {
          if (t.elem?.kind === 'uint8') return this.fmtBytes(new Uint8Array(), verb, t.name, true);
          this.buf += '[]';
        } else this.buf += '[]';
        return;
    }
    this.fmtPointer(value, verb);
  }

  private printList(items: readonly GoValue[], type: GoType, verb: string, depth: number): void {
    if (this.f.sharpV) {
      this.buf += type.name + '{';
      items.forEach((item, i) => {
        if (i > 0) this.buf += ', ';
        this.printValue(item, verb, depth + 1);
      });
      this.buf += '}';
      return;
    }
    this.buf += '[';
    items.forEach((item, i) => {
      if (i > 0) this.buf += ' ';
      this.printValue(item, verb, depth + 1);
    });
    this.buf += ']';
  }

  private printMap(m: Record<string, GoValue>, type: GoType, verb: string, depth: number): void {
    this.buf += this.f.sharpV ? type.name + '{' : 'map[';
    sortedKeys(m).forEach((k, i) => {
      if (i > 0) this.buf += this.f.sharpV ? ', ' : ' ';
      this.printValue(k, verb, depth + 1);
      this.buf += ':';
      this.printValue(mapGet(m, k), verb, depth + 1);
    });
    this.buf += this.f.sharpV ? '}' : ']';
  }

  private printStruct(value: GoStruct, type: GoType, verb: string, depth: number): void {
    if (this.f.sharpV) this.buf += type.name;
    this.buf += '{';
    type.fields.forEach((f, i) => {
      if (i > 0) this.buf += this.f.sharpV ? ', ' : ' ';
      if (this.f.plusV || this.f.sharpV) this.buf += f.name + ':';
      const v = value.fields[f.name];
      this.printValue(v === undefined ? zeroValue(f.type) : v, verb, depth + 1);
    });
    this.buf += '}';
  }

  doPrint(args: readonly Arg[]): void {
    let prevString = false;
    args.forEach((arg, i) => {
      const isString = isStringKind(arg);
      if (i > 0 && !isString && !prevString) this.buf += ' ';
      this.printArg(arg, 'v');
      prevString = isString;
    });
  }

  doPrintln(args: readonly Arg[]): void {
    args.forEach((arg, i) => {
      if (i > 0) this.buf += ' ';
      this.printArg(arg, 'v');
    });
    this.buf += '\n';
  }

  doPrintf(format: string, a: readonly Arg[]): void {
    const end = format.length;
    let argNum = 0;
    let afterIndex: boolean;
    let reordered = false;
    let goodArgNum: boolean;

    const parsenum = (start: number): [num: number, isnum: boolean, next: number] => {
      let num = 0;
      let isnum = false;
      let i = start;
      for (; i < end && format.charCodeAt(i) >= 0x30 && format.charCodeAt(i) <= 0x39; i++) {
        if (num > 1e6 || num < -1e6) return [0, false, end];
        num = num * 10 + format.charCodeAt(i) - 0x30;
        isnum = true;
      }
      return [num, isnum, i];
    };
    const argNumber = (i: number): [argNum: number, i: number, found: boolean] => {
      if (end <= i || format[i] !== '[') return [argNum, i, false];
      reordered = true;
      // parseArgNumber
      let index = 0;
      let wid = 1;
      let ok = false;
      if (end - i >= 3) {
        for (let j = i + 1; j < end; j++) {
          if (format[j] === ']') {
            const [width, isnum, newi] = parsenum(i + 1);
            if (!isnum || newi !== j) {
              wid = j - i + 1;
              ok = false;
            } else {
              index = width - 1;
              wid = j - i + 1;
              ok = true;
            }
            break;
          }
        }
      }
      if (ok && index >= 0 && index < a.length) return [index, i + wid, true];
      goodArgNum = false;
      return [argNum, i + wid, ok];
    };
    const intFromArg = (): [num: number, isInt: boolean] => {
      let num = 0;
      let isInt = false;
      if (argNum < a.length) {
        const v = a[argNum];
        if (v instanceof GoInt) {
          const n = v.value;
          if (n >= -(1n << 63n) && n < 1n << 63n) {
            num = Number(n);
            isInt = true;
          }
        }
        argNum++;
        if (num > 1e6 || num < -1e6) {
          num = 0;
          isInt = false;
        }
      }
      return [num, isInt];
    };

    let i = 0;
    formatLoop: while (i < end) {
      goodArgNum = true;
      const lasti = i;
      while (i < end && format[i] !== '%') i++;
      if (i > lasti) this.buf += format.slice(lasti, i);
      if (i >= end) break;
      i++;
      this.clearflags();
      simpleFormat: for (; i < end; i++) {
        const c = format[i]!;
        switch (c) {
          case '#':
            this.f.sharp = true;
            break;
          case '0':
            this.f.zero = true;
            break;
          case '+':
            this.f.plus = true;
            break;
          case '-':
            this.f.minus = true;
            break;
          case ' ':
            this.f.space = true;
            break;
          default:
            if (c >= 'a' && c <= 'z' && argNum < a.length) {
              if (c === 'v' || c === 'w') {
                this.f.sharpV = this.f.sharp;
                this.f.sharp = false;
                this.f.plusV = this.f.plus;
                this.f.plus = false;
              }
              this.printArg(a[argNum], c === 'w' ? 'w' : c);
              argNum++;
              i++;
              continue formatLoop;
            }
            break simpleFormat;
        }
      }
      [argNum, i, afterIndex] = argNumber(i);
      if (i < end && format[i] === '*') {
        i++;
        [this.f.wid, this.f.widPresent] = intFromArg();
        if (!this.f.widPresent) this.buf += '%!(BADWIDTH)';
        if (this.f.wid < 0) {
          this.f.wid = -this.f.wid;
          this.f.minus = true;
          this.f.zero = false;
        }
        afterIndex = false;
      } else {
        [this.f.wid, this.f.widPresent, i] = parsenum(i);
        if (afterIndex && this.f.widPresent) goodArgNum = false;
      }
      if (i + 1 < end && format[i] === '.') {
        i++;
        if (afterIndex) goodArgNum = false;
        [argNum, i, afterIndex] = argNumber(i);
        if (i < end && format[i] === '*') {
          i++;
          [this.f.prec, this.f.precPresent] = intFromArg();
          if (this.f.prec < 0) {
            this.f.prec = 0;
            this.f.precPresent = false;
          }
          if (!this.f.precPresent) this.buf += '%!(BADPREC)';
          afterIndex = false;
        } else {
          [this.f.prec, this.f.precPresent, i] = parsenum(i);
          if (!this.f.precPresent) {
            this.f.prec = 0;
            this.f.precPresent = true;
          }
        }
      }
      if (!afterIndex) [argNum, i] = argNumber(i);
      if (i >= end) {
        this.buf += '%!(NOVERB)';
        break;
      }
      const cp = format.codePointAt(i)!;
      const verb = String.fromCodePoint(cp);
      i += verb.length;
      if (verb === '%') {
        this.buf += '%';
      } else if (!goodArgNum) {
        this.buf += '%!' + verb + '(BADINDEX)';
      } else if (argNum >= a.length) {
        this.buf += '%!' + verb + '(MISSING)';
      } else {
        if (verb === 'v' || verb === 'w') {
          this.f.sharpV = this.f.sharp;
          this.f.sharp = false;
          this.f.plusV = this.f.plus;
          this.f.plus = false;
        }
        this.printArg(a[argNum], verb);
        argNum++;
      }
    }
    if (!reordered && argNum < a.length) {
      this.clearflags();
      this.buf += '%!(EXTRA ';
      a.slice(argNum).forEach((arg, k) => {
        if (k > 0) this.buf += ', ';
        if (arg === null || arg === undefined) this.buf += '<nil>';
        else {
          this.buf += typeOf(arg)!.name + '=';
          this.printArg(arg, 'v');
        }
      });
      this.buf += ')';
    }
  }
}

function runeOf(v: bigint): number {
  return v < 0n || v > 0x10ffffn ? 0xfffd : Number(v);
}

/** zeroValue is the value an unset struct field of `type` holds. */
function zeroValue(type: GoType): GoValue {
  switch (type.kind) {
    case 'string':
      return '';
    case 'bool':
      return false;
    case 'float32':
    case 'float64':
      return 0;
    case 'interface':
      return null;
  }
  if (type.kind.startsWith('int') || type.kind.startsWith('uint')) return new GoInt(0n, type);
  return new GoNil(type);
}

/** sprint is Go's fmt.Sprint: operands formatted with %v, a space between operands when neither is a string. */
export function sprint(...args: readonly GoValue[]): string {
  const p = new Printer();
  p.doPrint(args);
  return p.buf;
}

/** sprintln is Go's fmt.Sprintln: operands formatted with %v, separated by spaces, and a newline. */
export function sprintln(...args: readonly GoValue[]): string {
  const p = new Printer();
  p.doPrintln(args);
  return p.buf;
}

/** sprintf is Go's fmt.Sprintf. */
export function sprintf(format: string, ...args: readonly GoValue[]): string {
  const p = new Printer();
  p.doPrintf(format, args);
  return p.buf;
}

/**
 * formatValue is `%v` of one value, which is what a template action prints (`fmt.Fprint` of a single operand)
 * and what Sprig's `toString` returns for non-strings. Fast for the common scalars.
 */
export function formatValue(v: GoValue): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      // Integral floats below 1e6 print as JavaScript prints them (Go switches to %e at 1e6).
      return Number.isInteger(v) && v < 1e6 && v > -1e6 && (v !== 0 || !Object.is(v, -0))
        ? String(v)
        : formatFloat(v, 'g', -1);
    case 'boolean':
      return v ? 'true' : 'false';
  }
  if (v instanceof GoInt && !v.type.hasMethods()) return v.value.toString();
  const p = new Printer();
  p.printArg(v, 'v');
  return p.buf;
}
