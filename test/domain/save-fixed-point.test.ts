/**
 * Save is a fixed point of the bindings (issue 12, point 7): what save() writes, the next recover()
 * binds to the same devices with the same values, and saving that again changes nothing, cycle after
 * cycle; what save() cannot make findable again it reports, and it never writes an entry that the
 * next recover gives to another device, nor, unreported, one it finds ambiguous or duplicated.
 * Hotplug merges with an orphan entry of the same identity instead of adding a second one.
 */
import { isDeepStrictEqual } from 'node:util';
import { expect } from 'chai';
import fc from 'fast-check';
import { Descriptor, DuplicateDeviceError, dict, recover, toTypedJson } from '../../src/index.js';
import type { Domain, MetadataEntry, Problem, TypedJson, Value } from '../../src/index.js';
import { childElements, firstChild, parseXml, removeIndented, serialize } from '../../src/xml/index.js';
import { identityStressDomain } from '../helpers/domain-arbitrary.js';
import { deviceMark, markDevices } from '../helpers/marks.js';

/** Bounded so that this file runs in well under 20 s on the 2-core machine, shrinking included. */
const NUM_RUNS = process.env['CI'] ? 200 : 100;
const CYCLES = 3;

/** A device as the agent relies on it: its values and the entries they are kept in. */
interface DeviceState {
  kind: string;
  values: TypedJson;
  descriptor: number | undefined;
  xmlpickle: number | undefined;
  ambiguous: boolean;
}

function stateOf(domain: Domain): DeviceState[] {
  return domain.devices.map((device) => {
    const binding = domain.bindingOf(device);
    return {
      kind: device.kind,
      values: toTypedJson(device.meta.toDict()),
      descriptor: binding.descriptor?.index,
      xmlpickle: binding.xmlpickle?.index,
      ambiguous: domain.problemsOf(device).some((p) => p.code === 'AMBIGUOUS_BINDING'),
    };
  });
}

/** One save → recover cycle: the domain before and after save(), what it reported, what recover made of it. */
interface Cycle {
  xml: string;
  problems: Problem[];
  /** Each device's mark as the agent left it before save(). */
  marksBefore: (Value | undefined)[];
  orphansBefore: number;
  saved: DeviceState[];
  again: DeviceState[];
  againOrphans: readonly MetadataEntry[];
}

/** recover → mark every device → save → recover, then save → recover again, CYCLES times in all. */
function runCycles(xml: string): Cycle[] {
  let domain = recover(xml);
  markDevices(domain);
  const cycles: Cycle[] = [];
  for (let c = 0; c < CYCLES; c++) {
    const marksBefore = domain.devices.map((d) => d.meta.raw('mark'));
    const problems = domain.save();
    const saved = domain.toXml();
    const again = recover(saved);
    cycles.push({
      xml: saved,
      problems,
      marksBefore,
      orphansBefore: domain.orphans.length,
      saved: stateOf(domain),
      again: stateOf(again),
      againOrphans: again.orphans,
    });
    domain = again;
  }
  return cycles;
}

const show = (v: unknown): string => JSON.stringify(v);
const label = (s: DeviceState, i: number): string => `${s.kind} #${String(i)}`;
const markIn = (s: DeviceState | undefined): TypedJson | undefined =>
  (s?.values as Record<string, TypedJson> | null | undefined)?.['mark'];
const reportedBy = (cycle: Cycle): Set<number> =>
  new Set(cycle.problems.flatMap((p) => (p.device === undefined ? [] : [p.device])));

/**
 * Devices save() did not report whose mark, values or entries recover did not give back as the
 * agent left them.
 */
function notFoundAgain(cycle: Cycle): string[] {
  const reported = reportedBy(cycle);
  return cycle.saved.flatMap((was, i) => {
    const now = cycle.again[i] as DeviceState;
    if (reported.has(i)) return [];
    const out: string[] = [];
    const mark = cycle.marksBefore[i];
    if (mark !== undefined && markIn(now) !== mark)
      out.push(`${label(was, i)}: the agent set ${show(mark)}, recovered ${show(markIn(now) ?? null)}`);
    if (!isDeepStrictEqual(now.values, was.values))
      out.push(`${label(was, i)}: saved ${show(was.values)}, recovered ${show(now.values)}`);
    if (now.descriptor !== was.descriptor || now.xmlpickle !== was.xmlpickle) {
      out.push(
        `${label(was, i)}: bound to descriptor #${show(was.descriptor)} / xmlpickle #${show(was.xmlpickle)}, ` +
          `recovered from descriptor #${show(now.descriptor)} / xmlpickle #${show(now.xmlpickle)}`,
      );
    }
    return out;
  });
}

/**
 * What save() wrote that the next recover gives to another device (never allowed), or, for an
 * entry of a device save() did not report, finds ambiguous or finds no device for (a duplicate
 * entry is one of the two). Entries may share attributes: what tells them apart can be in the data.
 */
function misfiled(cycle: Cycle): string[] {
  const reported = reportedBy(cycle);
  const out: string[] = [];
  cycle.again.forEach((now, i) => {
    const m = markIn(now);
    if (m !== undefined && m !== deviceMark(i)) out.push(`${label(now, i)} got the metadata of ${show(m)}`);
    if (now.ambiguous && cycle.saved[i]?.ambiguous !== true && !reported.has(i))
      out.push(`${label(now, i)} became ambiguous`);
  });
  const ofReported = new Set([...reported].map((i) => cycle.saved[i]?.descriptor));
  const orphans = cycle.againOrphans.filter((e) => e.layout !== 'descriptor' || !ofReported.has(e.index));
  if (orphans.length > cycle.orphansBefore) {
    const which = orphans.map((e) => `${e.layout} #${String(e.index)}`).join(', ');
    out.push(`orphan entries ${which} (${String(cycle.orphansBefore)} orphans before save)`);
  }
  return out;
}

/** Fails with every finding spelled out (fast-check shows the message, not chai's diff). */
function expectNone(findings: readonly string[], where: string): void {
  if (findings.length > 0) expect.fail(`${findings.join('\n')}\nin ${where}`);
}

describe('save is a fixed point of the bindings (generated domains)', () => {
  it('every device save() does not report is bound again to the same entries, with the same values', () => {
    fc.assert(
      fc.property(identityStressDomain, (xml) => {
        runCycles(xml).forEach((cycle, c) => {
          expectNone(notFoundAgain(cycle), `cycle ${String(c + 1)} of\n${xml}`);
        });
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('no entry save() writes goes to another device, or unreported is ambiguous, a duplicate or an orphan', () => {
    fc.assert(
      fc.property(identityStressDomain, (xml) => {
        runCycles(xml).forEach((cycle, c) => {
          expectNone(misfiled(cycle), `cycle ${String(c + 1)} of\n${xml}`);
        });
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('saving a recovered domain changes nothing, byte for byte, cycle after cycle', () => {
    fc.assert(
      fc.property(identityStressDomain, (xml) => {
        const cycles = runCycles(xml);
        for (let c = 1; c < cycles.length; c++) {
          expect((cycles[c] as Cycle).xml, `save ${String(c + 1)} of\n${xml}`).to.equal(
            (cycles[c - 1] as Cycle).xml,
          );
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('save and recover cycles of a domain written with CR LF line ends', function () {
  this.timeout(300_000);

  it('go as for the LF domain: the same states, every saved XML the LF one in CR LF', () => {
    fc.assert(
      fc.property(identityStressDomain, (xml) => {
        const lf = runCycles(xml);
        runCycles(xml.replaceAll('\n', '\r\n')).forEach((cycle, c) => {
          const other = lf[c] as Cycle;
          const what = `cycle ${String(c + 1)} of\n${xml}`;
          expect(cycle.xml, what).to.equal(other.xml.replaceAll('\n', '\r\n'));
          expect(cycle.saved, what).to.deep.equal(other.saved);
          expect(cycle.again, what).to.deep.equal(other.again);
        });
      }),
      { numRuns: NUM_RUNS / 4 },
    );
  });
});

/** A hotplug envelope: the device element and one descriptor entry with these attributes. */
function envelope(deviceXml: string, attrs: Readonly<Record<string, string>>, mark: string): string {
  const group = new Descriptor({ entries: [{ attrs, data: dict([['mark', mark]]) }] }).toXml();
  return `<hotplug><devices>${deviceXml}</devices><metadata>${group}</metadata></hotplug>`;
}

/** The domain XML without its device #i: libvirt dropped it, its metadata entry stays. */
function withoutDevice(xml: string, i: number): string {
  const doc = parseXml(xml);
  const devices = firstChild(doc.documentElement!, 'devices')!;
  removeIndented(childElements(devices).filter((el) => el.localName !== 'emulator')[i]!);
  return serialize(doc);
}

/** Hot-plugs the device, saves, recovers: what the agent sees of it at each step, and the entry count. */
function plugSaveRecover(domain: Domain, deviceXml: string, attrs: Readonly<Record<string, string>>) {
  const plugged = domain.hotplug(envelope(deviceXml, attrs, 'plugged'));
  const pluggedMark = plugged.meta.raw('mark');
  const index = domain.devices.indexOf(plugged);
  const problems = domain.save().filter((p) => p.device === index);
  const again = recover(domain.toXml());
  const device = again.devices[index]!;
  return {
    onHotplug: pluggedMark,
    saveProblems: problems,
    afterRecover: device.meta.raw('mark') ?? null,
    problems: again.problemsOf(device),
    entries: again.descriptorEntries.length,
  };
}

describe('hotplug where an orphan entry of the same identity is left', () => {
  const nic =
    '<interface type="bridge"><mac address="52:54:00:00:00:01"/><source bridge="ovirtmgmt"/><model type="virtio"/></interface>';
  const channel =
    '<channel type="unix"><source mode="bind" path="/var/lib/libvirt/qemu/channels/vm.org.qemu.guest_agent.0"/>' +
    '<target type="virtio" name="org.qemu.guest_agent.0"/><alias name="ua-00000000-0000-4000-8000-0000000000c1"/></channel>';
  const examples: { what: string; device: string; attrs: Record<string, string> }[] = [
    { what: 'a NIC (by MAC)', device: nic, attrs: { mac_address: '52:54:00:00:00:01' } },
    {
      what: 'a channel (by user alias)',
      device: channel,
      attrs: { devtype: 'channel', alias: 'ua-00000000-0000-4000-8000-0000000000c1' },
    },
  ];
  for (const { what, device, attrs } of examples) {
    it(`${what}: the device gets the envelope's metadata and the domain keeps one entry for it`, () => {
      const orphan = new Descriptor({ entries: [{ attrs, data: dict([['mark', 'left behind']]) }] }).toXml();
      const domain = recover(
        `<domain type="kvm">\n  <name>plug</name>\n  <metadata>\n${orphan}  </metadata>\n` +
          `  <devices>\n    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n  </devices>\n</domain>\n`,
      );
      expect(domain.orphans).to.have.length(1);
      expect(plugSaveRecover(domain, device, attrs)).to.deep.equal({
        onHotplug: 'plugged',
        saveProblems: [],
        afterRecover: 'plugged',
        problems: [],
        entries: 1,
      });
    });
  }

  it('property: a device of a generated domain dropped and hot-plugged again with its saved attributes', () => {
    fc.assert(
      fc.property(identityStressDomain, fc.nat(), (xml, pick) => {
        const domain = recover(xml);
        markDevices(domain);
        const reported = new Set(domain.save().map((p) => p.device));
        const saved = domain.devices.filter(
          (d, i) =>
            !reported.has(i) &&
            domain.bindingOf(d).descriptor !== undefined &&
            domain.problemsOf(d).length === 0,
        );
        fc.pre(saved.length > 0);
        const device = saved[pick % saved.length]!;
        const { descriptor: entry, xmlpickle } = domain.bindingOf(device);
        const dropped = recover(withoutDevice(domain.toXml(), domain.devices.indexOf(device)));
        // Only the case the issue names: its entries are left orphans (no other device took them).
        const left = (e: MetadataEntry | undefined): boolean =>
          e === undefined || dropped.orphans.some((o) => o.layout === e.layout && o.index === e.index);
        fc.pre(left(entry) && left(xmlpickle));
        // A first save writes what the drop left to write (an entry for a device another layout
        // binds alone, now that the drop ended an ambiguity): the plug itself must add no entry.
        dropped.save();
        const want = {
          onHotplug: 'plugged',
          saveProblems: [],
          afterRecover: 'plugged',
          problems: [],
          entries: dropped.descriptorEntries.length,
        };
        const devices = dropped.devices.length;
        let found;
        try {
          found = plugSaveRecover(dropped, device.toXml(), entry?.attrs ?? {});
        } catch (e) {
          if (!(e instanceof DuplicateDeviceError)) throw e;
          // The device duplicates one left (a MAC, target dev or alias): refused, as create does, with nothing changed.
          expect([dropped.devices.length, dropped.descriptorEntries.length]).to.deep.equal([
            devices,
            want.entries,
          ]);
          return;
        }
        if (!isDeepStrictEqual(found, want)) {
          const which = `${device.kind} #${String(domain.devices.indexOf(device))}`;
          expect.fail(`${which}: ${show(found)}, expected ${show(want)}\nin\n${xml}`);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
