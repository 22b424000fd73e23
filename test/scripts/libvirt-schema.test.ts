import { expect } from 'chai';
import { dataPaths, loadDeviceSchema, NOT_DEVICE_DATA } from '../../scripts/libvirt-schema.js';
import type { SchemaElement, ValueType } from '../../scripts/libvirt-schema.js';
import { SCHEMAS, requireSchemas } from '../helpers/schemas.js';

const KINDS = [
  'disk',
  'controller',
  'lease',
  'filesystem',
  'interface',
  'input',
  'sound',
  'audio',
  'hostdev',
  'graphics',
  'video',
  'console',
  'parallel',
  'serial',
  'channel',
  'smartcard',
  'hub',
  'redirdev',
  'redirfilter',
  'rng',
  'tpm',
  'shmem',
  'memory',
  'crypto',
  'watchdog',
  'memballoon',
  'nvram',
  'panic',
  'iommu',
  'vsock',
  'pstore',
];

describe('libvirt device schema walker', () => {
  let kinds: Map<string, SchemaElement>;

  before(function () {
    requireSchemas(this, 'schema walker tests');
    kinds = loadDeviceSchema(SCHEMAS);
  });

  /** The element at `kind/child/...`, failing on a missing step. */
  function at(path: string): SchemaElement {
    const [kind = '', ...steps] = path.split('/');
    let el = kinds.get(kind);
    for (const step of steps) el = el?.children.get(step)?.element;
    if (el === undefined) expect.fail(`no element ${path}`);
    return el;
  }

  function attribute(path: string): ValueType | undefined {
    const i = path.lastIndexOf('/@');
    return at(path.slice(0, i)).attributes.get(path.slice(i + 2));
  }

  it('finds every device kind of <devices>, by element name', () => {
    expect([...kinds.keys()]).to.have.members(KINDS);
    expect(at('graphics').define).to.equal('graphic');
    expect(at('memory').define).to.equal('memorydev');
  });

  it('merges the enum of an attribute', () => {
    const cache = attribute('disk/driver/@cache');
    expect(cache?.kind).to.equal('enum');
    if (cache?.kind === 'enum') expect(cache.values).to.include.members(['none', 'writeback']);
    // Values from both branches of <disk>: the lun one and the others.
    const device = attribute('disk/@device');
    if (device?.kind !== 'enum') expect.fail('disk/@device is an enum');
    expect(device.values).to.include.members(['disk', 'cdrom', 'floppy', 'lun']);
  });

  it('types yes/no, on/off and numbers', () => {
    expect(attribute('disk/transient/@shareBacking')).to.deep.equal({ kind: 'yesNo' });
    expect(attribute('interface/@trustGuestRxFilters')).to.deep.equal({ kind: 'yesNo' });
    expect(attribute('disk/driver/@copy_on_read')).to.deep.equal({ kind: 'onOff' });
    expect(attribute('disk/driver/@queues')).to.deep.equal({ kind: 'uint' });
    expect(attribute('graphics/@port')).to.deep.equal({ kind: 'int' });
    expect(at('disk/iotune/total_bytes_sec').text).to.deep.equal({ kind: 'uint' });
    expect(attribute('disk/source/@file')).to.deep.equal({ kind: 'string' });
  });

  it('merges the storage sources into one source with repeated hosts', () => {
    const source = at('disk/source');
    expect([...source.attributes.keys()]).to.include.members([
      'file',
      'dev',
      'dir',
      'protocol',
      'name',
      'pool',
    ]);
    const host = source.children.get('host');
    expect(host?.repeated).to.equal(true);
    expect(host?.element.attributes.has('name')).to.equal(true);
    expect(at('disk').children.get('source')?.repeated).to.equal(false);
    expect([...source.children.keys()]).to.include.members(['reservations', 'seclabel', 'dataStore']);
  });

  it('ends recursion on the element being built', () => {
    const backingStore = at('disk/backingStore');
    expect(backingStore.define).to.equal('diskBackingStore');
    expect(backingStore.children.get('backingStore')?.element).to.equal(backingStore);
    expect(attribute('disk/backingStore/source/@file')).to.deep.equal({ kind: 'string' });
    expect(at('disk/source/dataStore/source')).to.equal(at('disk/source'));
    // The mirror's chain is a chain of its own, closing on itself.
    const mirrored = at('disk/mirror/backingStore');
    expect(mirrored).not.to.equal(backingStore);
    expect(mirrored.children.get('backingStore')?.element).to.equal(mirrored);
  });

  it('reaches the Open vSwitch interface id and repeated graphics listens', () => {
    expect(attribute('interface/virtualport/parameters/@interfaceid')).to.deep.equal({ kind: 'string' });
    expect(at('graphics').children.get('listen')?.repeated).to.equal(true);
    expect(at('graphics/listen').attributes.has('address')).to.equal(true);
  });

  it('tells character content from presence flags', () => {
    expect(at('disk/serial').text?.kind).to.equal('string');
    const readonly = at('disk/readonly');
    expect([readonly.text, readonly.attributes.size, readonly.children.size]).to.deep.equal([
      undefined,
      0,
      0,
    ]);
  });

  it('lists data paths once, one level into a cycle, without address/alias/boot/acpi', () => {
    const all = [...kinds.values()].flatMap((root) => dataPaths(root));
    expect(new Set(all).size).to.equal(all.length);
    const excluded = all.filter((p) => p.split('/').some((step) => NOT_DEVICE_DATA.includes(step)));
    expect(excluded).to.deep.equal([]);
    expect(all).to.include.members([
      'disk/@type',
      'disk/driver/@cache',
      'disk/serial',
      'disk/readonly',
      'disk/source/host/@name',
      'disk/backingStore/backingStore/source/@file',
      'disk/source/dataStore/source/@file',
    ]);
    expect(all).not.to.include('disk/backingStore/backingStore/backingStore/@index');
    expect(all.length).to.equal(1676);
  });

  it('leaves out what exclude names, at any depth', () => {
    const disk = dataPaths(at('disk'), ['source', 'backingStore', 'mirror']);
    expect(disk.filter((p) => /\/(source|backingStore|mirror)(\/|$)/.test(p))).to.deep.equal([]);
    expect(disk).to.include('disk/address/@type');
  });
});
