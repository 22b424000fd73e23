import type { Dict } from '../metadata/value.js';
import { onOff, openEnum, str, uint } from '../xml/codecs.js';
import type { DeviceMeta } from '../metadata/view.js';
import { Device, baseMetaSchema } from './device.js';
import type { NestedOrder } from './field.js';
import { field } from './field.js';
import { readKiB, scaled, writeKiB } from './scaled.js';
import { VirtioOptions, virtioDriverFields } from './virtio.js';
import { confText, identifiedBy, key } from './identity.js';
import type { Accessors } from './view.js';
import { defineAccessors } from './view.js';
import { controllerMembers } from './schema/controller.js';

export type ControllerType =
  'ide' | 'fdc' | 'scsi' | 'sata' | 'usb' | 'ccid' | 'virtio-serial' | 'xenbus' | 'isa' | 'pci' | 'nvme';

/** pci-root / pcie-root: the 64-bit PCI hole (KiB when `unit` is absent). */
const PCIHOLE64 = scaled('pcihole64', 'pcihole64/@unit');

const F = {
  type: field('@type', openEnum<ControllerType>('controller type')),
  index: field('@index', uint),
  model: field('@model', openEnum('controller model')),
  /** usb and virtio-serial. */
  ports: field('@ports', uint),
  /** virtio-serial. */
  vectors: field('@vectors', uint),
  /** xenbus. */
  maxGrantFrames: field('@maxGrantFrames', uint),
  maxEventChannels: field('@maxEventChannels', uint),
  /** pci: the emulated device behind `model` (`pcie-root-port`, `pxb`...). */
  modelName: field('model/@name', openEnum('pci controller model name')),
  targetChassisNr: field('target/@chassisNr', uint),
  targetChassis: field('target/@chassis', uint),
  targetPort: field('target/@port', uint),
  targetBusNr: field('target/@busNr', uint),
  targetIndex: field('target/@index', uint),
  targetHotplug: field('target/@hotplug', onOff),
  /** pci-expander-bus / pcie-expander-bus: the guest NUMA node. */
  targetNode: field('target/node', uint),
  driverQueues: field('driver/@queues', uint),
  driverCmdPerLun: field('driver/@cmd_per_lun', uint),
  driverMaxSectors: field('driver/@max_sectors', uint),
  driverIoeventfd: field('driver/@ioeventfd', onOff),
  driverIothread: field('driver/@iothread', uint),
  ...virtioDriverFields,
  /** nvme: the serial the guest sees. */
  serial: field('serial', str),
  /** USB companion controllers: the first port on the master EHCI controller. */
  masterStartport: field('master/@startport', uint),
  pcihole64: PCIHOLE64.value,
  pcihole64Unit: PCIHOLE64.unit,
} as const;

export interface Controller extends Accessors<typeof F & typeof controllerMembers> {}
/** `<controller>`: ide, scsi, usb, virtio-serial, pci... */
export class Controller extends Device {
  static override readonly tag = 'controller';
  declare readonly meta: DeviceMeta<typeof baseMetaSchema>;
  /**
   * Type and index; the model only refuses (USB companion controllers, ich9-ehci1 with
   * ich9-uhci1..3, share one type and index). Vdsm's conf gives the type as `device`.
   */
  static override readonly identifiedBy = identifiedBy(
    key(
      { type: '@type', index: '@index' },
      { conf: (c) => ({ type: confControllerType(c), index: confText(c, 'index') }) },
    ),
    // Alone, for a controller written without its index (libvirt adds it when it defines the domain).
    key({ type: '@type' }),
    key({ model: '@model' }, { find: false, conf: (c) => ({ model: confText(c, 'model') }) }),
  );
  static override readonly fields = F;
  static override readonly members = controllerMembers;
  static {
    defineAccessors(this);
  }
  // libvirt formats <master> with the device info (after alias), and <pcihole64> after all of it.
  static override readonly childOrder = [
    'model',
    'target',
    'driver',
    'serial',
    'alias',
    'master',
    'acpi',
    'address',
    'pcihole64',
  ];
  /** libvirt's order of the children of `<target>`. */
  static override readonly nestedOrder: NestedOrder = { target: ['node'] };

  /** The virtio options on `<driver>` (iommu, ats, packed, page_per_vq). */
  get virtio(): VirtioOptions {
    return new VirtioOptions(this.element, (f, v) => this.write(f, v));
  }

  /** The 64-bit PCI hole in KiB, honouring `unit`. */
  get pcihole64KiB(): number | undefined {
    return readKiB(this.element, PCIHOLE64);
  }
  /** Writes the size in KiB, with `unit="KiB"` (as libvirt formats it). */
  set pcihole64KiB(v: number | undefined) {
    writeKiB(this.element, PCIHOLE64, v, (f, x) => this.write(f, x));
  }

  protected override derivedFields(): Record<string, unknown> {
    const kib = this.pcihole64KiB;
    return kib === undefined ? {} : { pcihole64KiB: kib };
  }
}

/** Vdsm's controller conf gives the controller type as `device` (`controller` when it does not). */
function confControllerType(conf: Dict): string | undefined {
  const device = confText(conf, 'device');
  return device === 'controller' ? undefined : device;
}
