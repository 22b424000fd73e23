import stringWidth from 'string-width';

/**
 * A table drawn with box characters: one space of padding in each cell, a rule between rows, a
 * cell holding line breaks spread over as many lines. One pass over the cells: a domain may have
 * thousands of devices, and a general table library that places row and column spans (cli-table3)
 * took seconds for 5000 rows and a minute for 25000.
 */
export function renderTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const lines = (cells: readonly string[]): string[][] => head.map((_, c) => (cells[c] ?? '').split('\n'));
  const table = [head, ...rows].map(lines);
  const widths = head.map(() => 0);
  for (const row of table) {
    row.forEach((cell, c) => {
      for (const l of cell) widths[c] = Math.max(widths[c] ?? 0, stringWidth(l));
    });
  }
  const rule = (left: string, middle: string, right: string): string =>
    left + widths.map((w) => '─'.repeat(w + 2)).join(middle) + right;
  const out: string[] = [rule('┌', '┬', '┐')];
  table.forEach((row, r) => {
    if (r > 0) out.push(rule('├', '┼', '┤'));
    const height = Math.max(...row.map((cell) => cell.length));
    for (let k = 0; k < height; k++) {
      const cells = row.map((cell, c) => {
        const text = cell[k] ?? '';
        return ` ${text}${' '.repeat((widths[c] ?? 0) - stringWidth(text))} `;
      });
      out.push(`│${cells.join('│')}│`);
    }
  });
  out.push(rule('└', '┴', '┘'));
  return out.join('\n');
}
