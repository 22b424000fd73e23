/**
 * Hostile input for the unit fuzz property (test/hostile-shapes.test.ts) and the slow suite
 * (test/slow/hostile.test.ts): domains of degenerate shapes (deep, wide, long, repeated keys,
 * prototype names) and the public operations a host agent runs on XML it did not write.
 */
import {
  Descriptor,
  VmDevicesError,
  create,
  decodeXmlpickle,
  domainReport,
  parseXml,
  recover,
  toTypedJson,
  fromTypedJson,
} from '../../src/index.js';
import type { Domain, XmlElement } from '../../src/index.js';

const VM_NS = 'http://ovirt.org/vm/1.0';
const INSTANCE_NS = 'http://ovirt.org/vm/instance/1.0';

/** Names a document may use that are also members of every JavaScript object. */
export const PROTO_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'] as const;

/** A domain around `devices` and `metadata` (the descriptor and xmlpickle groups, or anything). */
export function domainXml(devices: string, metadata = ''): string {
  return (
    `<domain type="kvm" xmlns:ovirt-vm="${VM_NS}" xmlns:ovirt-instance="${INSTANCE_NS}">` +
    `<name>hostile</name><uuid>00000000-0000-0000-0000-000000000001</uuid>` +
    (metadata === '' ? '' : `<metadata>${metadata}</metadata>`) +
    `<devices>${devices}</devices></domain>`
  );
}

/** A descriptor group holding `inner` (leaves, `<ovirt-vm:device>` entries). */
export function descriptorGroup(inner: string): string {
  return `<ovirt-vm:vm>${inner}</ovirt-vm:vm>`;
}

/** An xmlpickle group whose value is `value` (a `<value>` element's content and type). */
export function xmlpickleGroup(type: string, content: string): string {
  return `<ovirt-instance:instance><ovirt-instance:value type="${type}">${content}</ovirt-instance:value></ovirt-instance:instance>`;
}

function mac(i: number): string {
  const b = (s: number): string => ((i >> s) & 255).toString(16).padStart(2, '0');
  return `52:54:00:${b(16)}:${b(8)}:${b(0)}`;
}

function nic(i: number, macAddress = mac(i)): string {
  return `<interface type="bridge"><mac address="${macAddress}"/><source bridge="br0"/><model type="virtio"/></interface>`;
}

/** The i-th PCI guest address, at function `fn`. */
function pciAddress(i: number, fn: number): string {
  return `<address type="pci" domain="0x0000" bus="0x${(i >> 5).toString(16)}" slot="0x${(i & 31).toString(16)}" function="0x${fn}"/>`;
}

const repeat = (n: number, f: (i: number) => string): string =>
  Array.from({ length: n }, (_, i) => f(i)).join('');

/**
 * The shapes, each a document of size about linear in `n`; `name` is a name the shape uses as an
 * element name, key or attribute name where it has one (a prototype member name, or a plain one).
 */
export const SHAPES: Readonly<Record<string, (n: number, name: string) => string>> = {
  'deep elements in a device': (n) =>
    domainXml(`<disk type="file"><driver name="qemu"/>${'<x>'.repeat(n)}${'</x>'.repeat(n)}</disk>`),
  'deep descriptor value': (n, name) =>
    domainXml(
      nic(0),
      descriptorGroup(
        `<ovirt-vm:custom>${`<ovirt-vm:${safe(name)}>`.repeat(n)}v${`</ovirt-vm:${safe(name)}>`.repeat(n)}</ovirt-vm:custom>`,
      ),
    ),
  'deep xmlpickle value': (n) =>
    domainXml(
      nic(0),
      xmlpickleGroup(
        'dict',
        `<ovirt-instance:item key="k" type="list">${'<ovirt-instance:item type="list">'.repeat(n)}${'</ovirt-instance:item>'.repeat(n)}</ovirt-instance:item>`,
      ),
    ),
  'many attributes on an address': (n) =>
    domainXml(
      `<interface type="bridge"><mac address="${mac(1)}"/><source bridge="br0"/>` +
        `<address type="pci" domain="0x0000" bus="0x00" slot="0x03" function="0x0" ${repeat(n, (i) => `a${i}="${i}"`)}/></interface>`,
    ),
  'many attributes on a descriptor entry': (n) =>
    domainXml(
      nic(1),
      descriptorGroup(
        `<ovirt-vm:device mac_address="${mac(1)}" ${repeat(n, (i) => `a${i}="${i}"`)}><ovirt-vm:x>1</ovirt-vm:x></ovirt-vm:device>`,
      ),
    ),
  'many sibling devices': (n) => domainXml(repeat(n, (i) => nic(i))),
  'many devices sharing a MAC, each with an entry': (n) =>
    domainXml(
      repeat(n, () => nic(0, mac(7))),
      descriptorGroup(
        repeat(
          n,
          (i) => `<ovirt-vm:device mac_address="${mac(7)}"><ovirt-vm:n>${i}</ovirt-vm:n></ovirt-vm:device>`,
        ),
      ),
    ),
  // Each device and each entry a veto class of its own (its address), all on one key: comparing
  // every entry with every device would be quadratic.
  'many devices sharing a MAC, each told apart by its address, each entry by another': (n) =>
    domainXml(
      repeat(n, (i) => nic(0, mac(8)).replace('</interface>', `${pciAddress(i, 0)}</interface>`)),
      descriptorGroup(
        repeat(
          n,
          (i) =>
            `<ovirt-vm:device mac_address="${mac(8)}"><ovirt-vm:address ${pciAddress(i, 1).slice('<address '.length, -'/>'.length)}/></ovirt-vm:device>`,
        ),
      ),
    ),
  'many descriptor entries, none bound': (n) =>
    domainXml(
      nic(0),
      descriptorGroup(
        repeat(
          n,
          (i) =>
            `<ovirt-vm:device devtype="disk" name="vd${i}"><ovirt-vm:x>${i}</ovirt-vm:x></ovirt-vm:device>`,
        ),
      ),
    ),
  'many xmlpickle entries': (n) =>
    domainXml(
      nic(0),
      xmlpickleGroup(
        'dict',
        `<ovirt-instance:item key="devices" type="list">${repeat(
          n,
          (i) =>
            `<ovirt-instance:item type="dict"><ovirt-instance:item key="type" type="str">interface</ovirt-instance:item>` +
            `<ovirt-instance:item key="macAddr" type="str">${mac(i)}</ovirt-instance:item></ovirt-instance:item>`,
        )}</ovirt-instance:item>`,
      ),
    ),
  'long text': (n) =>
    domainXml(
      nic(0),
      descriptorGroup(`<ovirt-vm:note>${'t'.repeat(n)}</ovirt-vm:note>`) +
        xmlpickleGroup(
          'dict',
          `<ovirt-instance:item key="s" type="str">${'t'.repeat(n)}</ovirt-instance:item>`,
        ),
    ).replace('<name>hostile</name>', `<name>${'n'.repeat(n)}</name>`),
  'huge numbers': (n) =>
    domainXml(
      `<graphics type="vnc" port="${'9'.repeat(n)}"/>` +
        `<interface type="bridge"><mac address="${mac(2)}"/><source bridge="br0"/><mtu size="${'1'.repeat(n)}"/></interface>`,
      descriptorGroup(
        `<ovirt-vm:i type="int">${'7'.repeat(n)}</ovirt-vm:i><ovirt-vm:f type="float">1.${'5'.repeat(n)}e${'9'.repeat(Math.min(n, 12))}</ovirt-vm:f>` +
          `<ovirt-vm:device mac_address="${mac(2)}"><ovirt-vm:j type="int">-${'1_'.repeat(n)}1</ovirt-vm:j></ovirt-vm:device>`,
      ) +
        xmlpickleGroup(
          'dict',
          `<ovirt-instance:item key="i" type="int">${'8'.repeat(n)}</ovirt-instance:item>` +
            `<ovirt-instance:item key="f" type="float">${'3'.repeat(n)}.5</ovirt-instance:item>` +
            `<ovirt-instance:item key="g" type="int">${'1_'.repeat(n)}1</ovirt-instance:item>`,
        ),
    ),
  'long names': (n, name) => {
    const long = `${safe(name)}${'z'.repeat(n)}`;
    return domainXml(
      `<${long} ${long}="v"/>` + nic(3),
      descriptorGroup(
        `<ovirt-vm:${long}>v</ovirt-vm:${long}><ovirt-vm:device mac_address="${mac(3)}" ${long}="1"/>`,
      ) + xmlpickleGroup('dict', `<ovirt-instance:item key="${long}" type="str">v</ovirt-instance:item>`),
    );
  },
  'repeated keys and attributes': (n, name) =>
    domainXml(
      repeat(Math.max(1, n), () => nic(4)) + `<interface type="bridge" type="network"/>`,
      descriptorGroup(
        repeat(n, (i) => `<ovirt-vm:${safe(name)}>${i}</ovirt-vm:${safe(name)}>`) +
          repeat(n, () => `<ovirt-vm:device mac_address="${mac(4)}"/>`),
      ) +
        xmlpickleGroup(
          'dict',
          repeat(n, (i) => `<ovirt-instance:item key="${name}" type="int">${i}</ovirt-instance:item>`),
        ),
    ),
  'prototype names': (n, name) =>
    domainXml(
      repeat(
        Math.max(1, n),
        (i) => `<${safe(name)} ${safe(name)}="${i}"><alias name="ua-${i}"/></${safe(name)}>`,
      ) + nic(5),
      descriptorGroup(
        `<ovirt-vm:${safe(name)}>x</ovirt-vm:${safe(name)}>` +
          repeat(
            Math.max(1, n),
            (i) =>
              `<ovirt-vm:device devtype="${name}" alias="ua-${i}" ${safe(name)}="${i}"><ovirt-vm:${safe(name)}>${i}</ovirt-vm:${safe(name)}></ovirt-vm:device>`,
          ),
      ) +
        xmlpickleGroup(
          'dict',
          `<ovirt-instance:item key="${name}" type="dict"><ovirt-instance:item key="${name}" type="str">p</ovirt-instance:item></ovirt-instance:item>` +
            `<ovirt-instance:item key="devices" type="list"><ovirt-instance:item type="dict"><ovirt-instance:item key="type" type="str">${name}</ovirt-instance:item>` +
            `<ovirt-instance:item key="alias" type="str">ua-0</ovirt-instance:item></ovirt-instance:item></ovirt-instance:item>`,
        ),
    ),
};

/** `name` as an XML name (`__proto__` is one already; the others too). */
function safe(name: string): string {
  return /^[A-Za-z_][\w.-]*$/.test(name) ? name : 'x';
}

/** An exception one operation threw, or an error it reported (a device field it could not read). */
export interface Outcome {
  operation: string;
  error: unknown;
  reported: boolean;
}

/** The xmlpickle group of a parsed domain, if it has one. */
function instanceGroup(root: XmlElement): XmlElement | undefined {
  const found = root.getElementsByTagNameNS(INSTANCE_NS, 'instance');
  return found.length > 0 ? (found.item(0) ?? undefined) : undefined;
}

/** The xmlpickle group's text, its namespace declared on it, if the text has one. */
function instanceText(xml: string): string | undefined {
  const start = xml.indexOf('<ovirt-instance:instance>');
  const close = '</ovirt-instance:instance>';
  const end = xml.indexOf(close, start);
  if (start === -1 || end === -1) return undefined;
  return xml
    .slice(start, end + close.length)
    .replace('<ovirt-instance:instance>', `<ovirt-instance:instance xmlns:ovirt-instance="${INSTANCE_NS}">`);
}

/**
 * Runs `xml` through the public operations: parse, recover (every field, the report, save, read
 * back), create, the descriptor and xmlpickle decoders (element and text) and typed JSON, each
 * told `source`. Returns every exception they threw and every error recover reported.
 */
export function runHostile(xml: string, source: string): Outcome[] {
  const outcomes: Outcome[] = [];
  const attempt = (operation: string, f: () => void): void => {
    try {
      f();
    } catch (e) {
      outcomes.push({ operation, error: e, reported: false });
    }
  };
  const options = { source };
  attempt('parseXml', () => {
    const doc = parseXml(xml, options);
    const group = doc.documentElement === null ? undefined : instanceGroup(doc.documentElement);
    if (group === undefined) return;
    attempt('decodeXmlpickle(element)', () => {
      const v = decodeXmlpickle(group, options);
      attempt('typed JSON', () => {
        fromTypedJson(JSON.parse(JSON.stringify(toTypedJson(v))));
      });
    });
  });
  const text = instanceText(xml);
  if (text !== undefined) attempt('decodeXmlpickle(text)', () => decodeXmlpickle(text, options));
  attempt('Descriptor.fromXml', () => {
    const d = Descriptor.fromXml(xml, options);
    attempt('Descriptor.toXml', () => {
      Descriptor.fromXml(d.toXml(), options);
    });
  });
  let domain: Domain | undefined;
  attempt('recover', () => {
    domain = recover(xml, options);
  });
  if (domain !== undefined) {
    const d = domain;
    attempt('fields and report', () => {
      for (const device of d.devices)
        device.fieldValues((e) => outcomes.push({ operation: 'recover: a field', error: e, reported: true }));
      JSON.stringify(domainReport(d, d.validate()));
    });
    attempt('save', () => {
      d.save();
      const saved = d.toXml();
      attempt('recover(saved)', () => {
        recover(saved, options);
      });
    });
  }
  attempt('create', () => {
    create(xml, options);
  });
  return outcomes;
}

/** The outcomes that are not the library's typed error. */
export function untyped(outcomes: readonly Outcome[]): Outcome[] {
  return outcomes.filter((o) => !(o.error instanceof VmDevicesError));
}

/** An outcome, short enough to read in a test message. */
export function describeOutcome(f: Outcome): string {
  const e = f.error;
  if (e instanceof VmDevicesError)
    return `${f.operation}: ${e.code} with source ${String(e.source)}: ${e.message.slice(0, 200)}`;
  return `${f.operation}: ${e instanceof Error ? `${e.name}: ${e.message.slice(0, 200)}` : String(e)}`;
}

/** A document made bad on purpose, and how. */
export interface Mutant {
  mutation: string;
  xml: string;
}

/** Replaces the `k`-th match of `re` (global) by what `f` makes of it; undefined when there is none. */
function replaceNth(
  xml: string,
  re: RegExp,
  k: number,
  f: (m: RegExpExecArray) => string,
): string | undefined {
  const all = [...xml.matchAll(re)];
  if (all.length === 0) return undefined;
  const m = all[k % all.length] as RegExpExecArray;
  return xml.slice(0, m.index) + f(m) + xml.slice(m.index + m[0].length);
}

/**
 * Ways to break a real document: broken tags, bad attribute values, bad metadata. Each takes the
 * document and a number choosing where.
 */
export const MUTATIONS: Readonly<Record<string, (xml: string, k: number) => string | undefined>> = {
  'cut short': (xml, k) => xml.slice(0, Math.floor((xml.length * ((k % 9) + 1)) / 10)),
  'end tag renamed': (xml, k) => replaceNth(xml, /<\/([\w:.-]+)>/g, k, (m) => `</${m[1]}x>`),
  'unquoted attribute': (xml, k) => replaceNth(xml, /="/g, k, () => '='),
  'duplicate attribute': (xml, k) => replaceNth(xml, /<([\w:.-]+) /g, k, (m) => `<${m[1]} d="1" d="2" `),
  'stray ampersand': (xml, k) => replaceNth(xml, />([^<\s][^<]*)</g, k, (m) => `>&${m[1]}<`),
  'number attribute made bad': (xml, k) =>
    replaceNth(xml, /(\w+)="(0x[0-9a-f]+|\d+)"/gi, k, (m) => `${m[1]}="${m[2]}x"`),
  'yes/no made bad': (xml, k) => replaceNth(xml, /="(yes|no|on|off)"/g, k, () => '="maybe"'),
  'metadata int made bad': (xml, k) =>
    replaceNth(xml, /type="int">([^<]*)</g, k, (m) => `type="int">${m[1]}!<`),
  'metadata bool made bad': (xml, k) =>
    replaceNth(xml, /type="bool">([^<]*)</g, k, () => 'type="bool">maybe<'),
  'metadata type unknown': (xml, k) =>
    replaceNth(xml, /type="(dict|list|str|int|tuple)"/g, k, () => 'type="dikt"'),
  'metadata container emptied of its key': (xml, k) => replaceNth(xml, / key="[^"]*"/g, k, () => ''),
  'metadata element doubled': (xml, k) =>
    replaceNth(xml, /<(ovirt-vm:[\w]+)( [^>]*)?>([^<]*)<\/\1>/g, k, (m) => `${m[0]}${m[0]}`),
};

/** Every mutation of `xml`, at `perMutation` places each (those that change it). */
export function mutants(xml: string, perMutation = 3): Mutant[] {
  const out: Mutant[] = [];
  for (const [mutation, f] of Object.entries(MUTATIONS)) {
    for (let k = 0; k < perMutation; k++) {
      const m = f(xml, k * 7 + 1);
      if (m !== undefined && m !== xml) out.push({ mutation, xml: m });
    }
  }
  return out;
}

/**
 * A domain of about `bytes` bytes of NICs (about 140 bytes each, unique MACs and aliases): the
 * size-limit document the README's memory figures are for.
 */
export function bigDomain(bytes: number): { xml: string; devices: number } {
  const parts: string[] = [];
  let size = 0;
  let n = 0;
  while (size < bytes) {
    const d = `<interface type="bridge"><mac address="${mac(n)}"/><source bridge="br0"/><model type="virtio"/><alias name="net${n}"/></interface>\n`;
    parts.push(d);
    size += d.length;
    n++;
  }
  return { xml: domainXml(parts.join('')), devices: n };
}

/**
 * What a host agent's work on a big domain costs, measured in this process (run it alone: its
 * peak RSS is the process's): recover, the inspect report (validate, every field, JSON), save and
 * serialize. Prints one line of JSON, for the slow suite that runs it as a child process.
 */
export function printBigDomainCost(bytes: number): void {
  const { xml, devices } = bigDomain(bytes);
  const ms: Record<string, number> = {};
  const timed = <T>(what: string, f: () => T): T => {
    const t = performance.now();
    const r = f();
    ms[what] = Math.round(performance.now() - t);
    return r;
  };
  const domain = timed('recover', () => recover(xml, { source: 'big.xml' }));
  const json = timed('report', () => JSON.stringify(domainReport(domain, domain.validate())));
  const saved = timed('save', () => {
    domain.save();
    return domain.toXml();
  });
  const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  console.log(
    JSON.stringify({
      bytes: xml.length,
      devices: domain.devices.length,
      generated: devices,
      ms,
      reportBytes: json.length,
      savedBytes: saved.length,
      peakRssMiB,
    }),
  );
}
