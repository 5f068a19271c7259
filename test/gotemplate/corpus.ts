// The differential corpus: test/gotemplate/corpus/*.txt hold one case per line, either a JSON string (a template
// run as "t" on CORPUS_DATA) or a JSON goref request. Lines starting with # are comments.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { GoRefRequest } from './goref.ts';

const DIR = join(dirname(fileURLToPath(import.meta.url)), 'corpus');

/** CORPUS_DATA is the dot of one-line cases; `$`-keys encode Go types (see funcs.ts decodeData). */
export const CORPUS_DATA = {
  s: 'str',
  n: 3,
  f: 1.5,
  big: 1e6,
  t: true,
  z: 0,
  e: '',
  nil: null,
  l: [1, 'a', null, 2.5],
  m: { a: 1, b: 'x', c: null, d: { e: 'deep' } },
  el: [],
  em: {},
  i: { $int: '7' },
  i64: { $int64: '-9' },
  u8: { $uint8: '200' },
  ss: { $strings: ['b', 'a'] },
  sm: { $strmap: { k: 'v' } },
  by: { $bytes: 'aGk=' },
  v: { $values: { name: 'web', sub: { x: 1 } } },
  p: { $point: { X: 1, Y: 2, Label: 'pt' } },
};

/** CorpusCase is one request and where it came from. */
export interface CorpusCase {
  where: string;
  request: GoRefRequest;
}

/** loadCorpus reads every case of the corpus files. */
export function loadCorpus(): CorpusCase[] {
  const cases: CorpusCase[] = [];
  for (const file of readdirSync(DIR).sort()) {
    if (!file.endsWith('.txt')) continue;
    readFileSync(join(DIR, file), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (line.trim() === '' || line.startsWith('#')) return;
        const parsed = JSON.parse(line) as string | GoRefRequest;
        const request: GoRefRequest =
          typeof parsed === 'string' ? { templates: [['t', parsed]], data: CORPUS_DATA } : parsed;
        cases.push({ where: `${file}:${i + 1}`, request });
      });
  }
  return cases;
}
