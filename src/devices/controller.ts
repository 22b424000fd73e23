import { int, openEnum, uint } from '../xml/codecs.js';
import { Device } from './device.js';
import type { NaturalKeys } from './device.js';
import { field } from './field.js';

const F = {
  type: field('@type', openEnum<'ide' | 'fdc' | 'scsi' | 'sata' | 'usb' | 'ccid' | 'virtio-serial' | 'xenbus' | 'pci' | 'nvme'>('controller type')),
  index: field('@index', uint),
  model: field('@model', openEnum('controller model')),
  ports: field('@ports', uint),
  vectors: field('@vectors', uint),
  maxGrantFrames: field('@maxGrantFrames', uint),
  maxEventChannels: field('@maxEventChannels', uint),
  serial: field('serial', openEnum('serial')),
  driverQueues: field('driver/@queues', uint),
  driverCmdPerLun: field('driver/@cmd_per_lun', uint),
  driverMaxSectors: field('driver/@max_sectors', uint),
  driverIothread: field('driver/@iothread', uint),
  driverIoeventfd: field('driver/@ioeventfd', openEnum('on/off')),
  masterStartport: field('master/@startport', uint),
  modelName: field('model/@name', openEnum('pci controller model name')),
  targetChassisNr: field('target/@chassisNr', uint),
  targetChassis: field('target/@chassis', uint),
  targetPort: field('target/@port', int),
  targetBusNr: field('target/@busNr', uint),
  targetIndex: field('target/@index', uint),
  targetHotplug: field('target/@hotplug', openEnum('on/off')),
  targetNode: field('target/nodes', uint),
  pcihole64: field('pcihole64', uint),
} as const;

/** `<controller>`: ide, scsi, usb, virtio-serial, pci... */
export class Controller extends Device {
  static override readonly tag = 'controller';
  static override readonly fields = F;
  static override readonly childOrder = ['model', 'driver', 'target', 'pcihole64', 'master', 'serial', 'alias', 'address'];

  get type(): string | undefined {
    return this.read(F.type);
  }
  set type(v: string | undefined) {
    this.write(F.type, v);
  }

  get index(): number | undefined {
    return this.read(F.index);
  }
  set index(v: number | undefined) {
    this.write(F.index, v);
  }

  get model(): string | undefined {
    return this.read(F.model);
  }
  set model(v: string | undefined) {
    this.write(F.model, v);
  }

  get ports(): number | undefined {
    return this.read(F.ports);
  }
  set ports(v: number | undefined) {
    this.write(F.ports, v);
  }

  get driverIothread(): number | undefined {
    return this.read(F.driverIothread);
  }
  set driverIothread(v: number | undefined) {
    this.write(F.driverIothread, v);
  }

  get driverQueues(): number | undefined {
    return this.read(F.driverQueues);
  }
  set driverQueues(v: number | undefined) {
    this.write(F.driverQueues, v);
  }

  protected override naturalKeys(): NaturalKeys {
    const type = this.type;
    const index = this.index;
    return type !== undefined && index !== undefined ? { controller: `${type}:${index}` } : {};
  }
}
