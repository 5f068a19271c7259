// sigs.k8s.io/yaml marshals through JSON: Go's encoding/json writes a string with U+0085 (NEL) unescaped, and
// go-yaml v2 then reads that JSON as YAML 1.1, where NEL is a line break inside a double-quoted scalar: it is
// folded like any line break (blanks around it dropped; one break becomes a space, each further break a newline),
// and a document marker right after it is an error. The other breaks are escaped by encoding/json.

/** JsonRereadError is go-yaml's error for a string that cannot survive the JSON step. */
export class JsonRereadError extends Error {}

const NEL = 0x85;

/**
 * rereadJsonString is what a string becomes after encoding/json and go-yaml v2's reading of it. A mapping key
 * with a NEL fails: a key cannot span lines.
 */
export function rereadJsonString(s: string, key = false): string {
  if (!s.includes('\u0085')) return s;
  if (key) throw new JsonRereadError('yaml: a mapping key with U+0085 (NEL) spans lines once written as JSON');
  let out = '';
  let i = 0;
  while (i < s.length) {
    // A run of spaces and NELs: spaces before the first NEL go, spaces after it are skipped.
    let j = i;
    let breaks = 0;
    let spaces = '';
    while (j < s.length && (s.charCodeAt(j) === 0x20 || s.charCodeAt(j) === NEL)) {
      if (s.charCodeAt(j) === NEL) breaks++;
      else if (breaks === 0) spaces += ' ';
      j++;
    }
    if (j > i) {
      if (breaks === 0) out += spaces;
      else {
        out += breaks === 1 ? ' ' : '\n'.repeat(breaks - 1);
        // After a break the line starts at column 0, unless blanks followed it.
        const lineStart = s.charCodeAt(j - 1) === NEL;
        const marker = s.slice(j, j + 3);
        const after = s.charCodeAt(j + 3);
        const blankz = Number.isNaN(after) ? false : after === 0x20 || after === NEL || after === 0x09;
        if (lineStart && (marker === '---' || marker === '...') && blankz) {
          throw new JsonRereadError('yaml: found unexpected document indicator');
        }
      }
      i = j;
      continue;
    }
    out += s[i];
    i++;
  }
  return out;
}
