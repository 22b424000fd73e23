/**
 * Reading a Vdsm-style device conf dict (what a manager sends for `X.create(conf)`). Values are
 * decoded through the lenient metadata codecs (`"2"` is an int, `"true"` a bool, as the seed's dicts
 * have them); a missing required key or a bad value is a ConfError naming the key path.
 */
import { isLeft } from 'fp-ts/lib/Either.js';
import { ConfError } from '../errors.js';
import type { MetaCodec } from '../metadata/schema.js';
import { metaDict, metaString, metaText, reportErrors } from '../metadata/schema.js';
import type { Dict } from '../metadata/value.js';
import { dictKeys, nullObject } from '../metadata/value.js';
import { createDocument } from '../xml/dom.js';
import type { Document, Element } from '../xml/dom.js';
import { createElement } from '../xml/tree.js';
import { isNCName } from '../xml/names.js';
import type { AddressRecord } from './address.js';
import { USER_ALIAS_PATTERN, USER_ALIAS_PREFIX } from './device.js';

const anyDict = metaDict('dict', {});

/** A device conf dict as Vdsm and Engine send it: what every class's `create` takes. */
export type Conf = Readonly<Record<string, unknown>>;

export class ConfReader {
  /**
   * @param data the conf dict (plain object or metadata dict)
   * @param what how errors name the conf (`interface conf`)
   * @param base the value path of `data` inside the caller's conf (`specParams`)
   */
  constructor(
    readonly data: Readonly<Record<string, unknown>>,
    readonly what: string,
    readonly base = '',
  ) {}

  pathOf(key: string): string {
    return this.base === '' ? key : `${this.base}.${key}`;
  }

  has(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.data, key) && this.data[key] !== undefined;
  }

  /** The decoded value of `key`, undefined when absent. */
  optional<A>(key: string, codec: MetaCodec<A>): A | undefined {
    if (!this.has(key)) return undefined;
    const r = codec.decode(this.data[key]);
    if (isLeft(r)) {
      const [first, ...rest] = reportErrors(r.left, this.pathOf(key));
      const cut = (first ?? '').indexOf(': ');
      const path = cut > 0 ? (first ?? '').slice(0, cut) : this.pathOf(key);
      const detail = cut > 0 ? (first ?? '').slice(cut + 2) : 'invalid value';
      throw new ConfError(
        'CONF_VALUE',
        `${this.what}: ${detail}${rest.length > 0 ? ` (and ${rest.length} more)` : ''}`,
        {
          path,
        },
      );
    }
    return r.right;
  }

  /** The decoded value of `key`; a missing key is a CONF_MISSING_KEY error. */
  required<A>(key: string, codec: MetaCodec<A>): A {
    const v = this.optional(key, codec);
    if (v === undefined) this.missing(key);
    return v;
  }

  /** Throws the CONF_MISSING_KEY error for `key`. */
  missing(key: string): never {
    throw new ConfError('CONF_MISSING_KEY', `${this.what}: required key "${this.pathOf(key)}" is missing`, {
      path: this.pathOf(key),
    });
  }

  /** Throws a CONF_VALUE error for `key`. */
  bad(key: string, detail: string): never {
    throw new ConfError('CONF_VALUE', `${this.what}: ${detail}`, { path: this.pathOf(key) });
  }

  /** A reader over the dict at `key` (`specParams`), undefined when absent. */
  sub(key: string): ConfReader | undefined {
    const d: Dict | undefined = this.optional(key, anyDict);
    return d === undefined ? undefined : new ConfReader(d, this.what, this.pathOf(key));
  }
}

/** The `ua-<deviceId>` user alias for the conf's `deviceId`, undefined without one. */
export function confUserAlias(conf: ConfReader): string | undefined {
  const id = conf.optional('deviceId', metaString);
  if (id === undefined) return undefined;
  const alias = USER_ALIAS_PREFIX + id;
  if (!USER_ALIAS_PATTERN.test(alias))
    conf.bad('deviceId', `"${id}" cannot form a user alias (libvirt accepts ${USER_ALIAS_PATTERN.source})`);
  return alias;
}

/**
 * The conf's guest `address` dict as attribute strings (`{slot: 3}` gives `slot="3"`); a key that
 * is not an XML name is a CONF_VALUE error, since keys become attribute names.
 */
export function confAddress(conf: ConfReader, key = 'address'): AddressRecord | undefined {
  const sub = conf.sub(key);
  if (sub === undefined) return undefined;
  const out = nullObject<string>();
  for (const k of dictKeys(sub.data as Dict)) {
    if (!isNCName(k)) sub.bad(k, `${JSON.stringify(k)} is not an address attribute name`);
    out[k] = sub.required(k, metaText);
  }
  return out;
}

/** A new `<tag>` element, root of its own document, for `create()` to fill. */
export function newElement(tag: string, doc?: Document): Element {
  if (doc !== undefined) return createElement(doc, tag);
  const el = createDocument(tag).documentElement;
  if (el === null) throw new Error(`cannot create <${tag}>`);
  return el;
}
