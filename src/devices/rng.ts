import { openEnum, str, uint } from '../xml/codecs.js';
import { childElements, firstChild } from '../xml/tree.js';
import { ChardevSource, chardevFields, chardevSourceFields } from './chardev.js';
import { Device } from './device.js';
import type { NestedOrder } from './field.js';
import { field } from './field.js';
import { prefixed } from './nested.js';
import { VirtioOptions, virtioDriverFields } from './virtio.js';

// The character device's parts an egd backend uses (tcp, udp, unix).
const { mode, path, host, service, tls, reconnectEnabled, reconnectTimeout } = chardevSourceFields;

const F = {
  model: field('@model', openEnum<'virtio' | 'virtio-transitional' | 'virtio-non-transitional'>('rng model')),
  rateBytes: field('rate/@bytes', uint),
  ratePeriod: field('rate/@period', uint),
  backendModel: field('backend/@model', openEnum<'random' | 'egd' | 'builtin'>('rng backend model')),
  ...prefixed('backend', {
    type: chardevFields.type,
    ...prefixed('source', { mode, path, host, service, tls, reconnectEnabled, reconnectTimeout }),
    protocolType: chardevFields.protocolType,
  }),
  ...virtioDriverFields,
} as const;

/** The text content of `<backend>`: the host device path of a `random` backend. */
const backendText = field('backend', str);

/**
 * `<rng>`: a virtio random number generator fed by a host device (`random`), an EGD daemon over a
 * character device (`egd`), or QEMU itself (`builtin`).
 */
export class Rng extends Device {
  static override readonly tag = 'rng';
  static override readonly fields = F;
  static override readonly childOrder = ['rate', 'backend', 'driver', 'alias', 'acpi', 'address'];
  /** libvirt's order of an egd backend's children, for creating them. */
  static override readonly nestedOrder: NestedOrder = { backend: ['source', 'protocol'] };

  get model(): string | undefined {
    return this.read(F.model);
  }
  set model(v: string | undefined) {
    this.write(F.model, v);
  }

  get rateBytes(): number | undefined {
    return this.read(F.rateBytes);
  }
  set rateBytes(v: number | undefined) {
    this.write(F.rateBytes, v);
  }

  /** The rate period in milliseconds. */
  get ratePeriod(): number | undefined {
    return this.read(F.ratePeriod);
  }
  set ratePeriod(v: number | undefined) {
    this.write(F.ratePeriod, v);
  }

  get backendModel(): string | undefined {
    return this.read(F.backendModel);
  }
  set backendModel(v: string | undefined) {
    this.write(F.backendModel, v);
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

  get backendType(): string | undefined {
    return this.read(F.backendType);
  }
  set backendType(v: string | undefined) {
    this.write(F.backendType, v);
  }

  get backendSourceMode(): string | undefined {
    return this.read(F.backendSourceMode);
  }
  set backendSourceMode(v: string | undefined) {
    this.write(F.backendSourceMode, v);
  }

  get backendSourceHost(): string | undefined {
    return this.read(F.backendSourceHost);
  }
  set backendSourceHost(v: string | undefined) {
    this.write(F.backendSourceHost, v);
  }

  get backendSourceService(): string | undefined {
    return this.read(F.backendSourceService);
  }
  set backendSourceService(v: string | undefined) {
    this.write(F.backendSourceService, v);
  }

  get backendSourcePath(): string | undefined {
    return this.read(F.backendSourcePath);
  }
  set backendSourcePath(v: string | undefined) {
    this.write(F.backendSourcePath, v);
  }

  get backendSourceTls(): boolean | undefined {
    return this.read(F.backendSourceTls);
  }
  set backendSourceTls(v: boolean | undefined) {
    this.write(F.backendSourceTls, v);
  }

  get backendSourceReconnectEnabled(): boolean | undefined {
    return this.read(F.backendSourceReconnectEnabled);
  }
  set backendSourceReconnectEnabled(v: boolean | undefined) {
    this.write(F.backendSourceReconnectEnabled, v);
  }

  get backendSourceReconnectTimeout(): number | undefined {
    return this.read(F.backendSourceReconnectTimeout);
  }
  set backendSourceReconnectTimeout(v: number | undefined) {
    this.write(F.backendSourceReconnectTimeout, v);
  }

  /** Every `<source>` of an egd backend (udp has two: `bind` for the local end, `connect` for the remote). */
  get backendSources(): ChardevSource[] {
    const backend = firstChild(this.element, 'backend');
    return backend === undefined ? [] : childElements(backend, 'source').map((el) => new ChardevSource(el));
  }

  get backendProtocolType(): string | undefined {
    return this.read(F.backendProtocolType);
  }
  set backendProtocolType(v: string | undefined) {
    this.write(F.backendProtocolType, v);
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
    const sources = this.backendSources;
    if (sources.length > 1) out['backendSources'] = sources.map((s) => s.toJSON());
    return out;
  }
}
