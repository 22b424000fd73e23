import { expect } from 'chai';
import {
  AmbiguousBindingError,
  AmbiguousMetadataError,
  ConfError,
  DuplicateDeviceError,
  InvalidDomainError,
  MetadataError,
  NoSuchDeviceError,
  UnexpectedElementError,
  VmDevicesError,
  XmlLimitError,
  XmlParseError,
  XmlValueError,
  isVmDevicesError,
} from '../src/errors.js';

describe('error family (errors.ts)', () => {
  it('format() gives FILE:LINE:COL: CODE: message', () => {
    const e = new XmlParseError('unclosed tag', { source: 'vm.xml', line: 3, column: 14 });
    expect(e.format()).to.equal('vm.xml:3:14: XML_PARSE: unclosed tag');
  });

  it('format() gives FILE: CODE: message without a position, and column 1 for a line alone', () => {
    expect(new InvalidDomainError('no <devices>', { source: 'vm.xml' }).format()).to.equal(
      'vm.xml: INVALID_DOMAIN: no <devices>',
    );
    expect(new XmlParseError('x', { source: 's', line: 7 }).format()).to.equal('s:7:1: XML_PARSE: x');
  });

  it('format() uses the fallback source only when the error has none', () => {
    const e = new NoSuchDeviceError('no alias ua-1');
    expect(e.format()).to.equal('<input>: NO_SUCH_DEVICE: no alias ua-1');
    expect(e.format('<stdin>')).to.equal('<stdin>: NO_SUCH_DEVICE: no alias ua-1');
    expect(new NoSuchDeviceError('m', { source: 'a.xml' }).format('<stdin>')).to.equal(
      'a.xml: NO_SUCH_DEVICE: m',
    );
  });

  it('prefixes the message with the path and keeps the bare detail', () => {
    const e = new XmlValueError(
      '"59x0" is not an integer',
      { path: '/domain/devices/graphics/@port', line: 2, column: 5 },
      '59x0',
    );
    expect(e.message).to.equal('/domain/devices/graphics/@port: "59x0" is not an integer');
    expect(e.detail).to.equal('"59x0" is not an integer');
    expect(e.path).to.equal('/domain/devices/graphics/@port');
    expect(e.raw).to.equal('59x0');
    expect(e.format('f.xml')).to.equal(
      'f.xml:2:5: XML_VALUE: /domain/devices/graphics/@port: "59x0" is not an integer',
    );
    expect(new XmlValueError('d').message).to.equal('d');
  });

  it('every class carries its code and name and is a VmDevicesError and an Error', () => {
    const cases: [VmDevicesError, string, string][] = [
      [new XmlParseError('d'), 'XML_PARSE', 'XmlParseError'],
      [new XmlLimitError('d'), 'XML_LIMIT', 'XmlLimitError'],
      [new XmlValueError('d'), 'XML_VALUE', 'XmlValueError'],
      [new UnexpectedElementError('disk', 'graphics'), 'UNEXPECTED_ELEMENT', 'UnexpectedElementError'],
      [new MetadataError('METADATA_VALUE', 'd'), 'METADATA_VALUE', 'MetadataError'],
      [new MetadataError('METADATA_SHAPE', 'd'), 'METADATA_SHAPE', 'MetadataError'],
      [new AmbiguousMetadataError('d', ['a']), 'AMBIGUOUS_METADATA', 'AmbiguousMetadataError'],
      [new AmbiguousBindingError('d', ['a']), 'AMBIGUOUS_BINDING', 'AmbiguousBindingError'],
      [new ConfError('CONF_MISSING_KEY', 'd'), 'CONF_MISSING_KEY', 'ConfError'],
      [new ConfError('CONF_VALUE', 'd'), 'CONF_VALUE', 'ConfError'],
      [new DuplicateDeviceError('d'), 'DUPLICATE_DEVICE', 'DuplicateDeviceError'],
      [new InvalidDomainError('d'), 'INVALID_DOMAIN', 'InvalidDomainError'],
      [new NoSuchDeviceError('d'), 'NO_SUCH_DEVICE', 'NoSuchDeviceError'],
    ];
    for (const [e, code, name] of cases) {
      expect(e.code, name).to.equal(code);
      expect(e.name).to.equal(name);
      expect(e).to.be.instanceOf(VmDevicesError);
      expect(e).to.be.instanceOf(Error);
      expect(isVmDevicesError(e)).to.equal(true);
    }
    expect(new XmlValueError('d')).not.to.be.instanceOf(XmlParseError);
    expect(isVmDevicesError(new Error('plain'))).to.equal(false);
    expect(isVmDevicesError('XML_PARSE')).to.equal(false);
  });

  it('UnexpectedElementError names both tags; ambiguity errors list their candidates', () => {
    expect(
      new UnexpectedElementError('disk', 'graphics', { path: '/domain/devices/graphics' }).message,
    ).to.equal('/domain/devices/graphics: expected <disk>, got <graphics>');
    const a = new AmbiguousBindingError('two entries claim one device', ['ua-1', 'ua-2']);
    expect(a.message).to.equal('two entries claim one device: ua-1; ua-2');
    expect(a.candidates).to.deep.equal(['ua-1', 'ua-2']);
  });

  it('keeps a cause', () => {
    const cause = new Error('inner');
    expect(new XmlParseError('outer', {}, { cause }).cause).to.equal(cause);
    expect(new MetadataError('METADATA_SHAPE', 'outer', {}, { cause }).cause).to.equal(cause);
  });
});
