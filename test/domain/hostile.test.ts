/**
 * Hostile shapes at the domain level (issue 17): many devices sharing a key cost a report linear in
 * their number (one problem per collision, naming a bounded few), device elements named after
 * Object.prototype members keep their metadata, and what the domain hands out is never an object
 * another caller shares and may write.
 */
import { expect } from 'chai';
import { AmbiguousBindingError, create, domainReport, explainReport, recover } from '../../src/index.js';
import { MAX_TRACED } from '../../src/binding/explain.js';
import type { Problem } from '../../src/domain/slot.js';

const MAC = '52:54:00:00:00:01';
const GROUP = '<ovirt-vm:vm xmlns:ovirt-vm="http://ovirt.org/vm/1.0">';

/** `n` interfaces sharing one MAC, each with a descriptor entry of that MAC. */
function sharedMac(n: number): string {
  const entries = Array.from(
    { length: n },
    (_, i) =>
      `<ovirt-vm:device mac_address="${MAC}"><ovirt-vm:network>n${i}</ovirt-vm:network></ovirt-vm:device>`,
  ).join('');
  const nics =
    `<interface type="network"><mac address="${MAC}"/><source network="default"/></interface>`.repeat(n);
  return `<domain type="kvm"><name>x</name><metadata>${GROUP}${entries}</ovirt-vm:vm></metadata><devices>${nics}</devices></domain>`;
}

const length = (problems: readonly Problem[]): number => problems.reduce((s, p) => s + p.message.length, 0);

describe('a collision is one problem, whatever its size', () => {
  it('200 interfaces sharing a MAC: one ambiguity naming all of them, messages of bounded size', () => {
    const n = 200;
    const d = recover(sharedMac(n));
    const problems = d.validate();
    expect(problems.map((p) => p.code)).to.deep.equal(['AMBIGUOUS_BINDING', 'DUPLICATE_DEVICE']);
    const [ambiguity, duplicate] = problems as [Problem, Problem];
    const all = Array.from({ length: n }, (_, i) => i);
    expect(ambiguity.devices).to.deep.equal(all);
    expect(duplicate.devices).to.deep.equal(all);
    expect(ambiguity.message).to.match(/^200 entries and 200 devices collide by mac_address=.*and 192 more$/);
    expect(duplicate.message).to.match(/and 192 more$/);
    expect(length(problems)).to.be.below(2_000);
    expect(d.ambiguityReports).to.have.length(1);
    expect(d.ambiguityReports[0]!.entries).to.have.length(n);
    // Each device carries that one problem, itself.
    for (const device of d.devices) expect(d.problemsOf(device)).to.deep.equal([ambiguity]);
    expect(d.orphans).to.deep.equal([]);
  });

  it('the report and its JSON grow linearly with the devices sharing the key', () => {
    const size = (n: number) => {
      const xml = sharedMac(n);
      const d = recover(xml);
      return { xml: xml.length, json: JSON.stringify(domainReport(d, d.validate()), null, 2).length };
    };
    const small = size(100);
    const large = size(200);
    // Twice the devices: about twice the report (it was eight times, the messages growing as n³).
    expect(large.json / small.json).to.be.below(2.2);
    expect(large.json).to.be.below(15 * large.xml);
  });

  it('create refuses the collision with one detail; recover still binds the others', () => {
    const xml = sharedMac(50)
      .replace(
        '</ovirt-vm:vm>',
        '<ovirt-vm:device devtype="disk" name="vda"><ovirt-vm:imageID>img</ovirt-vm:imageID></ovirt-vm:device></ovirt-vm:vm>',
      )
      .replace(
        '</devices>',
        '<disk type="file" device="disk"><source file="/a.img"/><target dev="vda" bus="virtio"/></disk></devices>',
      );
    let error: unknown;
    try {
      create(xml);
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(AmbiguousBindingError);
    expect((error as AmbiguousBindingError).candidates).to.have.length(1);
    expect((error as AmbiguousBindingError).candidates[0]).to.match(/^50 entries and 50 devices collide/);
    const d = recover(xml);
    const disk = d.devices.find((x) => x.kind === 'disk')!;
    expect(d.bindingOf(disk).rule).to.equal('key');
    expect(disk.meta.raw('imageID')).to.equal('img');
  });

  it('refresh reports a collision among new devices once, by their index in the domain', () => {
    const entries =
      `<ovirt-vm:device mac_address="${MAC}"><ovirt-vm:network>a</ovirt-vm:network></ovirt-vm:device>`.repeat(
        2,
      );
    const disk =
      '<disk type="file" device="disk"><source file="/a.img"/><target dev="vda" bus="virtio"/><alias name="ua-d"/></disk>';
    const d = recover(
      `<domain type="kvm"><name>x</name><metadata>${GROUP}${entries}</ovirt-vm:vm></metadata><devices>${disk}</devices></domain>`,
    );
    expect(d.orphans).to.have.length(2);
    const nic = `<interface type="network"><mac address="${MAC}"/><source network="default"/></interface>`;
    d.refresh(`<domain type="kvm"><name>x</name><devices>${disk}${nic}${nic}</devices></domain>`);
    const problems = d.validate().filter((p) => p.code === 'AMBIGUOUS_BINDING');
    expect(problems).to.have.length(1);
    expect(problems[0]!.devices).to.deep.equal([1, 2]);
    expect(d.problemsOf(d.devices[1]!)).to.deep.equal(problems);
    expect(d.problemsOf(d.devices[2]!)).to.deep.equal(problems);
  });
});

describe('explain on a shared key', () => {
  it('traces at most MAX_TRACED candidates per device and rule, and counts the rest', () => {
    const size = (n: number): number => {
      const r = explainReport(recover(sharedMac(n)));
      const rules = r.devices.flatMap((d) => d.layouts.flatMap((l) => l.rules));
      for (const rule of rules) expect(rule.candidates.length).to.be.at.most(MAX_TRACED);
      const mac = rules.find((rule) => rule.rule === 'key' && rule.candidates.length > 0);
      expect(mac?.candidates).to.have.length(MAX_TRACED);
      expect(mac?.untraced).to.equal(n - MAX_TRACED);
      return JSON.stringify(r).length;
    };
    // Linear: twice the devices, about twice the report (it grew as their square).
    expect(size(200) / size(100)).to.be.below(2.2);
  });
});

describe('device elements named after Object.prototype members', () => {
  for (const name of ['constructor', 'toString', '__proto__']) {
    it(`<${name}>: saved, then recovered with its metadata, however it is identified`, () => {
      const devices = [
        `<${name}><alias name="ua-u1"/></${name}>`,
        `<${name}><alias name="${name}0"/><address type="pci" domain="0x0000" bus="0x00" slot="0x05" function="0x0"/></${name}>`,
        `<${name}><address type="pci" domain="0x0000" bus="0x00" slot="0x06" function="0x0"/></${name}>`,
      ].join('');
      const d = recover(`<domain type="kvm"><name>x</name><devices>${devices}</devices></domain>`);
      d.devices.forEach((device, i) => device.meta.set('note' as never, `v${i}` as never));
      expect(d.save()).to.deep.equal([]);
      const again = recover(d.toXml());
      expect(again.devices.map((x) => `${x.kind} ${x.meta.raw('note') as string}`)).to.deep.equal([
        `${name} v0`,
        `${name} v1`,
        `${name} v2`,
      ]);
      expect(again.devices.map((x) => again.bindingOf(x).rule)).to.deep.equal([
        'user-alias',
        'alias',
        'address',
      ]);
      expect(again.orphans).to.deep.equal([]);
      expect(again.validate()).to.deep.equal([]);
    });
  }
});

describe('what the domain hands out is never shared and writable', () => {
  const xml = (nics: string) =>
    `<domain type="kvm"><name>x</name><metadata>${GROUP}<ovirt-vm:device devtype="rng"><ovirt-vm:a>1</ovirt-vm:a></ovirt-vm:device></ovirt-vm:vm></metadata><devices>${nics}</devices></domain>`;
  const nic = `<interface type="network"><mac address="${MAC}"/></interface>`;

  it("bindingOf: a caller's write reaches neither another device nor another domain", () => {
    const a = recover(xml(nic + nic));
    const b = recover(xml(nic));
    const [first, second] = a.devices as [(typeof a.devices)[0], (typeof a.devices)[0]];
    const binding = a.bindingOf(first);
    expect(binding.rule).to.equal('none');
    try {
      (binding as { rule: string }).rule = 'key';
    } catch {
      // Frozen is as good as fresh.
    }
    expect(a.bindingOf(first).rule).to.equal('none');
    expect(a.bindingOf(second).rule).to.equal('none');
    expect(b.bindingOf(b.devices[0]!).rule).to.equal('none');
  });

  it('problemsOf, validate, orphans, ambiguityReports and descriptorEntries: copies or frozen', () => {
    const d = recover(sharedMac(3));
    const device = d.devices[0]!;
    (d.problemsOf(device) as Problem[]).length = 0;
    expect(d.problemsOf(device)).to.have.length(1);
    const problem = d.problemsOf(device)[0]!;
    expect(Object.isFrozen(problem)).to.equal(true);
    expect(Object.isFrozen(problem.devices)).to.equal(true);
    const problems = d.validate();
    problems.length = 0;
    expect(d.validate()).to.have.length(2);
    expect(Object.isFrozen(d.ambiguityReports)).to.equal(true);
    expect(Object.isFrozen(d.ambiguityReports[0])).to.equal(true);
    expect(Object.isFrozen(d.orphans)).to.equal(true);
    const entries = d.descriptorEntries as unknown[];
    entries.length = 0;
    expect(d.descriptorEntries).to.have.length(3);
  });
});
