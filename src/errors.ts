/**
 * The one error family of vmdevices. Every error has a stable `code`, a human message and, where
 * known, the source name, an XML path or value path, and a line:column.
 */

/** Stable error codes; callers switch on these, never on message text. */
export type ErrorCode =
  | 'XML_PARSE'
  | 'XML_LIMIT'
  | 'XML_ENCODING'
  | 'XML_VALUE'
  | 'UNEXPECTED_ELEMENT'
  | 'METADATA_VALUE'
  | 'METADATA_SHAPE'
  | 'AMBIGUOUS_METADATA'
  | 'METADATA_MISMATCH'
  | 'AMBIGUOUS_BINDING'
  | 'CONF_MISSING_KEY'
  | 'CONF_VALUE'
  | 'DUPLICATE_DEVICE'
  | 'INVALID_DOMAIN'
  | 'UNIDENTIFIABLE_DEVICE'
  | 'NO_SUCH_DEVICE';

/** Where an error happened, as far as it is known. */
export interface ErrorLocation {
  /** Name of the input (a file name, or a label the caller gave). */
  source?: string;
  /** 1-based line. */
  line?: number;
  /** 1-based column. */
  column?: number;
  /** XML path (`/domain/devices/disk[2]/target/@dev`) or value path (`devices[1].path`). */
  path?: string;
}

export class VmDevicesError extends Error {
  readonly code: ErrorCode;
  readonly source: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly path: string | undefined;
  /** The message without location, as given by the thrower. */
  readonly detail: string;

  constructor(code: ErrorCode, detail: string, where: ErrorLocation = {}, options?: { cause?: unknown }) {
    const prefix = where.path !== undefined ? `${where.path}: ` : '';
    super(prefix + detail, options);
    this.name = new.target.name;
    this.code = code;
    this.detail = detail;
    this.source = where.source;
    this.line = where.line;
    this.column = where.column;
    this.path = where.path;
  }

  /** `FILE:LINE:COL: CODE: message`, or `FILE: CODE: message` when there is no position. */
  format(fallbackSource = '<input>'): string {
    const file = this.source ?? fallbackSource;
    const pos = this.line !== undefined ? `:${this.line}:${this.column ?? 1}` : '';
    return `${file}${pos}: ${this.code}: ${this.message}`;
  }
}

/** Malformed XML, or XML the hardened parser refuses (DOCTYPE, several roots). */
export class XmlParseError extends VmDevicesError {
  constructor(detail: string, where: ErrorLocation = {}, options?: { cause?: unknown }) {
    super('XML_PARSE', detail, where, options);
  }
}

/** Input over a configured limit (size, nesting depth). */
export class XmlLimitError extends VmDevicesError {
  constructor(detail: string, where: ErrorLocation = {}) {
    super('XML_LIMIT', detail, where);
  }
}

/** Bytes in an encoding that cannot be read (unknown, invalid bytes) or text it cannot hold. */
export class XmlEncodingError extends VmDevicesError {
  constructor(detail: string, where: ErrorLocation = {}, options?: { cause?: unknown }) {
    super('XML_ENCODING', detail, where, options);
  }
}

/** A well-formed document holding a value that is not what the XML grammar allows (`port="59x0"`). */
export class XmlValueError extends VmDevicesError {
  /** The raw text that failed, when there was one. */
  readonly raw: string | undefined;
  constructor(detail: string, where: ErrorLocation = {}, raw?: string) {
    super('XML_VALUE', detail, where);
    this.raw = raw;
  }
}

/** A class was handed an element of another kind (`<disk>` given to Graphics). */
export class UnexpectedElementError extends VmDevicesError {
  constructor(expected: string, got: string, where: ErrorLocation = {}) {
    super('UNEXPECTED_ELEMENT', `expected <${expected}>, got <${got}>`, where);
  }
}

/**
 * Metadata that cannot be decoded or encoded. `METADATA_VALUE`: a bad scalar (int text, bool text,
 * unsupported value); `METADATA_SHAPE`: bad structure (missing attribute, wrong container).
 */
export class MetadataError extends VmDevicesError {
  constructor(
    code: 'METADATA_VALUE' | 'METADATA_SHAPE' | 'METADATA_MISMATCH',
    detail: string,
    where: ErrorLocation = {},
    options?: { cause?: unknown },
  ) {
    super(code, detail, where, options);
  }
}

/** A metadata lookup matched more than one entry. */
export class AmbiguousMetadataError extends VmDevicesError {
  readonly candidates: readonly string[];
  constructor(detail: string, candidates: readonly string[], where: ErrorLocation = {}) {
    super('AMBIGUOUS_METADATA', `${detail}: ${candidates.join('; ')}`, where);
    this.candidates = candidates;
  }
}

/** In one binding pass, an entry claims several devices, or several entries one device. */
export class AmbiguousBindingError extends VmDevicesError {
  readonly candidates: readonly string[];
  constructor(detail: string, candidates: readonly string[], where: ErrorLocation = {}) {
    super('AMBIGUOUS_BINDING', `${detail}: ${candidates.join('; ')}`, where);
    this.candidates = candidates;
  }
}

/** A device conf dict (Drive.create and friends) lacks a required key or holds a bad value. */
export class ConfError extends VmDevicesError {
  constructor(code: 'CONF_MISSING_KEY' | 'CONF_VALUE', detail: string, where: ErrorLocation = {}) {
    super(code, detail, where);
  }
}

/** Two devices that libvirt would refuse together (same target dev, same alias...). */
export class DuplicateDeviceError extends VmDevicesError {
  constructor(detail: string, where: ErrorLocation = {}) {
    super('DUPLICATE_DEVICE', detail, where);
  }
}

/** The document is not a domain the flow can work on (no `<devices>`, wrong root). */
export class InvalidDomainError extends VmDevicesError {
  constructor(detail: string, where: ErrorLocation = {}) {
    super('INVALID_DOMAIN', detail, where);
  }
}

/** A lookup by alias or deviceId found nothing. */
export class NoSuchDeviceError extends VmDevicesError {
  constructor(detail: string, where: ErrorLocation = {}) {
    super('NO_SUCH_DEVICE', detail, where);
  }
}

export function isVmDevicesError(e: unknown): e is VmDevicesError {
  return e instanceof VmDevicesError;
}
