import { expect } from 'chai';
import * as api from '../src/index.js';

describe('the public API (src/index.ts)', () => {
  it('exports what an agent uses', () => {
    for (const name of [
      'create',
      'recover',
      'Domain',
      'DomainDocument',
      'Drive',
      'Descriptor',
      'decodeXmlpickle',
      'encodeXmlpickle',
      'domainReport',
      'parseXml',
    ]) {
      expect(api, name).to.have.property(name);
    }
  });

  it("keeps the layers' internals out", () => {
    for (const name of [
      'readRaw',
      'readField',
      'writeField',
      'descriptorCanHold',
      'parseBoolText',
      'hashKey',
      'saveMetadata',
      'findProblems',
    ]) {
      expect(api, name).not.to.have.property(name);
    }
  });
});
