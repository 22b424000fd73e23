/**
 * vmdevices: the device model layer of a VM host agent. libvirt domain XML plus per-device metadata
 * become typed, element-backed device objects bound to their metadata; XML and metadata are written
 * back without losing what was not meant to change.
 */
export * from './errors.js';
export {
  parseXml,
  decodeXml,
  encodeXml,
  type XmlEncoding,
  type DecodeOptions,
  serialize,
  canonicalDiff,
  canonicalEqual,
  NS,
  selectNodes,
  elementPath,
  type ParseOptions,
  type XmlDocument,
  type XmlElement,
  type XmlNode,
  type StrCodec,
  type Open,
} from './xml/index.js';
export * from './metadata/index.js';
export {
  type DriveShared,
  type PropagateErrors,
  type Volume,
  volumeCodec,
} from './metadata/schemas/drive.js';
export * from './devices/index.js';
export { bind, type Ambiguity, type BindResult, type Binding, type Rule } from './binding/binder.js';
export { entryIdentity, type MetadataEntry, type EntryIdentity, type Layout } from './binding/entry.js';
export { explainBinding, type RuleTrace } from './binding/explain.js';
export { DomainDescriptor, type MetadataGroups, type Vcpus } from './domain/domain-descriptor.js';
export { Domain, type DeviceBinding, type Problem, type BindOptions } from './domain/domain.js';
export { create, recover, type CreateResult } from './domain/flows.js';
export {
  domainReport,
  explainReport,
  type DomainReport,
  type DeviceReport,
  type EntryRef,
  type ExplainReport,
  type ProblemReport,
} from './domain/report.js';
