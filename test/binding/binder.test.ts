import { expect } from 'chai';
import { dict } from '../../src/metadata/value.js';
import { desc, dev, pickle } from '../helpers/entries.js';
import { bind } from '../../src/binding/binder.js';
import type { DeviceParts, IdentitySpec, KeyValues } from '../../src/devices/identity.js';
import { classForTag } from '../../src/devices/registry.js';

const label = (i: number) => `device #${i}`;
const rules = (r: ReturnType<typeof bind>) =>
  r.bindings.map((b) => (b === undefined ? 'none' : `${b.rule}:${b.entry.index}`));

describe('bind', () => {
  it('applies the rules in order and each device keeps the rule that decided', () => {
    const devices = [
      dev('disk', { alias: 'ua-d1', userAliasId: 'd1', keys: { name: 'vda' } }),
      dev('interface', { alias: 'net0', keys: { mac_address: '52:54:00:00:00:01' } }),
      dev('rng', { alias: 'rng0', address: 'slot=7,type=pci' }),
      dev('graphics', { keys: { name: 'vnc' } }),
      dev('watchdog', { alias: 'watchdog0' }),
    ];
    const entries = [
      desc(0, { devtype: 'disk', name: 'vda' }, { deviceId: 'd1' }),
      desc(1, { devtype: 'interface', alias: 'net0' }),
      pickle(2, {
        type: 'rng',
        address: dict([
          ['type', 'pci'],
          ['slot', '0x07'],
        ]),
      }),
      desc(3, { devtype: 'graphics', name: 'vnc' }),
    ];
    const r = bind(devices, entries, label);
    expect(rules(r)).to.deep.equal(['user-alias:0', 'alias:1', 'address:2', 'key:3', 'none']);
    expect(r.orphans).to.deep.equal([]);
    expect(r.ambiguities).to.deep.equal([]);
  });

  it('takes bound devices and entries out of the pool before the next pass', () => {
    // Entry 0 is decided by the user alias; entry 1 then finds no free device by the key.
    const devices = [dev('disk', { alias: 'ua-x', userAliasId: 'x', keys: { name: 'vda' } })];
    const entries = [
      desc(0, { devtype: 'disk', name: 'vda' }),
      desc(1, { devtype: 'disk', name: 'vda', alias: 'ua-x' }),
    ];
    const r = bind(devices, entries, label);
    expect(rules(r)).to.deep.equal(['user-alias:1']);
    expect(r.orphans.map((o) => o.index)).to.deep.equal([0]);
  });

  it('never binds an entry whose keys contradict the device', () => {
    const devices = [
      dev('interface', { alias: 'net0', keys: { mac_address: '52:54:00:00:00:01' } }),
      dev('disk', { alias: 'virtio-disk0', keys: { name: 'vda' } }),
      dev('interface', { alias: 'ua-a', userAliasId: 'a', keys: { mac_address: '52:54:00:00:00:09' } }),
    ];
    const entries = [
      desc(0, { mac_address: '52:54:00:00:00:02', alias: 'net0' }), // another MAC
      desc(1, { devtype: 'disk', name: 'vdb', alias: 'virtio-disk0' }), // another target dev
      desc(2, { mac_address: '52:54:00:00:00:09' }, { deviceId: 'b' }), // another device id
      desc(3, { devtype: 'watchdog', alias: 'net0' }), // another kind
    ];
    const r = bind(devices, entries, label);
    expect(rules(r)).to.deep.equal(['none', 'none', 'none']);
    expect(r.orphans).to.have.length(4);
  });

  it('never matches on empty keys', () => {
    const devices = [dev('video', { alias: '' as unknown as undefined }), dev('sound')];
    const entries = [desc(0, { devtype: 'video', name: '' }), pickle(1, { type: 'sound', alias: '' })];
    const r = bind(devices, entries, label);
    expect(rules(r)).to.deep.equal(['none', 'none']);
  });

  it('reports an entry claiming two devices, and two entries claiming one, naming the key; binds neither', () => {
    const devices = [
      dev('interface', { keys: { mac_address: '52:54:00:00:00:05' } }),
      dev('interface', { keys: { mac_address: '52:54:00:00:00:05' } }),
      dev('disk', { keys: { name: 'vda' } }),
      dev('disk', { keys: { name: 'vdb' } }),
    ];
    const entries = [
      desc(0, { mac_address: '52:54:00:00:00:05' }),
      desc(1, { devtype: 'disk', name: 'vda' }),
      desc(2, { devtype: 'disk', name: 'vda' }),
      desc(3, { devtype: 'disk', name: 'vdb' }),
    ];
    const r = bind(devices, entries, label);
    expect(rules(r)).to.deep.equal(['none', 'none', 'none', 'key:3']);
    expect(r.ambiguities.map((a) => [a.rule, a.devices, a.entries.map((e) => e.index)])).to.deep.equal([
      ['key', [0, 1], [0]],
      ['key', [2], [1, 2]],
    ]);
    expect(r.ambiguities[0]!.message).to.match(
      /matches 2 devices by mac_address=52:54:00:00:00:05: device #0, device #1/,
    );
    expect(r.ambiguities[1]!.message).to.match(/2 entries claim device #2/);
    // Ambiguous entries are reported as such, not as orphans.
    expect(r.orphans).to.deep.equal([]);
  });

  it('binds a controller by type and index from an xmlpickle dict', () => {
    const devices = [
      dev('controller', { keys: { type: 'usb', index: '0' } }),
      dev('controller', { keys: { type: 'scsi', index: '0' } }),
    ];
    const r = bind(devices, [pickle(0, { type: 'controller', device: 'scsi', index: 0 })], label);
    expect(rules(r)).to.deep.equal(['none', 'key:0']);
  });

  it('tells USB companion controllers (one type and index) apart by model', () => {
    const models = ['ich9-ehci1', 'ich9-uhci1', 'ich9-uhci2', 'ich9-uhci3'];
    const devices = models.map((model) =>
      dev('controller', { alias: 'usb', keys: { type: 'usb', index: '0', model } }),
    );
    // Engine's dicts, in another order than the XML's.
    const order = [2, 0, 3, 1];
    const entries = order.map((m, i) =>
      pickle(i, { type: 'controller', device: 'usb', index: 0, model: models[m] as string }),
    );
    const r = bind(devices, entries, label);
    expect(rules(r)).to.deep.equal(['key:1', 'key:3', 'key:0', 'key:2']);
    expect(r.ambiguities).to.deep.equal([]);
    // libvirt names them all "usb": the alias alone would be ambiguous, the model still decides.
    const byAlias = bind(
      devices,
      [desc(0, { devtype: 'controller', alias: 'usb', model: 'ich9-uhci2' })],
      label,
    );
    expect(rules(byAlias)).to.deep.equal(['none', 'none', 'alias:0', 'none']);
    // Without a model, a dict still claims all four: reported, none bound.
    const bare = bind(devices, [pickle(0, { type: 'controller', device: 'usb', index: 0 })], label);
    expect(rules(bare)).to.deep.equal(['none', 'none', 'none', 'none']);
    expect(bare.ambiguities[0]?.message).to.match(/matches 4 devices/);
  });

  it('refuses a libvirt alias that now names another device, by the guest address saved with the entry', () => {
    const port = (n: number) =>
      dict([
        ['type', 'usb'],
        ['bus', '0'],
        ['port', String(n)],
      ]);
    // Saved as input0 (port 1) and input1 (port 2); input0 was unplugged and libvirt numbered again.
    const devices = [
      dev('input', { alias: 'input0', address: 'bus=0,port=2,type=usb' }),
      dev('input', { alias: 'input1', address: 'bus=0,port=3,type=usb' }),
    ];
    const entries = [
      desc(0, { devtype: 'input', name: 'input1', alias: 'input1' }, { address: port(2), mark: 'b' }),
      desc(1, { devtype: 'input', name: 'input2', alias: 'input2' }, { address: port(3), mark: 'c' }),
    ];
    const r = bind(devices, entries, label);
    expect(rules(r)).to.deep.equal(['address:0', 'address:1']);
    expect(r.ambiguities).to.deep.equal([]);
    // An entry without an address (saved before libvirt gave one) still binds by its alias.
    expect(rules(bind(devices, [desc(0, { devtype: 'input', alias: 'input1' })], label))).to.deep.equal([
      'none',
      'alias:0',
    ]);
    // A device without an address is not the one an entry with an address was saved from.
    expect(rules(bind([dev('input', { alias: 'input1' })], [entries[0]!], label))).to.deep.equal(['none']);
    // A user alias is the manager's name for the device: the address does not overrule it.
    const named = [dev('input', { alias: 'ua-x', userAliasId: 'x', address: 'bus=0,port=9,type=usb' })];
    const byUserAlias = bind(
      named,
      [desc(0, { devtype: 'input', alias: 'ua-x' }, { address: port(2) })],
      label,
    );
    expect(rules(byUserAlias)).to.deep.equal(['user-alias:0']);
  });

  describe('after a restart renumbered the libvirt aliases (issue 12)', () => {
    const ps2 = (type: string, alias: string) => dev('input', { alias, keys: { type, bus: 'ps2' } });
    const inputEntry = (i: number, type: string, bus: string, alias: string) =>
      desc(i, { devtype: 'input', type, bus, alias, address: 'none' });

    it('a PS/2 keyboard renamed input1 does not take the PS/2 mouse entry; each is found by type and bus', () => {
      // Saved as tablet input0, mouse input1, keyboard input2; the tablet was unplugged.
      const devices = [ps2('mouse', 'input0'), ps2('keyboard', 'input1')];
      const entries = [
        inputEntry(0, 'tablet', 'usb', 'input0'),
        inputEntry(1, 'mouse', 'ps2', 'input1'),
        inputEntry(2, 'keyboard', 'ps2', 'input2'),
      ];
      const r = bind(devices, entries, label);
      expect(rules(r)).to.deep.equal(['key:1', 'key:2']);
      expect(r.orphans.map((o) => o.index)).to.deep.equal([0]);
      expect(r.ambiguities).to.deep.equal([]);
    });

    it('virtio consoles whose aliases shifted by one are found by their ports', () => {
      const console = (port: number, alias: string) =>
        dev('console', { alias, keys: { target_type: 'virtio', port: String(port) } });
      // console1 (port 1) was unplugged: ports 2 and 3 are now console1 and console2.
      const devices = [console(0, 'console0'), console(2, 'console1'), console(3, 'console2')];
      const entries = [0, 1, 2, 3].map((port) =>
        desc(port, {
          devtype: 'console',
          target_type: 'virtio',
          port: String(port),
          alias: `console${port}`,
        }),
      );
      const r = bind(devices, entries, label);
      expect(rules(r)).to.deep.equal(['alias:0', 'key:2', 'key:3']);
      expect(r.orphans.map((o) => o.index)).to.deep.equal([1]);
    });

    it('an entry that recorded address="none" refuses a channel with an address, under any alias', () => {
      const spiceport = dev('channel', {
        alias: 'channel1',
        address: 'bus=0,controller=0,port=1,type=virtio-serial',
      });
      // Saved from a guestfwd channel, which has no guest address, under the alias channel1.
      const guestfwd = desc(0, { devtype: 'channel', alias: 'channel1', address: 'none' });
      expect(rules(bind([spiceport], [guestfwd], label))).to.deep.equal(['none']);
      // The address-less device under that alias is the one it was saved from.
      expect(rules(bind([dev('channel', { alias: 'channel1' })], [guestfwd], label))).to.deep.equal([
        'alias:0',
      ]);
    });

    it('two NICs sharing a MAC are paired by the guest address each entry recorded', () => {
      const mac = '52:54:00:00:00:07';
      const nic = (alias: string, slot: number) =>
        dev('interface', { alias, address: `slot=${slot},type=pci`, keys: { mac_address: mac } });
      const slot = (n: number) =>
        dict([
          ['type', 'pci'],
          ['slot', `0x0${n}`],
        ]);
      // net0 (slot 3) and net1 (slot 4), saved; after a restart libvirt named them the other way.
      const devices = [nic('net1', 3), nic('net0', 4)];
      const entries = [
        desc(0, { mac_address: mac, alias: 'net0' }, { address: slot(3) }),
        desc(1, { mac_address: mac, alias: 'net1' }, { address: slot(4) }),
      ];
      const r = bind(devices, entries, label);
      expect(rules(r)).to.deep.equal(['address:0', 'address:1']);
      expect(r.ambiguities).to.deep.equal([]);
    });

    it('in the key pass, an entry that recorded "none" is the NIC sharing its MAC that has no address', () => {
      const mac = '52:54:00:00:00:07';
      // A hot-plugged NIC with the same MAC has no entry yet; its address refuses the saved one.
      const devices = [
        dev('interface', { address: 'slot=4,type=pci', keys: { mac_address: mac } }),
        dev('interface', { keys: { mac_address: mac } }),
      ];
      const saved = desc(0, { mac_address: mac, address: 'none' });
      expect(rules(bind(devices, [saved], label))).to.deep.equal(['none', 'key:0']);
      // Without the recorded "none", nothing tells them apart: reported, neither bound.
      const bare = bind(devices, [desc(0, { mac_address: mac })], label);
      expect(rules(bare)).to.deep.equal(['none', 'none']);
      expect(bare.ambiguities.map((a) => a.devices)).to.deep.equal([[0, 1]]);
    });
  });

  it('binds a thousand devices by each rule, each to its own entry', () => {
    const n = 1000;
    const devices = Array.from({ length: n }, (_, i) =>
      dev('interface', {
        alias: i % 2 === 0 ? `ua-id${i}` : `net${i}`,
        userAliasId: i % 2 === 0 ? `id${i}` : undefined,
        keys: { mac_address: `mac${i}` },
      }),
    );
    const entries = Array.from({ length: n }, (_, i) =>
      i % 4 === 0
        ? desc(i, { mac_address: `MAC${i}` }, { deviceId: `id${i}` })
        : i % 4 === 1
          ? desc(i, { devtype: 'interface', alias: `net${i}` })
          : desc(i, { mac_address: `mac${i}` }),
    );
    const r = bind(devices, entries, label);
    r.bindings.forEach((b, i) => expect(b?.entry.index, `device ${i}`).to.equal(i));
    expect(r.orphans).to.deep.equal([]);
  });
});

describe('bind: collisions (issue 17)', () => {
  const mac = '52:54:00:00:00:01';
  /** An interface spec that counts the refusal checks the binder asks for (one per veto). */
  const counting = () => {
    const spec = classForTag('interface').identifiedBy;
    const counter = { calls: 0 };
    const wrapped = Object.create(spec, {
      refusal: {
        value: (e: KeyValues, d: DeviceParts) => {
          counter.calls++;
          return spec.refusal(e, d);
        },
      },
    }) as IdentitySpec;
    return { spec: wrapped, counter };
  };

  it('reports N entries and N devices sharing one key as one group, naming a bounded few', () => {
    const n = 200;
    const { spec, counter } = counting();
    const devices = Array.from({ length: n }, () => dev('interface', { spec, keys: { mac_address: mac } }));
    const entries = Array.from({ length: n }, (_, j) => desc(j, { mac_address: mac }, { network: `n${j}` }));
    const r = bind(devices, entries, label);
    expect(r.bindings.every((b) => b === undefined)).to.equal(true);
    expect(r.orphans).to.deep.equal([]);
    expect(r.ambiguities).to.have.length(1);
    const [a] = r.ambiguities;
    expect(a!.rule).to.equal('key');
    expect(a!.devices).to.deep.equal(devices.map((_, i) => i));
    expect(a!.entries.map((e) => e.index)).to.deep.equal(entries.map((e) => e.index));
    expect(a!.message).to.match(
      new RegExp(
        `^200 entries and 200 devices collide by mac_address=${mac}: entries descriptor entry #0 .*and 192 more; devices device #0, .*device #7 and 192 more$`,
      ),
    );
    expect(a!.message.length).to.be.below(1_000);
    // One veto per class of entries and bucket of devices, not one per pair (n² = 40,000).
    expect(counter.calls).to.be.at.most(2 * n);
  });

  describe('a key that gathers more entries and devices, each told apart, than it pays to compare', () => {
    /** n interfaces sharing a MAC, each with its own deviceId, and n entries naming one each. */
    const crowd = (n: number) => {
      const { spec, counter } = counting();
      const devices = Array.from({ length: n }, (_, i) =>
        dev('interface', { spec, keys: { mac_address: mac }, deviceId: `id${i}` }),
      );
      const entries = Array.from({ length: n }, (_, j) =>
        desc(j, { mac_address: mac }, { deviceId: `id${j}` }),
      );
      return { r: bind(devices, entries, label), counter };
    };

    it('up to 256 of each: every pair is compared, and each entry binds to its device', () => {
      const { r } = crowd(256);
      expect(r.ambiguities).to.deep.equal([]);
      expect(rules(r)).to.deep.equal(Array.from({ length: 256 }, (_, i) => `key:${i}`));
    });

    it('beyond: one collision of them all, decided for none, in linear time', () => {
      const n = 2000;
      const { r, counter } = crowd(n);
      expect(r.bindings.every((b) => b === undefined)).to.equal(true);
      expect(r.orphans).to.deep.equal([]);
      expect(r.ambiguities).to.have.length(1);
      const [a] = r.ambiguities;
      expect(a!.devices).to.have.length(n);
      expect(a!.entries).to.have.length(n);
      expect(a!.message).to.match(
        new RegExp(`^2000 entries and 2000 devices collide by mac_address=${mac}: .* \\(over 256 .*\\)$`),
      );
      // Not one veto per pair (4,000,000): the crowded key is set aside before any.
      expect(counter.calls).to.be.at.most(2 * n);
    });

    it('entries of one kind over many devices stay compared: the work is linear there', () => {
      const { spec } = counting();
      const devices = Array.from({ length: 600 }, (_, i) =>
        dev('interface', { spec, keys: { mac_address: mac }, deviceId: `id${i}` }),
      );
      const entries = Array.from({ length: 600 }, (_, j) =>
        desc(j, { mac_address: mac }, { deviceId: 'id7' }),
      );
      const r = bind(devices, entries, label);
      // All 600 entries are one class, claiming device 7 alone: a collision of entries, not of the crowd.
      expect(r.ambiguities.map((a) => [a.devices, a.entries.length])).to.deep.equal([[[7], 600]]);
      expect(r.ambiguities[0]!.message).to.not.match(/over 256/);
    });
  });

  it('keeps the pairs a veto tells apart, and groups only what collides', () => {
    // Two USB companions share type and index; their models tell them apart. Two disks share vda.
    const devices = [
      dev('controller', { keys: { type: 'usb', index: '0', model: 'ich9-uhci1' } }),
      dev('controller', { keys: { type: 'usb', index: '0', model: 'ich9-uhci2' } }),
      dev('disk', { keys: { name: 'vda' } }),
      dev('disk', { keys: { name: 'vda' } }),
      dev('interface', { keys: { mac_address: mac } }),
    ];
    const entries = [
      pickle(0, { type: 'controller', device: 'usb', index: 0, model: 'ich9-uhci2' }),
      pickle(1, { type: 'controller', device: 'usb', index: 0, model: 'ich9-uhci1' }),
      desc(2, { devtype: 'disk', name: 'vda' }),
      desc(3, { mac_address: mac }),
      desc(4, { mac_address: mac }),
    ];
    const r = bind(devices, entries, label);
    expect(rules(r)).to.deep.equal(['key:1', 'key:0', 'none', 'none', 'none']);
    expect(r.ambiguities.map((a) => [a.devices, a.entries.map((e) => e.index), a.message])).to.deep.equal([
      [
        [2, 3],
        [2],
        'descriptor entry #2 (devtype="disk" name="vda") matches 2 devices by name=vda: device #2, device #3',
      ],
      [
        [4],
        [3, 4],
        `2 entries claim device #4 by mac_address=${mac}: descriptor entry #3 (mac_address="${mac}"), descriptor entry #4 (mac_address="${mac}")`,
      ],
    ]);
  });

  it('names an entry with its first attributes, long values cut', () => {
    const attrs: Record<string, string> = { mac_address: mac, long: 'x'.repeat(1_000) };
    for (let k = 0; k < 1_000; k++) attrs[`a${k}`] = String(k);
    const r = bind(
      [dev('interface', { keys: { mac_address: mac } }), dev('interface', { keys: { mac_address: mac } })],
      [desc(0, attrs)],
      label,
    );
    const message = r.ambiguities[0]!.message;
    expect(message).to.contain(`long="${'x'.repeat(64)}..."`);
    expect(message).to.contain('and 994 more)');
    expect(message.length).to.be.below(800);
  });
});
