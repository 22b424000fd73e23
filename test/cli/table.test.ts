import { expect } from 'chai';
import stringWidth from 'string-width';
import { main } from '../../src/cli/main.js';
import { renderTable } from '../../src/cli/table.js';
import { expectGolden, fixturePath } from '../helpers/fixtures.js';

function inspect(file?: string): string {
  let out = '';
  main(['inspect', ...(file !== undefined ? [file] : [])], {
    out: (s) => (out += String(s)),
    err: () => undefined,
  });
  return out;
}

describe('the device table', () => {
  it('inspect prints the bundled example: a key per device, compact addresses, a legend', () => {
    let out = '';
    const code = main(['inspect'], { out: (s) => (out += String(s)), err: () => undefined });
    expect(code).to.equal(0);
    expectGolden(out, 'cli/inspect-example.txt');
  });

  it('inspect fits 120 columns, cutting long aliases in the middle (live XML with ua- aliases)', () => {
    const out = inspect(fixturePath('domains/engine-ovirt-vm-live.xml'));
    expectGolden(out, 'cli/inspect-live.txt');
    for (const line of out.split('\n')) expect(stringWidth(line), line).to.be.at.most(120);
    expect(out).to.contain('│ 0 │ disk       │ vda ');
    expect(out).to.contain('ua-b1f3c5a2-000…00-000000000001');
  });

  it('marks a device with problems (!) and one no class models (*), and explains both in the legend', () => {
    let out = '';
    let err = '';
    const code = main(['inspect', fixturePath('cli/markers.xml')], {
      out: (s) => (out += String(s)),
      err: (s) => (err += s),
    });
    expect(code).to.equal(1);
    expectGolden(out, 'cli/inspect-markers.txt');
    expect(out).to.contain('│ 1 ! │ graphics      │ vnc │');
    expect(out).to.contain('│ 2   │ frobnicator * │     │ frob0 │');
    expect(err).to.contain('markers.xml:11:5: XML_VALUE: device #1: /domain/devices/graphics/@port');
  });

  it('sizes columns to the widest cell, wide characters counting two; a rule under the head only', () => {
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
        '│ bb │      │',
        '└────┴──────┘',
      ].join('\n'),
    );
  });

  it('spreads a cell with line breaks over several lines; a missing cell is empty', () => {
    expect(renderTable(['a', 'b'], [['x\ny'], ['z', 'w']])).to.equal(
      ['┌───┬───┐', '│ a │ b │', '├───┼───┤', '│ x │   │', '│ y │   │', '│ z │ w │', '└───┴───┘'].join('\n'),
    );
  });

  it('narrows the widest columns to fit maxWidth, cutting values in the middle; whole columns are kept', () => {
    const rows = [['12345', 'abcdefghijklmnopqrstuvwxyz', 'short', '0123456789']];
    const t = renderTable(['#', 'long', 's', 'mid'], rows, { maxWidth: 40, whole: [0] });
    expect(t.split('\n').map((l) => stringWidth(l))).to.deep.equal([40, 40, 40, 40, 40]);
    expect(t.split('\n')[3]).to.equal('│ 12345 │ abcd…wxyz │ short │ 0123…789 │');
  });

  it('draws a head alone, and a table of 25000 rows line by line', () => {
    expect(renderTable(['#'], [])).to.equal(['┌───┐', '│ # │', '└───┘'].join('\n'));
    const rows = Array.from({ length: 25000 }, (_, i) => [String(i)]);
    const lines = renderTable(['#'], rows).split('\n');
    expect(lines).to.have.length(3 + 25000 + 1);
    expect(lines[lines.length - 2]).to.equal('│ 24999 │');
  });
});
