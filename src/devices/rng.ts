import { openEnum, str, uint } from '../xml/codecs.js';
import type { DeviceMeta } from '../metadata/view.js';
import { chardevBackendFields } from './chardev.js';
import { Device, baseMetaSchema } from './device.js';
import type { NestedOrder } from './field.js';
import { field } from './field.js';
import { prefixed } from './nested.js';
import { VirtioOptions, virtioDriverFields } from './virtio.js';
import { identifiedBy, key } from './identity.js';
import type { Accessors } from './view.js';
import { defineAccessors } from './view.js';
import { rngMembers } from './schema/rng.js';

const F = {
  model: field('@model', openEnum<'virtio' | 'virtio-transitional' | 'virtio-non-transitional'>('rng model')),
  rateBytes: field('rate/@bytes', uint),
  /** The rate period in milliseconds. */
  ratePeriod: field('rate/@period', uint),
  backendModel: field('backend/@model', openEnum<'random' | 'egd' | 'builtin'>('rng backend model')),
  // An egd backend's character device (tcp, udp, unix); toJSON shows its first source flattened.
  ...prefixed('backend', chardevBackendFields),
  ...virtioDriverFields,
} as const;

/** The text content of `<backend>`: the host device path of a `random` backend. */
const backendText = field('backend', str);

export interface Rng extends Accessors<typeof F & typeof rngMembers> {}
/**
 * `<rng>`: a virtio random number generator fed by a host device (`random`), an EGD daemon over a
 * character device (`egd`), or QEMU itself (`builtin`).
 */
export class Rng extends Device {
  static override readonly tag = 'rng';
  declare readonly meta: DeviceMeta<typeof baseMetaSchema>;
  static override readonly identifiedBy = identifiedBy(
    key({ model: '@model' }),
    key({ backend: 'backend/@model' }, { find: false }),
  );
  static override readonly fields = F;
  static override readonly members = rngMembers;
  static override readonly childOrder = ['rate', 'backend', 'driver', 'alias', 'acpi', 'address'];
  /** libvirt's order of an egd backend's children, for creating them. */
  static override readonly nestedOrder: NestedOrder = { backend: ['source', 'protocol'] };
  static {
    defineAccessors(this);
  }

  /**
   * The host device of a `random` backend (`/dev/urandom`, `/dev/hwrng`, any path: unlike Vdsm, a
   * path is not limited to three known names). `''` when the backend names none (the hypervisor's
   * default); undefined for other backend models, whose content is not a path.
   */
  get backendPath(): string | undefined {
    return this.read(F.backendModel) === 'random' ? this.read(backendText) : undefined;
  }
  set backendPath(v: string | undefined) {
    this.write(backendText, v);
  }

  /** The virtio options on `<driver>` (iommu, ats, packed, page_per_vq). */
  get virtio(): VirtioOptions {
    return new VirtioOptions(this.element, (f, v) => this.write(f, v));
  }

  /** The `backendSource*` fields describe the first source; a udp backend lists both. */
  protected override derivedFields(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const path = this.backendPath;
    if (path !== undefined) out['backendPath'] = path;
    const sources = this.backend.sources;
    if (sources.length > 1) out['backendSources'] = sources.map((s) => s.toJSON());
    return out;
  }
}
