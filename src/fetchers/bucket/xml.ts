// A small reader for the XML that object-storage APIs answer with (S3's ListBucketResult and Error, Azure's
// EnumerationResults): elements, attributes, text, CDATA, comments, the five named entities and character
// references. No DTDs, no namespaces beyond keeping prefixed names as written: those APIs use neither.
import { FluxtsError } from '../../util/errors.ts';

/** XmlElement is one element: its name, attributes, child elements in order and its text (children's excluded). */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/** XmlError: the document is not well-formed; the message says where. */
export class XmlError extends FluxtsError {}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** decodeEntities replaces `&amp;`-style and `&#…;` references. */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (all, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(Number.parseInt(ref.slice(1), 10));
    const named = NAMED[ref];
    if (named === undefined) throw new XmlError(`unknown XML entity ${all}`);
    return named;
  });
}

const ATTRIBUTE = /([^\s=/>]+)\s*=\s*("([^"]*)"|'([^']*)')/g;

/** parseXml returns the document's root element. */
export function parseXml(doc: string): XmlElement {
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let i = 0;
  const fail = (what: string): never => {
    throw new XmlError(`malformed XML at offset ${i}: ${what}`);
  };
  while (i < doc.length) {
    const lt = doc.indexOf('<', i);
    const textEnd = lt === -1 ? doc.length : lt;
    if (textEnd > i) {
      const text = doc.slice(i, textEnd);
      const top = stack[stack.length - 1];
      if (top) top.text += decodeEntities(text);
      else if (text.trim() !== '') fail('text outside the root element');
    }
    if (lt === -1) break;
    i = lt;
    if (doc.startsWith('<?', i)) {
      const end = doc.indexOf('?>', i);
      if (end === -1) fail('unterminated processing instruction');
      i = end + 2;
    } else if (doc.startsWith('<!--', i)) {
      const end = doc.indexOf('-->', i);
      if (end === -1) fail('unterminated comment');
      i = end + 3;
    } else if (doc.startsWith('<![CDATA[', i)) {
      const end = doc.indexOf(']]>', i);
      if (end === -1) fail('unterminated CDATA section');
      const top = stack[stack.length - 1] ?? fail('CDATA outside the root element');
      top.text += doc.slice(i + 9, end);
      i = end + 3;
    } else if (doc.startsWith('<!', i)) {
      fail('document type declarations are not supported');
    } else if (doc.startsWith('</', i)) {
      const end = doc.indexOf('>', i);
      if (end === -1) fail('unterminated end tag');
      const name = doc.slice(i + 2, end).trim();
      const top = stack.pop();
      if (!top || top.name !== name) fail(`end tag </${name}> does not close <${top?.name ?? ''}>`);
      i = end + 1;
    } else {
      const end = doc.indexOf('>', i);
      if (end === -1) fail('unterminated start tag');
      const selfClosing = doc[end - 1] === '/';
      const inner = doc.slice(i + 1, selfClosing ? end - 1 : end);
      const nameMatch = /^[^\s/>]+/.exec(inner) ?? fail('element without a name');
      const element: XmlElement = { name: nameMatch[0], attributes: {}, children: [], text: '' };
      for (const m of inner.slice(nameMatch[0].length).matchAll(ATTRIBUTE)) {
        element.attributes[m[1] as string] = decodeEntities(m[3] ?? m[4] ?? '');
      }
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(element);
      else if (root) fail('a second root element');
      else root = element;
      if (!selfClosing) stack.push(element);
      i = end + 1;
    }
  }
  if (stack.length > 0) fail(`<${stack[stack.length - 1]?.name ?? ''}> is never closed`);
  return root ?? fail('no root element');
}

/** child returns the first child element with the name, if any. */
export function child(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name);
}

/** childText returns the text of the first child element with the name, or undefined. */
export function childText(el: XmlElement, name: string): string | undefined {
  return child(el, name)?.text;
}

/** childrenNamed returns every child element with the name, in order. */
export function childrenNamed(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}
