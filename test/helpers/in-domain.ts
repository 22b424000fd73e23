import { expect } from 'chai';
import type { Device, DeviceClass } from '../../src/devices/index.js';
import { XmlValueError } from '../../src/errors.js';
import type { Dict } from '../../src/metadata/value.js';
import { firstChild, firstElementChild, parseXml } from '../../src/xml/index.js';

/**
 * Builds a device from XML placed in a minimal domain, so error paths read
 * `/domain/devices/<tag>/...`. The device element starts on line 3.
 */
export function deviceInDomain<D extends Device>(
  cls: DeviceClass & { prototype: D },
  deviceXml: string,
  meta?: Dict,
): D {
  const doc = parseXml(`<domain type="kvm">\n<devices>\n${deviceXml}\n</devices>\n</domain>`, {
    source: 'test',
  });
  const devices = firstChild(doc.documentElement!, 'devices')!;
  return cls.fromXmlTree(firstElementChild(devices)!, meta) as D;
}

/** Runs `read` and returns the XmlValueError it throws (fails when it throws nothing or another error). */
export function xmlValueErrorOf(read: () => unknown): XmlValueError {
  try {
    read();
  } catch (e) {
    expect(e).to.be.instanceOf(XmlValueError);
    return e as XmlValueError;
  }
  return expect.fail('expected an XmlValueError, nothing was thrown');
}
