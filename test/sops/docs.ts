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
