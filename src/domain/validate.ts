/** The checks behind Domain.validate, over the devices the domain holds. */
import type { Device } from '../devices/device.js';
import { USER_ALIAS_PATTERN, USER_ALIAS_PREFIX } from '../devices/device.js';
import { isVmDevicesError } from '../errors.js';
import type { Problem, Slot } from './slot.js';

/**
 * What libvirt would refuse or an agent would trip on: the problems already known (of the domain,
 * then of each device), devices that cannot be read, disks sharing a target dev, devices sharing an
 * alias, interfaces a shared MAC leaves indistinguishable, user aliases libvirt rejects.
 */
export function findProblems(slots: readonly Slot[], domainProblems: readonly Problem[]): Problem[] {
  const problems: Problem[] = [...domainProblems];
  const byTarget = new Map<string, number[]>();
  const byAlias = new Map<string, number[]>();
  const byMac = new Map<string, number[]>();
  // A problem of several devices (a collision) is on each of their slots: listed once.
  const shared = new Set<Problem>();
  slots.forEach((s, i) => {
    for (const p of s.problems) {
      if (p.devices === undefined) problems.push(p);
      else if (!shared.has(p)) {
        shared.add(p);
        problems.push(p);
      }
    }
    const d = s.device;
    let id;
    try {
      id = d.identity();
      d.toJSON();
    } catch (e) {
      if (!isVmDevicesError(e)) throw e;
      problems.push({ code: e.code, message: e.message, device: i, line: e.line, column: e.column });
      return;
    }
    if (id.kind === 'disk' && id.keys.name !== undefined) push(byTarget, id.keys.name, i);
    // libvirt gives a serial console the alias of the serial port it shows (`serial0` twice).
    if (id.alias !== undefined && id.kind !== 'console') push(byAlias, id.alias, i);
    if (id.kind === 'interface' && id.keys['mac_address'] !== undefined)
      push(byMac, id.keys['mac_address'], i);
    const alias = d.alias;
    if (alias?.startsWith(USER_ALIAS_PREFIX) === true && !USER_ALIAS_PATTERN.test(alias)) {
      problems.push({
        code: 'XML_VALUE',
        message: `${d.kind} #${i} (${d.path}): user alias "${alias}" has characters libvirt rejects (allowed: a-z A-Z 0-9 _ -)`,
        device: i,
      });
    }
  });
  const devs = slots.map((s) => s.device);
  for (const [target, list] of byTarget) {
    if (list.length > 1) problems.push(dup(`disks share the target dev "${target}"`, list, devs));
  }
  for (const [alias, list] of byAlias) {
    if (list.length > 1) problems.push(dup(`devices share the alias "${alias}"`, list, devs));
  }
  for (const [mac, list] of byMac) {
    // A shared MAC is legal (failover pairs) only while aliases tell the interfaces apart.
    const aliases = new Set(list.map((i) => devs[i]?.alias).filter((a) => a !== undefined));
    if (list.length > 1 && aliases.size < list.length) {
      problems.push(dup(`interfaces share the MAC ${mac} and no alias tells them apart`, list, devs));
    }
  }
  return problems;
}

function push(m: Map<string, number[]>, k: string, i: number): void {
  const l = m.get(k);
  if (l === undefined) m.set(k, [i]);
  else l.push(i);
}

/** How many devices a duplicate names (its message goes on every device concerned: bounded). */
const NAMED = 8;

function dup(what: string, list: number[], devs: Device[]): Problem {
  const named = list
    .slice(0, NAMED)
    .map((i) => `${devs[i]?.kind ?? ''} #${i} (${devs[i]?.path ?? ''})`)
    .join(', ');
  const more = list.length > NAMED ? ` and ${String(list.length - NAMED)} more` : '';
  return {
    code: 'DUPLICATE_DEVICE',
    message: `${what}: ${named}${more}`,
    device: list[1],
    devices: list,
  };
}
