import { XmlValueError } from '../errors.js';
import { openEnum, str, uint, yesNo } from '../xml/codecs.js';
import type { Element } from '../xml/dom.js';
import { isNCName } from '../xml/names.js';
import { childElements, firstChild, localNameOf, removeIndented } from '../xml/tree.js';
import type { DeviceMeta } from '../metadata/view.js';
import { Device, baseMetaSchema } from './device.js';
import type { NestedOrder } from './field.js';
import { field } from './field.js';
import { identifiedBy, key } from './identity.js';
import type { Accessors } from './view.js';
import { addChildElement, defineAccessors } from './view.js';
import { tpmMembers } from './schema/tpm.js';

const F = {
  model: field('@model', openEnum<'tpm-tis' | 'tpm-crb' | 'tpm-spapr' | 'spapr-tpm-proxy'>('tpm model')),
  backendType: field('backend/@type', openEnum<'passthrough' | 'emulator' | 'external'>('tpm backend type')),
  backendVersion: field('backend/@version', openEnum<'1.2' | '2.0'>('tpm version')),
  /** Emulator: keep the TPM state when a transient domain goes away. */
  backendPersistentState: field('backend/@persistent_state', yesNo),
  /** Emulator: swtpm's log level. */
  backendDebug: field('backend/@debug', uint),
  /** Passthrough: the host TPM device (`/dev/tpm0`). */
  backendDevicePath: field('backend/device/@path', str),
  /** Emulator: the UUID of the libvirt secret that encrypts the TPM state. */
  backendEncryptionSecret: field('backend/encryption/@secret', str),
  backendSourceType: field('backend/source/@type', openEnum<'unix' | 'file' | 'dir'>('tpm source type')),
  backendSourceMode: field('backend/source/@mode', openEnum<'connect'>('tpm source mode')),
  /** External: swtpm's socket; emulator: where the state lives. */
  backendSourcePath: field('backend/source/@path', str),
} as const;

export interface Tpm extends Accessors<typeof F & typeof tpmMembers> {}
/**
 * `<tpm>`: a TPM passed through from the host (`passthrough`), emulated by swtpm (`emulator`), or
 * served by an external swtpm over a socket (`external`). Unlike Vdsm, the guest address is kept.
 */
export class Tpm extends Device {
  static override readonly tag = 'tpm';
  declare readonly meta: DeviceMeta<typeof baseMetaSchema>;
  static override readonly identifiedBy = identifiedBy(key({ model: '@model' }));
  static override readonly fields = F;
  static override readonly members = tpmMembers;
  static override readonly childOrder = ['backend', 'alias', 'acpi', 'address'];
  static {
    defineAccessors(this);
  }
  /** libvirt's order of the backend's children (virDomainTPMDefFormat), for creating them. */
  static override readonly nestedOrder: NestedOrder = {
    backend: ['device', 'encryption', 'active_pcr_banks', 'source', 'profile'],
  };

  /**
   * Emulator: the PCR banks to activate (`sha256`, ...), one empty child element each; undefined
   * when `<active_pcr_banks>` is absent.
   */
  get backendActivePcrBanks(): string[] | undefined {
    const banks = this.banksElement();
    return banks === undefined ? undefined : childElements(banks).map(localNameOf);
  }
  set backendActivePcrBanks(v: readonly string[] | undefined) {
    // A PCR bank is named by an element: an XML name without a prefix.
    const bad = v?.find((name) => !isNCName(name));
    if (bad !== undefined) {
      throw new XmlValueError(
        `"${bad}" is not a PCR bank name`,
        { path: `${this.path}/backend/active_pcr_banks` },
        bad,
      );
    }
    let banks = this.banksElement();
    if (v === undefined) {
      if (banks !== undefined) removeIndented(banks);
      return;
    }
    if (banks === undefined) {
      const backend =
        firstChild(this.element, 'backend') ?? addChildElement(this.element, 'backend', Tpm.childOrder);
      banks = addChildElement(backend, 'active_pcr_banks', Tpm.nestedOrder['backend'] ?? []);
    } else {
      // Keeps the element where it is; only the list of banks changes.
      for (const old of childElements(banks)) removeIndented(old);
    }
    for (const name of v) addChildElement(banks, name, []);
  }

  private banksElement(): Element | undefined {
    const backend = firstChild(this.element, 'backend');
    return backend === undefined ? undefined : firstChild(backend, 'active_pcr_banks');
  }

  protected override derivedFields(): Record<string, unknown> {
    const banks = this.backendActivePcrBanks;
    return banks === undefined ? {} : { backendActivePcrBanks: banks };
  }
}
