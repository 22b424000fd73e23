import { expect } from 'chai';
import { main } from '../../src/cli/main.js';
import { renderTable } from '../../src/cli/table.js';
import { expectGolden } from '../helpers/fixtures.js';

describe('the device table', () => {
  it('inspect prints the bundled example as before (the table cli-table3 drew, byte for byte)', () => {
    let out = '';
    const code = main(['inspect'], { out: (s) => (out += s), err: () => undefined });
    expect(code).to.equal(0);
    expectGolden(out, 'cli/inspect-example.txt');
  });

  it('sizes columns to the widest cell, wide characters counting two', () => {
    expect(
      renderTable(
        ['k', 'v'],
        [
          ['a', '日本'],
          ['bb', ''],
        ],
      ),
    ).to.equal(
      [
        '┌────┬──────┐',
        '│ k  │ v    │',
        '├────┼──────┤',
        '│ a  │ 日本 │',
        '├────┼──────┤',
        '│ bb │      │',
        '└────┴──────┘',
      ].join('\n'),
    );
  });

  it('spreads a cell with line breaks over several lines; a missing cell is empty', () => {
    expect(renderTable(['a', 'b'], [['x\ny'], ['z', 'w']])).to.equal(
      [
        '┌───┬───┐',
        '│ a │ b │',
        '├───┼───┤',
        '│ x │   │',
        '│ y │   │',
        '├───┼───┤',
        '│ z │ w │',
        '└───┴───┘',
      ].join('\n'),
    );
  });

  it('draws a head alone, and a table of 25000 rows line by line', () => {
    expect(renderTable(['#'], [])).to.equal(['┌───┐', '│ # │', '└───┘'].join('\n'));
    const rows = Array.from({ length: 25000 }, (_, i) => [String(i)]);
    const lines = renderTable(['#'], rows).split('\n');
    expect(lines).to.have.length(2 + 1 + 2 * 25000);
    expect(lines[lines.length - 2]).to.equal('│ 24999 │');
  });
});
