import { FluxtsError } from './errors.ts';

/**
 * Kubernetes label selectors (`app=web,tier in (a,b),!legacy`) as k8s.io/apimachinery's `labels` package reads
 * them: its lexer and recursive-descent parser, its key and value validation, and its error texts, so that a
 * command can refuse a selector with the words `kubectl` or `flux` would use before it reaches the apiserver.
 */

/** LabelSelectorError is a selector apimachinery would not parse; the message is apimachinery's. */
export class LabelSelectorError extends FluxtsError {}

/** Operator is a requirement's operator, spelled as apimachinery's `selection.Operator`. */
export type Operator = '!' | '=' | '==' | 'in' | '!=' | 'notin' | 'exists' | 'gt' | 'lt';

/** Requirement is one comma-separated part of a selector. */
export interface Requirement {
  key: string;
  operator: Operator;
  /** sorted and without duplicates, as apimachinery's string set keeps them */
  values: string[];
}

type Token = 'error' | 'end' | ')' | ',' | '!' | '==' | '=' | '>' | 'identifier' | 'in' | '<' | '!=' | 'notin' | '(';

const LITERALS = new Map<string, Token>([
  [')', ')'],
  [',', ','],
  ['!', '!'],
  ['==', '=='],
  ['=', '='],
  ['>', '>'],
  ['in', 'in'],
  ['<', '<'],
  ['!=', '!='],
  ['notin', 'notin'],
  ['(', '('],
]);

const isWhitespace = (ch: string): boolean => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
const isSpecial = (ch: string): boolean => '=!(),><'.includes(ch);

/** lex splits the selector into apimachinery's tokens (on bytes, as Go indexes strings). */
function lex(input: string): { tok: Token; lit: string }[] {
  const bytes = Buffer.from(input, 'utf8');
  const text = (from: number, to: number): string => bytes.subarray(from, to).toString('utf8');
  const charAt = (i: number): string => String.fromCharCode(bytes[i] ?? 0);
  const out: { tok: Token; lit: string }[] = [];
  let pos = 0;
  for (;;) {
    while (pos < bytes.length && isWhitespace(charAt(pos))) pos++;
    if (pos >= bytes.length) {
      out.push({ tok: 'end', lit: '' });
      return out;
    }
    if (isSpecial(charAt(pos))) {
      // The longest run of special characters that is still a token.
      let buffer = '';
      let last: { tok: Token; lit: string } | undefined;
      while (pos < bytes.length && isSpecial(charAt(pos))) {
        buffer += charAt(pos);
        const tok = LITERALS.get(buffer);
        if (tok !== undefined) last = { tok, lit: buffer };
        else if (last !== undefined) break;
        pos++;
      }
      out.push(last ?? { tok: 'error', lit: `error expected: keyword found '${buffer}'` });
      continue;
    }
    const start = pos;
    while (pos < bytes.length && !isSpecial(charAt(pos)) && !isWhitespace(charAt(pos))) pos++;
    const lit = text(start, pos);
    out.push({ tok: LITERALS.get(lit) ?? 'identifier', lit });
  }
}

const KEY_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const KEY_RE = new RegExp(`^${KEY_FMT}$`);
const VALUE_FMT = `(${KEY_FMT})?`;
const VALUE_RE = new RegExp(`^${VALUE_FMT}$`);
const DNS_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS_SUBDOMAIN_FMT = `${DNS_LABEL_FMT}(\\.${DNS_LABEL_FMT})*`;
const DNS_SUBDOMAIN_RE = new RegExp(`^${DNS_SUBDOMAIN_FMT}$`);
const KEY_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/** regexError is apimachinery's RegexError text (its doubled space after each example included). */
function regexError(msg: string, re: string, ...examples: string[]): string {
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${re}')`;
}

const byteLength = (s: string): number => Buffer.byteLength(s, 'utf8');

/** labelKeyProblems is apimachinery's IsLabelKey. */
function labelKeyProblems(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0] ?? '';
  } else if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    name = parts[1] ?? '';
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else {
      if (byteLength(prefix) > 253) errs.push('prefix part must be no more than 253 bytes');
      if (!DNS_SUBDOMAIN_RE.test(prefix)) {
        errs.push(
          `prefix part ${regexError(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
            DNS_SUBDOMAIN_FMT,
            'example.com',
          )}`,
        );
      }
    }
  } else {
    return [
      `a valid label key ${regexError(KEY_MSG, KEY_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (byteLength(name) > 63) errs.push('name part must be no more than 63 bytes');
  if (!KEY_RE.test(name)) errs.push(`name part ${regexError(KEY_MSG, KEY_FMT, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

/** labelValueProblems is apimachinery's IsValidLabelValue. */
function labelValueProblems(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push('must be no more than 63 bytes');
  if (!VALUE_RE.test(value)) {
    errs.push(
      regexError(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        VALUE_FMT,
        'MyValue',
        'my_value',
        '12345',
      ),
    );
  }
  return errs;
}

/** goQuote quotes like Go's %q for the printable strings selectors hold. */
const goQuote = (s: string): string => JSON.stringify(s);

/** invalid is apimachinery's field.Invalid(...).Error() for a string value. */
const invalid = (path: string, value: string, detail: string): string =>
  `${path}: Invalid value: ${goQuote(value)}: ${detail}`;

/** aggregate is apimachinery's aggregated error text. */
function aggregate(errs: string[]): string | undefined {
  const unique = [...new Set(errs)];
  if (unique.length === 0) return undefined;
  return unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`;
}

/** newRequirement is apimachinery's NewRequirement validation (the parser's path is nil). */
function newRequirement(key: string, operator: Operator, values: string[]): Requirement {
  const errs: string[] = [];
  const keyProblems = labelKeyProblems(key);
  if (keyProblems.length > 0) errs.push(invalid('key', key, keyProblems.join('; ')));
  const list = `[${values.map(goQuote).join(',')}]`;
  const valuesInvalid = (detail: string): string => `values: Invalid value: ${list}: ${detail}`;
  if ((operator === 'in' || operator === 'notin') && values.length === 0) {
    errs.push(valuesInvalid("for 'in', 'notin' operators, values set can't be empty"));
  }
  if ((operator === '=' || operator === '==' || operator === '!=') && values.length !== 1) {
    errs.push(valuesInvalid('exact-match compatibility requires one single value'));
  }
  if ((operator === 'exists' || operator === '!') && values.length !== 0) {
    errs.push(valuesInvalid('values set must be empty for exists and does not exist'));
  }
  if (operator === 'gt' || operator === 'lt') {
    if (values.length !== 1) errs.push(valuesInvalid("for 'Gt', 'Lt' operators, exactly one value is required"));
    values.forEach((v, i) => {
      if (!/^[-+]?[0-9]+$/.test(v) || !Number.isSafeInteger(Number(v))) {
        errs.push(invalid(`values[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
      }
    });
  }
  values.forEach((v, i) => {
    const problems = labelValueProblems(v);
    if (problems.length > 0) errs.push(invalid(`values[${i}][${key}]`, v, problems.join('; ')));
  });
  const message = aggregate(errs);
  if (message !== undefined) throw new LabelSelectorError(message);
  return { key, operator, values };
}

class Parser {
  private readonly items: { tok: Token; lit: string }[];
  private position = 0;

  constructor(input: string) {
    this.items = lex(input);
  }

  /** In value context, the keywords `in` and `notin` are plain identifiers. */
  private peek(values = true): { tok: Token; lit: string } {
    const it = this.items[this.position] ?? { tok: 'end', lit: '' };
    return values && (it.tok === 'in' || it.tok === 'notin') ? { tok: 'identifier', lit: it.lit } : it;
  }

  private take(values = true): { tok: Token; lit: string } {
    const it = this.peek(values);
    this.position++;
    return it;
  }

  parse(): Requirement[] {
    const requirements: Requirement[] = [];
    for (;;) {
      const { tok, lit } = this.peek();
      if (tok === 'end') return requirements;
      if (tok !== 'identifier' && tok !== '!') {
        throw new LabelSelectorError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
      try {
        requirements.push(this.requirement());
      } catch (err) {
        if (err instanceof LabelSelectorError) {
          throw new LabelSelectorError(`unable to parse requirement: ${err.message}`);
        }
        throw err;
      }
      const next = this.take();
      if (next.tok === 'end') return requirements;
      if (next.tok !== ',') throw new LabelSelectorError(`found '${next.lit}', expected: ',' or 'end of string'`);
      const after = this.peek();
      if (after.tok !== 'identifier' && after.tok !== '!') {
        throw new LabelSelectorError(`found '${after.lit}', expected: identifier after ','`);
      }
    }
  }

  private requirement(): Requirement {
    let operator: Operator | undefined;
    let { tok, lit } = this.take();
    if (tok === '!') {
      operator = '!';
      ({ tok, lit } = this.take());
    }
    if (tok !== 'identifier') throw new LabelSelectorError(`found '${lit}', expected: identifier`);
    const keyProblems = labelKeyProblems(lit);
    if (keyProblems.length > 0) throw new LabelSelectorError(invalid('<nil>', lit, keyProblems.join('; ')));
    const key = lit;
    const next = this.peek().tok;
    if (next === 'end' || next === ',') return newRequirement(key, operator ?? 'exists', []);
    if (operator === '!') return newRequirement(key, '!', []);
    const op = this.take(false);
    const operators: Partial<Record<Token, Operator>> = {
      in: 'in',
      '=': '=',
      '==': '==',
      '>': 'gt',
      '<': 'lt',
      notin: 'notin',
      '!=': '!=',
    };
    const found = operators[op.tok];
    if (found === undefined) {
      throw new LabelSelectorError(`found '${op.lit}', expected: in, notin, =, ==, !=, gt, lt`);
    }
    const values = found === 'in' || found === 'notin' ? this.setValues() : this.exactValue();
    return newRequirement(key, found, [...new Set(values)].sort());
  }

  private setValues(): string[] {
    const open = this.take();
    if (open.tok !== '(') throw new LabelSelectorError(`found '${open.lit}' expected: '('`);
    const first = this.peek();
    if (first.tok === ')') {
      this.take();
      return [''];
    }
    if (first.tok !== 'identifier' && first.tok !== ',') {
      throw new LabelSelectorError(`found '${first.lit}', expected: ',', ')' or identifier`);
    }
    const values = this.identifiers();
    if (this.take().tok !== ')') throw new LabelSelectorError(`found '${first.lit}', expected: ')'`);
    return values;
  }

  private identifiers(): string[] {
    const values: string[] = [];
    for (;;) {
      const { tok, lit } = this.take();
      if (tok === 'identifier') {
        values.push(lit);
        const next = this.peek();
        if (next.tok === ',') continue;
        if (next.tok === ')') return values;
        throw new LabelSelectorError(`found '${next.lit}', expected: ',' or ')'`);
      }
      if (tok === ',') {
        if (values.length === 0) values.push('');
        const next = this.peek().tok;
        if (next === ')') {
          values.push('');
          return values;
        }
        if (next === ',') values.push('');
        continue;
      }
      throw new LabelSelectorError(`found '${lit}', expected: ',', or identifier`);
    }
  }

  private exactValue(): string[] {
    const next = this.peek().tok;
    if (next === 'end' || next === ',') return [''];
    const { tok, lit } = this.take();
    if (tok === 'identifier') return [lit];
    throw new LabelSelectorError(`found '${lit}', expected: identifier`);
  }
}

/**
 * parseLabelSelector reads a selector as apimachinery's labels.Parse does: requirements sorted by key. Throws
 * LabelSelectorError with apimachinery's message.
 */
export function parseLabelSelector(input: string): Requirement[] {
  try {
    return new Parser(input).parse().sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  } catch (err) {
    if (err instanceof LabelSelectorError) {
      throw new LabelSelectorError(`couldn't parse the selector string "${input}": ${err.message}`);
    }
    throw err;
  }
}

/**
 * selectorForList is what `flux get -l` sends: the selector read as metav1.ParseToLabelSelector reads it (no
 * `!=`, `gt` or `lt`), written back as the labels.Selector string the apiserver receives. Throws
 * LabelSelectorError with apimachinery's message.
 */
export function selectorForList(input: string): string {
  const requirements = parseLabelSelector(input);
  const parts: Requirement[] = [];
  for (const r of requirements) {
    if (r.operator === 'gt' || r.operator === 'lt') {
      throw new LabelSelectorError(`"${r.operator}" isn't supported in label selectors`);
    }
    if (r.operator === '!=') throw new LabelSelectorError(`"!=" is not a valid label selector operator`);
    parts.push(r.operator === '==' ? { ...r, operator: '=' } : r);
  }
  // LabelSelectorAsSelector puts matchLabels (equality) before the expressions, then sorts by key.
  return parts
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((r) => {
      if (r.operator === '=') return `${r.key}=${r.values[0] ?? ''}`;
      if (r.operator === 'exists') return r.key;
      if (r.operator === '!') return `!${r.key}`;
      return `${r.key} ${r.operator} (${r.values.join(',')})`;
    })
    .join(',');
}
