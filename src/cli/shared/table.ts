// Tables as the flux CLI prints them: olekukonko/tablewriter with borders off, `SetNoWhiteSpace(true)` and a tab as
// the table padding. Every cell is padded with spaces to its column's width and followed by a tab, except the header's
// last cell, followed by a space; headers are upper-cased (tablewriter's Title also turns `_` and `.` into spaces).

/** renderTable prints a header (omitted when empty, as `--no-header` does) and rows, flux style. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const titles = header.map((h) => h.toUpperCase().replace(/[_.]/g, ' '));
  const columns = Math.max(titles.length, ...rows.map((r) => r.length));
  const widths: number[] = [];
  for (let c = 0; c < columns; c++) {
    widths.push(Math.max(displayWidth(titles[c] ?? ''), ...rows.map((r) => displayWidth(r[c] ?? ''))));
  }
  // tablewriter's printHeading ends the last header cell with a space instead of the padding (borders off);
  // rows keep the padding after every cell.
  const line = (cells: readonly string[], lastPad = '\t'): string =>
    cells
      .map((cell, c) => cell + ' '.repeat((widths[c] ?? 0) - displayWidth(cell)) + (c === columns - 1 ? lastPad : '\t'))
      .join('') + '\n';
  return (titles.length > 0 ? line(titles, ' ') : '') + rows.map((r) => line(r)).join('');
}

/** displayWidth counts code points, as go-runewidth does for the text flux prints (no East Asian wide runes). */
export function displayWidth(text: string): number {
  return Array.from(text).length;
}
