import assert from 'node:assert/strict';
import { test } from 'node:test';

import { renderTable } from './table.ts';

// The expected text is tablewriter's output as flux configures it (no borders, no white space, tab padding):
// every cell padded to its column's width and followed by a tab, but the header's last one by a space.
test('renderTable pads every cell to its column and ends each with a tab', () => {
  assert.equal(
    renderTable(
      ['Name', 'Revision', 'Suspended', 'Ready', 'Message'],
      [
        ['flux-system', 'main@sha1:6f7c1b2', 'False', 'True', "stored artifact for revision 'main@sha1:6f7c1b2'"],
        ['podinfo', '', 'True', 'False', 'waiting to be reconciled'],
      ],
    ),
    'NAME       \tREVISION         \tSUSPENDED\tREADY\tMESSAGE                                          \n' +
      "flux-system\tmain@sha1:6f7c1b2\tFalse    \tTrue \tstored artifact for revision 'main@sha1:6f7c1b2'\t\n" +
      'podinfo    \t                 \tTrue     \tFalse\twaiting to be reconciled                        \t\n',
  );
});

test('renderTable upper-cases headers like tablewriter.Title and omits an empty header', () => {
  assert.equal(renderTable(['Last scan', 'a_b'], [['x', 'y']]), 'LAST SCAN\tA B \nx        \ty  \t\n');
  assert.equal(
    renderTable(
      [],
      [
        ['x', 'yy'],
        ['zzz', 'w'],
      ],
    ),
    'x  \tyy\t\nzzz\tw \t\n',
  );
});

test('renderTable counts runes, not UTF-16 units or bytes', () => {
  assert.equal(renderTable(['A'], [['✔é'], ['abc']]), 'A   \n✔é \t\nabc\t\n');
});
