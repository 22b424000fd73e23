/**
 * The field coverage gate over the registry: every class that models a device declares typed fields,
 * has fixtures in fixtures/devices/<tag>/, and every field of its table has a value in at least one
 * of them, so no field table entry is dead or untested.
 */
import { expect } from 'chai';
import { DEVICE_CLASSES } from '../../src/devices/index.js';
import { describeFieldCoverage, deviceFixtures } from '../helpers/device-fixtures.js';

/**
 * The kinds whose element holds no value of its own, with what toJSON shows of them instead:
 * `<nvram>` has nothing but its address, `<redirfilter>` nothing but its `<usbdev>` rules.
 */
const WITHOUT_FIELDS: Readonly<Record<string, readonly string[]>> = { nvram: [], redirfilter: ['usbdevs'] };

describe('field coverage', () => {
  for (const cls of DEVICE_CLASSES) {
    describe(cls.name, () => {
      const derived = WITHOUT_FIELDS[cls.tag];
      it(`declares typed fields and has fixtures in fixtures/devices/${cls.tag}`, () => {
        if (derived === undefined)
          expect(Object.keys(cls.fields), `${cls.name} declares no fields`).not.to.be.empty;
        else expect(Object.keys(cls.fields), `${cls.name} declares fields`).to.be.empty;
        expect(deviceFixtures(cls.tag), `no fixtures in fixtures/devices/${cls.tag}`).not.to.be.empty;
      });
      describeFieldCoverage(cls, cls.tag, derived);
    });
  }
});
