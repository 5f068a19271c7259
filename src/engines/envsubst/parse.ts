import { EnvsubstSyntaxError } from './errors.ts';
import {
  type AcceptFn,
  acceptCasingFunc,
  acceptColon,
  acceptDefaultFunc,
  acceptHashFunc,
  acceptIdent,
  acceptNotClosing,
  acceptNotSlash,
  acceptOneColon,
  acceptOneEqual,
  acceptOneHash,
  acceptPercentFunc,
  acceptReplaceFunc,
  acceptRune,
  acceptSlash,
  EscAll,
  EscDollar,
  rejectColonClose,
  ScanEscape,
  ScanIdent,
  ScanLbrack,
  Scanner,
  ScanRbrack,
  Token,
} from './scanner.ts';

/** Node is a parsed template: literal text, a `${…}` expression, or a sequence. Text is a byte string. */
export type Node =
  | { kind: 'text'; value: string }
  | { kind: 'func'; param: string; name: string; args: Node[] }
  | { kind: 'list'; nodes: Node[] };

const EMPTY: Node = { kind: 'text', value: '' };

export const BAD_SUBSTITUTION = 'bad substitution';
const MISSING_CLOSING_BRACE = 'missing closing brace';
const PARSE_VARIABLE_NAME = 'unable to parse variable name';
const PARSE_FUNC_SUBSTITUTION = 'unable to parse substitution within function';
const PARSE_DEFAULT_FUNCTION = 'unable to parse default function';

const ch = (c: string): number => c.charCodeAt(0);
const fail = (message: string): never => {
  throw new EnvsubstSyntaxError(message);
};

/**
 * parseTemplate parses a byte string with Flux's envsubst grammar (fluxcd/pkg/envsubst/parse): only `${` opens an
 * expression, `$$` escapes a dollar at the top level, `\/` and `\\` escape inside replacement patterns.
 */
export function parseTemplate(bytes: string): Node {
  const s = new Scanner();
  s.init(bytes);
  return parseAny(s);
}

function parseAny(s: Scanner): Node {
  // A flat loop instead of upstream's right recursion: same result, and a long document cannot exhaust the stack.
  const parts: Node[] = [];
  for (;;) {
    s.accept = acceptRune;
    s.mode = ScanIdent | ScanLbrack | ScanEscape;
    s.escapeChars = EscDollar;
    const tok = s.scan();
    if (tok === Token.Ident) parts.push({ kind: 'text', value: s.string() });
    else if (tok === Token.EOF) break;
    else if (tok === Token.Lbrack) parts.push(parseFunc(s));
    else fail(BAD_SUBSTITUTION);
  }
  if (parts.length === 0) return EMPTY;
  return parts.length === 1 ? (parts[0] as Node) : { kind: 'list', nodes: parts };
}

function parseFunc(s: Scanner): Node {
  s.escapeChars = EscAll;
  if (s.peek() === ch('#')) return parseLenFunc(s);
  s.accept = acceptIdent;
  s.mode = ScanIdent;
  if (s.scan() !== Token.Ident) fail(PARSE_VARIABLE_NAME);
  const name = s.string();
  switch (s.peek()) {
    case ch(':'):
      return parseDefaultOrSubstr(s, name);
    case ch('='):
      return parseDefaultFunc(s, name);
    case ch(','):
    case ch('^'):
      return parseCasingFunc(s, name);
    case ch('/'):
      return parseReplaceFunc(s, name);
    case ch('#'):
      return parseRemoveFunc(s, name, acceptHashFunc);
    case ch('%'):
      return parseRemoveFunc(s, name, acceptPercentFunc);
  }
  s.accept = acceptIdent;
  s.mode = ScanRbrack;
  if (s.scan() !== Token.Rbrack) fail(MISSING_CLOSING_BRACE);
  return { kind: 'func', param: name, name: '', args: [] };
}

function parseParam(s: Scanner, accept: AcceptFn, mode: number): Node {
  s.accept = accept;
  s.mode = mode | ScanLbrack;
  const tok = s.scan();
  if (tok === Token.Lbrack) return parseFunc(s);
  if (tok === Token.Ident || tok === Token.Rbrack) return { kind: 'text', value: s.string() };
  return fail(PARSE_FUNC_SUBSTITUTION);
}

function parseDefaultOrSubstr(s: Scanner, name: string): Node {
  s.read();
  const r = s.peek();
  s.unread();
  if (r === ch('=') || r === ch('-') || r === ch('?') || r === ch('+')) return parseDefaultFunc(s, name);
  return parseSubstrFunc(s, name);
}

function funcNode(
  s: Scanner,
  param: string,
  accept: AcceptFn,
): { kind: 'func'; param: string; name: string; args: Node[] } {
  s.accept = accept;
  s.mode = ScanIdent;
  if (s.scan() !== Token.Ident) fail(BAD_SUBSTITUTION);
  return { kind: 'func', param, name: s.string(), args: [] };
}

function parseSubstrFunc(s: Scanner, name: string): Node {
  const node = funcNode(s, name, acceptOneColon);
  node.args.push(parseParam(s, rejectColonClose, ScanIdent));
  s.accept = acceptColon;
  s.mode = ScanIdent | ScanRbrack;
  const tok = s.scan();
  if (tok === Token.Rbrack) return node;
  if (tok !== Token.Ident) fail(BAD_SUBSTITUTION);
  node.args.push(parseParam(s, acceptNotClosing, ScanIdent));
  consumeRbrack(s);
  return node;
}

function parseRemoveFunc(s: Scanner, name: string, accept: AcceptFn): Node {
  const node = funcNode(s, name, accept);
  node.args.push(parseParam(s, acceptNotClosing, ScanIdent));
  consumeRbrack(s);
  return node;
}

function parseReplaceFunc(s: Scanner, name: string): Node {
  const node = funcNode(s, name, acceptReplaceFunc);
  node.args.push(parseParam(s, acceptNotSlash, ScanIdent | ScanEscape));
  s.accept = acceptSlash;
  s.mode = ScanIdent;
  if (s.scan() !== Token.Ident) fail(BAD_SUBSTITUTION);
  if (s.peek() === ch('}')) {
    consumeRbrack(s);
    return node;
  }
  node.args.push(parseParam(s, acceptNotClosing, ScanIdent | ScanEscape));
  consumeRbrack(s);
  return node;
}

function parseDefaultFunc(s: Scanner, name: string): Node {
  s.accept = s.peek() === ch('=') ? acceptOneEqual : acceptDefaultFunc;
  s.mode = ScanIdent;
  if (s.scan() !== Token.Ident) fail(PARSE_DEFAULT_FUNCTION);
  const node = { kind: 'func' as const, param: name, name: s.string(), args: [] as Node[] };
  for (;;) {
    if (s.peek() === ch('}')) {
      consumeRbrack(s);
      return node;
    }
    node.args.push(parseParam(s, acceptNotClosing, ScanIdent));
  }
}

function parseCasingFunc(s: Scanner, name: string): Node {
  const node = funcNode(s, name, acceptCasingFunc);
  consumeRbrack(s);
  return node;
}

function parseLenFunc(s: Scanner): Node {
  s.accept = acceptOneHash;
  s.mode = ScanIdent;
  if (s.scan() !== Token.Ident) fail(BAD_SUBSTITUTION);
  const name = s.string();
  s.accept = acceptIdent;
  s.mode = ScanIdent;
  if (s.scan() !== Token.Ident) fail(BAD_SUBSTITUTION);
  const node: Node = { kind: 'func', param: s.string(), name, args: [] };
  consumeRbrack(s);
  return node;
}

function consumeRbrack(s: Scanner): void {
  s.mode = ScanRbrack;
  if (s.scan() !== Token.Rbrack) fail(BAD_SUBSTITUTION);
}
