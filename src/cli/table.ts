import stringWidth from 'string-width';

/** What marks a value cut to fit its column. */
export const CUT = '…';

export interface TableOptions {
  /** The widest line allowed: the widest columns are narrowed, their values cut in the middle. */
  maxWidth?: number;
  /** Columns never narrowed (an index). */
  whole?: readonly number[];
}

/**
 * A table drawn with box characters: one space of padding in each cell, a rule under the head, a
 * cell holding line breaks spread over as many lines. One pass over the cells: a domain may have
 * thousands of devices, and a general table library that places row and column spans (cli-table3)
 * took seconds for 5000 rows and a minute for 25000.
 */
export function renderTable(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  options: TableOptions = {},
): string {
  const lines = (cells: readonly string[]): string[][] => head.map((_, c) => (cells[c] ?? '').split('\n'));
  const table = [head, ...rows].map(lines);
  const natural = head.map(() => 0);
  for (const row of table) {
    row.forEach((cell, c) => {
      for (const l of cell) natural[c] = Math.max(natural[c] ?? 0, stringWidth(l));
    });
  }
  const widths = fit(natural, head, options);
  const rule = (left: string, middle: string, right: string): string =>
    left + widths.map((w) => '─'.repeat(w + 2)).join(middle) + right;
  const out: string[] = [rule('┌', '┬', '┐')];
  table.forEach((row, r) => {
    if (r === 1) out.push(rule('├', '┼', '┤'));
    const height = Math.max(...row.map((cell) => cell.length));
    for (let k = 0; k < height; k++) {
      const cells = row.map((cell, c) => {
        const w = widths[c] ?? 0;
        const text = cutMiddle(cell[k] ?? '', w);
        return ` ${text}${' '.repeat(w - stringWidth(text))} `;
      });
      out.push(`│${cells.join('│')}│`);
    }
  });
  out.push(rule('└', '┴', '┘'));
  return out.join('\n');
}

/**
 * Column widths that fit `maxWidth`: every column wider than a common cap is narrowed to it (the
 * largest cap that fits), never below its head, nor below 5; `whole` columns keep their width.
 * A table too wide even then stays too wide: a value is never cut below that.
 */
function fit(natural: readonly number[], head: readonly string[], options: TableOptions): number[] {
  const { maxWidth, whole = [] } = options;
  if (maxWidth === undefined) return [...natural];
  // Each column takes its width plus " │" around it; the line starts with one more "│".
  const budget = maxWidth - 3 * natural.length - 1;
  const floor = natural.map((w, c) =>
    whole.includes(c) ? w : Math.min(w, Math.max(5, stringWidth(head[c] ?? ''))),
  );
  const at = (cap: number): number[] => natural.map((w, c) => Math.max(floor[c] ?? 0, Math.min(w, cap)));
  const sum = (ws: number[]): number => ws.reduce((a, b) => a + b, 0);
  let cap = Math.max(0, ...natural);
  while (cap > 0 && sum(at(cap)) > budget) cap--;
  const widths = at(cap);
  // What the common cap leaves over goes to the narrowed columns, one each, left to right.
  let spare = budget - sum(widths);
  widths.forEach((w, c) => {
    if (spare > 0 && w < (natural[c] ?? 0)) {
      widths[c] = w + 1;
      spare--;
    }
  });
  return widths;
}

/** `text` cut in the middle to `width` columns (the start and the end say most: a type, an id's tail). */
function cutMiddle(text: string, width: number): string {
  if (stringWidth(text) <= width) return text;
  const chars = Array.from(text);
  const room = width - stringWidth(CUT);
  let head = '';
  let tail = '';
  let used = 0;
  for (let i = 0, j = chars.length - 1; i <= j;) {
    const takeHead = head.length <= tail.length;
    const ch = (takeHead ? chars[i] : chars[j]) ?? '';
    const w = stringWidth(ch);
    if (used + w > room) break;
    used += w;
    if (takeHead) {
      head += ch;
      i++;
    } else {
      tail = ch + tail;
      j--;
    }
  }
  return `${head}${CUT}${tail}`;
}
