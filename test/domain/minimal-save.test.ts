/**
 * Minimal-diff save: save() writes into the `ovirt-vm` group only what changed. On a domain whose
 * metadata did not change it is byte-identical; after an edit, only the lines of the entries whose
 * value changed differ; the group's prefix, namespace declaration, comments, key order and
 * attribute order stay as they were; what is new is written as Vdsm writes it, indented like its
 * neighbours.
 */
import { expect } from 'chai';
import { diffLines } from 'diff';
import fc from 'fast-check';
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { MetadataError, dict, recover } from '../../src/index.js';
import { thrown } from '../helpers/errors.js';
import type { Domain } from '../../src/index.js';
import {
  CORPUS,
  fixturePath,
  listFixtures,
  readFixture,
  requireCorpus,
  xmlFilesUnder,
} from '../helpers/fixtures.js';
import { saveDiff } from '../helpers/save-diff.js';
import type { SaveDiff } from '../helpers/save-diff.js';

const VDSM_LIVE = 'domains/save/vdsm-live.xml';

/** The lines a change removed and added, in order. */
function changedLines(before: string, after: string): { removed: string[]; added: string[] } {
  const removed: string[] = [];
  const added: string[] = [];
  for (const part of diffLines(before, after)) {
    const lines = part.value.replace(/\n$/, '').split('\n');
    if (part.removed) removed.push(...lines);
    if (part.added) added.push(...lines);
  }
  return { removed, added };
}

function saved(domain: Domain): string {
  expect(domain.save()).to.deep.equal([]);
  return domain.toXml();
}

function deviceOf(domain: Domain, alias: string) {
  const d = domain.deviceByAlias(alias);
  if (d === undefined) throw new Error(`no device ${alias}`);
  return d;
}

describe('save writes only what changed', () => {
  const text = readFixture(VDSM_LIVE);

  it('is byte-identical on a domain whose metadata did not change', () => {
    // Its group: another prefix (vm:), the declaration on the group, a version attribute, comments
    // inside and before it, keys not in Vdsm's order, a leaf with a unit, a bool written `false`,
    // four-space indentation, an orphan entry and a custom block.
    const domain = recover(text, { source: VDSM_LIVE });
    expect(saved(domain)).to.equal(text);
    // And again: saving twice changes nothing either.
    expect(saved(domain)).to.equal(text);
  });

  it('after one value changes, only its line differs', () => {
    const domain = recover(text);
    deviceOf(domain, 'net0').meta.set('custom', dict([['queues', 4]]));
    expect(changedLines(text, saved(domain))).to.deep.equal({
      removed: ['                <vm:queues type="int">2</vm:queues>'],
      added: ['                <vm:queues type="int">4</vm:queues>'],
    });
  });

  it('a new key goes where the layout puts it among the keys there, indented like them', () => {
    const domain = recover(text);
    deviceOf(domain, 'ua-b1f3c5a2-0000-4000-8000-000000000001').meta.set('propagateErrors', 'off');
    const out = saved(domain);
    expect(changedLines(text, out)).to.deep.equal({
      removed: [],
      added: ['            <vm:propagateErrors>off</vm:propagateErrors>'],
    });
    // Sorted leaves: after poolID, the key before it in the layout's order that the entry has.
    expect(out).to.contain(
      '<vm:poolID>5890a292-0390-01d2-01ed-00000000029a</vm:poolID>\n            <vm:propagateErrors>',
    );
  });

  it('a deleted key takes its line, and a changed list item only its own lines', () => {
    const domain = recover(text);
    const disk = deviceOf(domain, 'ua-b1f3c5a2-0000-4000-8000-000000000001');
    disk.meta.delete('poolID');
    const chain = disk.meta.raw('volumeChain') as unknown as Record<string, unknown>[];
    (chain[0] as Record<string, unknown>)['leaseOffset'] = 1048576;
    expect(changedLines(text, saved(domain))).to.deep.equal({
      removed: [
        '            <vm:poolID>5890a292-0390-01d2-01ed-00000000029a</vm:poolID>',
        '                    <vm:leaseOffset type="int">0</vm:leaseOffset>',
      ],
      added: ['                    <vm:leaseOffset type="int">1048576</vm:leaseOffset>'],
    });
  });

  it('an unplugged device takes its entry with it, lines and nothing else', () => {
    const domain = recover(text);
    domain.unplug('ua-d0000000-0000-4000-8000-0000000000d1');
    const { removed, added } = changedLines(text, saved(domain));
    expect(added).to.deep.equal([]);
    expect(removed.filter((l) => l.includes('<vm:') || l.includes('</vm:'))).to.deep.equal([
      '        <vm:device devtype="video" model="qxl" alias="ua-d0000000-0000-4000-8000-0000000000d1" name="ua-d0000000-0000-4000-8000-0000000000d1">',
      '            <vm:deviceId>d0000000-0000-4000-8000-0000000000d1</vm:deviceId>',
      '        </vm:device>',
    ]);
  });

  it('a hot-plugged device adds its entry after the others, in the group’s prefix and indentation', () => {
    const domain = recover(text);
    domain.hotplug(readFixture('domains/hotplug-nic.xml'));
    const { removed, added } = changedLines(text, saved(domain));
    expect(removed).to.deep.equal([]);
    const entry = added.filter((l) => l.includes('vm:'));
    expect(entry).to.deep.equal([
      '        <vm:device mac_address="00:1a:4a:16:02:02" devtype="interface" alias="ua-a0000000-0000-4000-8000-0000000000a2" name="ua-a0000000-0000-4000-8000-0000000000a2">',
      '            <vm:deviceId>a0000000-0000-4000-8000-0000000000a2</vm:deviceId>',
      '            <vm:network>ovirtmgmt</vm:network>',
      '            <vm:portMirroring>',
      '                <vm:network>mirror1</vm:network>',
      '            </vm:portMirroring>',
      '        </vm:device>',
    ]);
    // Before custom, which the layout writes last.
    const out = domain.toXml();
    expect(out.indexOf('mac_address="00:1a:4a:16:02:02"')).to.be.lessThan(out.lastIndexOf('<vm:custom>'));
  });

  it('sees the document as it is: a direct edit of the group is written over with the metadata', () => {
    const domain = recover(text);
    // The agent edits the group behind the library's back; save writes what the device map holds.
    const group = domain.document.metadataGroups.descriptor;
    const leaf = group?.getElementsByTagName('vm:network')[0]?.firstChild;
    if (leaf === undefined || leaf === null) throw new Error('the fixture has a <vm:network> leaf');
    leaf.nodeValue = 'edited';
    expect(domain.toXml()).to.equal(
      text.replace('<vm:network>ovirtmgmt</vm:network>', '<vm:network>edited</vm:network>'),
    );
    expect(saved(domain)).to.equal(text);
  });

  it('refuses what the layout cannot hold with an error naming it, leaving the document as it was', () => {
    const domain = recover(text);
    // A valid change first: the refusal must not leave it half-written either.
    deviceOf(domain, 'net0').meta.set('custom', dict([['queues', 4]]));
    const disk = deviceOf(domain, 'ua-b1f3c5a2-0000-4000-8000-000000000001');
    disk.meta.set('notes', [dict([['a', 1]])]);
    const e = thrown(() => domain.save());
    expect(e).to.be.instanceOf(MetadataError);
    expect(e.code).to.equal('METADATA_SHAPE');
    expect(e.path).to.equal('devices[1].notes');
    expect(domain.toXml()).to.equal(text);
  });

  it('keeps foreign text inside <metadata> as it is when it writes a new group', () => {
    const doc =
      '<domain>\n  <name>x</name>\n  <metadata>file</metadata>\n  <devices>\n    <interface type="bridge">\n      <mac address="00:1a:4a:16:02:02"/>\n      <alias name="ua-n1"/>\n    </interface>\n  </devices>\n</domain>\n';
    const domain = recover(doc);
    const out = saved(domain);
    expect(out).to.match(/<metadata>file<ovirt-vm:vm /);
    expect(out.replace(/<ovirt-vm:vm [^]*<\/ovirt-vm:vm>/, '')).to.equal(doc);
  });

  describe('on every domain fixture and shared corpus document', () => {
    const fixtures = listFixtures('domains').map(fixturePath);
    const corpus = existsSync(CORPUS) ? xmlFilesUnder(dirname(CORPUS)) : [];

    /** recover → save: lines outside the entries save had to change are unchanged; saving again changes nothing. */
    function expectMinimal(file: string, edit?: (d: Domain) => void): SaveDiff | undefined {
      const before = readFileSync(file, 'utf8');
      let domain: Domain;
      try {
        domain = recover(before, { source: file });
      } catch {
        return undefined; // the fixtures of bad input: their errors are tested where they are
      }
      edit?.(domain);
      domain.save();
      const after = domain.toXml();
      const diff = saveDiff(before, after);
      expect(diff.restAfter, `${file}: only the changed entries' lines differ`).to.equal(diff.restBefore);
      const again = recover(after, { source: `${file} (saved)` });
      again.save();
      expect(again.toXml(), `${file}: saved again`).to.equal(after);
      return diff;
    }

    it('fixtures', () => {
      expect(fixtures.length).to.be.greaterThan(5);
      for (const f of fixtures) expectMinimal(f);
    });

    it('corpus', function () {
      requireCorpus(this);
      for (const f of corpus) expectMinimal(f);
    });

    it('a random value set on a random device changes only that device’s entry', () => {
      const files = [...fixtures, ...corpus];
      fc.assert(
        fc.property(
          fc.nat(files.length - 1),
          fc.nat(),
          fc.constantFrom('note', 'zz', 'agentNote'),
          fc.oneof(fc.string(), fc.integer(), fc.boolean()),
          (fileIndex, deviceIndex, key, value) => {
            const file = files[fileIndex] as string;
            // The entries save changes anyway (identities it records), then with one value set.
            const plain = expectMinimal(file);
            const edited = expectMinimal(file, (d) => {
              const device = d.devices[deviceIndex % Math.max(d.devices.length, 1)];
              device?.meta.set(key, value);
            });
            if (plain === undefined || edited === undefined) return;
            expect(edited.changedAfter).to.be.at.most(plain.changedAfter + 1);
            expect(edited.changedBefore).to.be.at.most(plain.changedBefore + 1);
          },
        ),
        { numRuns: 150 },
      );
    });
  });
});
