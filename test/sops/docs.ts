// Plaintext documents for the differential tests: every format sops writes, nested structures, every value type
// (str, int, float, bool, null, timestamps), quoting and unicode edge cases, comments and multiple documents.

export const YAML_DOC = `# Database settings
apiVersion: v1
kind: Secret
metadata:
    name: db # the name
    labels:
        app: web
stringData:
    password: hunter2
    url: "postgres://user:p@ss@db:5432/app?sslmode=disable"
    multi: |
        line one
          indented
        line two
    strip: |-
        no trailing newline
    keep: |+
        keep

    folded: >
        folded text
        here
    empty: ""
    quoted_num: "123"
    yes_str: "yes"
    colon: "a: b"
    hash: "x #y"
    lead_space: " lead"
    single: 'it''s'
types:
    int: 42
    negative: -7
    hex: 0x1F
    octal: 0o17
    underscore: 1_000
    float: 3.14159
    float_int: 2.0
    exp: 6.02e23
    small: 0.000001
    inf: .inf
    bool_t: true
    bool_f: False
    nothing: null
    tilde: ~
    date: 2024-01-15
    datetime: 2024-01-15T10:20:30.500+02:00
    unicode: "héllo wörld ✓"
    emoji: "🔑"
    tab: "a\\tb"
    control: "bell\\a"
    # a list
    list:
        - one
        - 2
        - 3.5
        - true
        - nested:
            deep: value
          sibling: 1
        - - inner1
          - inner2
    empty_list: []
    empty_map: {}
    anchor: &a
        x: 1
    alias: *a
data_unencrypted:
    visible: plain text
---
second: document
list_of_maps:
    - name: a
      value: 1
    - name: b
      value: "2"
`;

export const JSON_DOC = `{
  "string": "value",
  "html": "<b>&amp;</b>",
  "escapes": "quote\\" backslash\\\\ newline\\n tab\\t bell\\u0007",
  "unicode": "héllo ✓ 🔑 \\u2028",
  "int": 42,
  "neg": -1,
  "big": 9007199254740993,
  "float": 1.5,
  "float_int": 2.0,
  "exp": 1e-7,
  "large": 1.5e300,
  "bool": true,
  "off": false,
  "null": null,
  "nested": {"a": {"b": [1, "two", {"three": 3}, [], {}]}},
  "empty_string": "",
  "list": [true, false, null, 0.1],
  "secret_unencrypted": "visible"
}
`;

export const DOTENV_DOC = `# comment line
DB_USER=admin
DB_PASS=s3cr3t=with=equals
MULTILINE=line1\\nline2
EMPTY=
SPACES=  padded value  
URL=https://example.com/?a=1&b=2
#another comment
UNICODE=héllo ✓
`;

export const INI_DOC = `; global settings
[DEFAULT]
timeout = 30

[database]
# the password
password = hunter2
user     = admin
host=db.example.com
port: 5432

[api]
url = https://example.com:8443/path
quoted = " spaced "
`;

/** BINARY_DOC is arbitrary bytes, including invalid UTF-8, NUL and every byte value. */
export const BINARY_DOC = Uint8Array.from({ length: 512 }, (_, i) => (i * 73 + 11) % 256);

/** TEXT_BINARY_DOC is a text file encrypted as binary, as secretGenerator files are. */
export const TEXT_BINARY_DOC = 'user=admin\npassword=hunter2\n';

/** COMMENTS_DOC puts comments where yaml.v3 attaches them in different ways: heads, line ends, ends of blocks. */
export const COMMENTS_DOC = `# top comment

# head of a
a: 1 # inline a
b:
    # first in b
    c: 1
    d: # on d
        x: 1
        # end of d, deeper
    # end of d
    l: # on l
        # first in l
        - 1 # inline item
        # mid l
        - 2
        # end l
top: [] # on top
m: {} # on m
n:
    - a: 1
      # inside item
      b: 2
    # after items
a_then: 1
    # deeper than the next key
z: last
# foot comment
`;

/** TRICKY_STRINGS are strings whose YAML spelling depends on yaml.v3's quoting rules. */
export const TRICKY_STRINGS = [
  'null',
  '~',
  'true',
  'True',
  '1e3',
  '0x10',
  '+1',
  '.5',
  '1:20',
  'y',
  'on',
  'Off',
  ' x',
  'x ',
  '- x',
  '-',
  '? x',
  ': x',
  '@x',
  '`x',
  '%x',
  'x: y',
  'x #y',
  '#x',
  '[x]',
  '{x}',
  'a,b',
  '\u0085x',
  '\ufeffx',
  '😀',
  'a\tb',
  'a\r\nb',
  '---',
  '...',
  '--- x',
  '',
  '  ',
  'a\nb ',
  'a \nb',
  '\nlead',
  'trail\n\n\n',
  'x'.repeat(120),
  '\u2028',
  'café',
  '\x7f',
  '\x01',
  '2024-01-01',
  '2024-01-01 10:00:00',
  '12:30:45',
  '0o17',
  '0b101',
  '1_000',
  '-.inf',
  '.NaN',
  'NULL',
  'yes',
  'No',
  '=',
  '<<',
  '!tag',
  '&a',
  '*a',
  '|',
  '> x',
  "'q'",
  '"dq"',
  'back\\slash',
  'a: b: c',
  'http://x.y/z?a=1#frag',
  'x:',
  'x :y',
];

/** yamlQuote writes a YAML double-quoted scalar that escapes everything yaml.v3 refuses to read raw. */
function yamlQuote(v: string): string {
  let out = '"';
  for (const ch of v) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (c > 0xffff) out += '\\U' + c.toString(16).toUpperCase().padStart(8, '0');
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0xfeff || c === 0x2028 || c === 0x2029) {
      out += '\\u' + c.toString(16).toUpperCase().padStart(4, '0');
    } else out += ch;
  }
  return out + '"';
}

/** SCALARS_DOC has every tricky string as a value, as a sequence item, and (single-line ones) as a key. */
export const SCALARS_DOC = [
  ...TRICKY_STRINGS.map((v, i) => `k${i}: ${yamlQuote(v)}`),
  'list:',
  ...TRICKY_STRINGS.map((v) => `    - ${yamlQuote(v)}`),
  ...TRICKY_STRINGS.flatMap((v, i) =>
    v === '' || v === '<<' || /[\n\r\u0085\u2028]/.test(v) ? [] : [`${yamlQuote(v)}: ${i}`],
  ),
  '',
].join('\n');

/** SCALARS_JSON has every tricky string in JSON, for Go's JSON string escaping. */
export const SCALARS_JSON = JSON.stringify({
  strings: TRICKY_STRINGS,
  ...Object.fromEntries(TRICKY_STRINGS.map((v, i) => [`k${i}`, v])),
});

/** COMPLEX_KEYS_DOC has keys libyaml writes as complex keys (`? key`): longer than 128 bytes, or multi-line. */
export const COMPLEX_KEYS_DOC = `${'k'.repeat(130)}: v
nested: {${'é'.repeat(70)}: 1}
list:
    - ${'x'.repeat(129)}: x
"a\\nb": 1
"x\\ny": {p: 1, q: [1, 2]}
`;

/** NUMBERS_DOC has the limits of Go's number parsing and formatting. */
export const NUMBERS_DOC = `overflow: 1e400
negative_overflow: -1e400
underflow: 1e-400
max_int: 9223372036854775807
min_int: -9223372036854775808
hex_max: 0x7FFFFFFFFFFFFFFF
max_float: 1.7976931348623157e308
min_float: 4.9e-324
millions: 1234567.0
hundred_thousands: 123456.0
tiny: 0.0001
tinier: 0.00001
negative_zero: -0.0
`;
