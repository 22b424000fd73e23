import { CharDevice, chardevFields } from './chardev.js';
import { identifiedBy, key } from './identity.js';
import { parallelMembers } from './schema/parallel.js';
import type { Accessors } from './view.js';
import { defineAccessors } from './view.js';

// libvirt's parallel target has a port and no type (it writes `<target port='N'/>` and drops a
// type), so the field table leaves `targetType` out.
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- only taken out of the table
const { targetType, ...F } = chardevFields;

export interface Parallel extends Accessors<typeof F & typeof parallelMembers> {}
/** `<parallel>`: a parallel port of the guest; `targetPort` is its number. */
export class Parallel extends CharDevice {
  static override readonly tag = 'parallel';
  /** The port alone: a key needs all its parts, and libvirt never writes a parallel target type. */
  static override readonly identifiedBy = identifiedBy(key({ port: 'target/@port' }));
  static override readonly fields = F;
  static override readonly members = parallelMembers;
  static {
    defineAccessors(this);
  }
}
