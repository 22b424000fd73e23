/**
 * The fixed namespace map. Namespaces are matched by URI, never by the prefix a document uses; the
 * prefixes here are the ones the library writes when it creates nodes, and the ones xpath queries
 * use.
 */
import xpath from 'xpath';
import type { Node } from './dom.js';

export const NS = {
  'ovirt-vm': 'http://ovirt.org/vm/1.0',
  'ovirt-instance': 'http://ovirt.org/vm/instance/1.0',
  'ovirt-tune': 'http://ovirt.org/vm/tune/1.0',
  qemu: 'http://libvirt.org/schemas/domain/qemu/1.0',
  lxc: 'http://libvirt.org/schemas/domain/lxc/1.0',
  bhyve: 'http://libvirt.org/schemas/domain/bhyve/1.0',
  xen: 'http://libvirt.org/schemas/domain/xen/1.0',
  vmware: 'http://libvirt.org/schemas/domain/vmware/1.0',
  libosinfo: 'http://libosinfo.org/xmlns/libvirt/domain/1.0',
} as const;

export type NsPrefix = keyof typeof NS;

const select = xpath.useNamespaces({ ...NS });

/**
 * Evaluates an XPath expression with the library's prefix map (`ovirt-vm:vm` finds the group
 * whatever prefix the document gave it). For small ad-hoc queries only: on xmldom, xpath is
 * quadratic over long sibling lists, so hot paths walk children instead.
 */
export function selectNodes(expression: string, context: Node): Node[] {
  const r = select(expression, context as unknown as globalThis.Node);
  if (!Array.isArray(r)) throw new TypeError(`xpath expression does not select nodes: ${expression}`);
  return r as unknown as Node[];
}

/** The string value of an XPath expression (`string(...)`, `count(...)`). */
export function selectValue(expression: string, context: Node): string | number | boolean {
  const r = select(expression, context as unknown as globalThis.Node, true);
  if (typeof r === 'string' || typeof r === 'number' || typeof r === 'boolean') return r;
  if (r === null || r === undefined) return '';
  return (r as unknown as { textContent?: string | null; nodeValue?: string | null }).nodeValue ?? '';
}
