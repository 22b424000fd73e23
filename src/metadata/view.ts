/**
 * A device's bound metadata, decoded lazily: a key is decoded through the class's codec the first
 * time the device asks for it; keys nobody asks for (and keys no class knows) stay as they came and
 * are written back unchanged.
 *
 * What `get` returns can never be edited in vain: a value the class decodes is a read-only copy (an
 * edit in place throws), any other value is the stored one itself (an edit in place is saved). What
 * `set` stores for a key the class knows must decode, or nothing is stored.
 *
 * One representation: the view's own data is the bound descriptor entry's data itself (what save
 * writes), with the bound xmlpickle entry's values as a read-only layer beneath it (that group is
 * input only; its values are frozen). A key of both reads from the entry.
 */
import { isLeft } from 'fp-ts/lib/Either.js';
import { ConfError, MetadataError } from '../errors.js';
import type { MetaSchema, MetaTypeOf } from './schema.js';
import { reportErrors } from './schema.js';
import type { Dict, ReadOnly, Value } from './value.js';
import {
  dict,
  dictDelete,
  dictEntries,
  dictKeys,
  dictSet,
  findUnreadable,
  frozenCopy,
  hasKey,
  keyPath,
} from './value.js';

/** What a key holds: its decoded type for a key of the schema, any value for another key. */
export type MetaValueOf<S extends MetaSchema, K extends string> = K extends keyof S
  ? MetaTypeOf<S, K>
  : Value;
/** What get() gives for a key: a read-only decoded value for a key of the schema, the stored value for another. */
export type MetaGot<S extends MetaSchema, K extends string> = K extends keyof S
  ? ReadOnly<MetaTypeOf<S, K>>
  : Value;

/** What a view's errors name: its device (`disk /domain/devices/disk[2]`), asked only when an error needs it. */
export interface MetaOwner {
  readonly description: string;
}

const UNNAMED: MetaOwner = { description: 'device' };

export class DeviceMeta<S extends MetaSchema = MetaSchema> {
  private data: Dict;
  /** The xmlpickle entry's values, beneath `data` (frozen: that group is never rewritten). */
  private base: Dict | undefined;
  /** Decoded values by key, made on the first decode: most devices of a recovered domain never ask. */
  private cache: Map<string, unknown> | undefined;

  /**
   * @param data the bound entry's data (not copied: the view edits it in place)
   * @param schema the device class's codecs per key
   * @param namedBy what errors name (the device, not a closure: a domain holds one view per device)
   */
  constructor(
    data: Dict = dict(),
    readonly schema: S,
    private readonly namedBy: MetaOwner = UNNAMED,
  ) {
    this.data = data;
  }

  get owner(): string {
    return this.namedBy.description;
  }

  /**
   * @internal The binding: `own` is the descriptor entry's data (edited in place from now on),
   * `base` the xmlpickle entry's, read beneath it.
   */
  bindTo(own: Dict, base: Dict | undefined): void {
    this.data = own;
    this.base = base;
    this.cache = undefined;
  }

  /**
   * @internal save: `data` becomes the view's own data, in place (the entry keeps this object), and
   * the live dict is returned.
   */
  commit(data: Dict): Dict {
    for (const k of dictKeys(this.data)) if (!hasKey(data, k)) dictDelete(this.data, k);
    for (const [k, v] of dictEntries(data)) dictSet(this.data, k, v);
    this.cache = undefined;
    return this.data;
  }

  has(key: string): boolean {
    return hasKey(this.data, key) || (this.base !== undefined && hasKey(this.base, key));
  }

  /** Every key, in order: the xmlpickle layer's first (as Vdsm's conf had them), then the entry's own. */
  keys(): string[] {
    if (this.base === undefined) return dictKeys(this.data);
    const out = dictKeys(this.base);
    for (const k of dictKeys(this.data)) if (!hasKey(this.base, k)) out.push(k);
    return out;
  }

  /**
   * The value of `key`, or undefined when absent: decoded by the class's codec (a read-only copy)
   * for a key of its schema, the stored value itself for any other key. A wrongly typed value, or
   * one that could not be read from the document (kept as written), is a METADATA_VALUE error
   * naming the device and the value's path.
   */
  get<K extends string>(key: K): MetaGot<S, K> | undefined {
    const raw = this.raw(key);
    if (raw === undefined) return undefined;
    if (this.cache?.has(key) === true) return this.cache.get(key) as MetaGot<S, K>;
    const unreadable = findUnreadable(raw, keyPath('', key));
    if (unreadable !== undefined) {
      const { value, path } = unreadable;
      throw new MetadataError('METADATA_VALUE', `${this.owner}: ${value.reason}`, {
        source: value.at.source,
        path,
        line: value.at.line,
        column: value.at.column,
      });
    }
    const codec = Object.prototype.hasOwnProperty.call(this.schema, key) ? this.schema[key] : undefined;
    if (codec === undefined) return raw as MetaGot<S, K>;
    const r = codec.decode(raw);
    if (isLeft(r)) {
      // The report names each bad value's path from the key (`volumeChain[1].leaseOffset`).
      throw new MetadataError('METADATA_VALUE', `${this.owner}: ${reportErrors(r.left, key).join('; ')}`);
    }
    const value: unknown = frozenCopy(r.right);
    (this.cache ??= new Map()).set(key, value);
    return value as MetaGot<S, K>;
  }

  /** Like get, but a missing key is a CONF_MISSING_KEY error naming the device and the key. */
  require<K extends string>(key: K): MetaGot<S, K> {
    const v = this.get(key);
    if (v === undefined)
      throw new ConfError('CONF_MISSING_KEY', `${this.owner}: metadata key "${key}" is missing`, {
        path: key,
      });
    return v;
  }

  /** The raw (undecoded) value of any key: the entry's, else the xmlpickle layer's (frozen). */
  raw(key: string): Value | undefined {
    if (hasKey(this.data, key)) return this.data[key];
    return this.base !== undefined && hasKey(this.base, key) ? this.base[key] : undefined;
  }

  /**
   * Stores `value` under `key` (a new key goes last, an existing one keeps its place). For a key of
   * the class's schema the value must be of its type: one that does not decode is a METADATA_VALUE
   * error naming the device and the key, and nothing is stored.
   */
  set<K extends string>(key: K, value: MetaValueOf<S, K>): void {
    const codec = Object.prototype.hasOwnProperty.call(this.schema, key) ? this.schema[key] : undefined;
    if (codec !== undefined) {
      const r = codec.decode(value);
      if (isLeft(r)) {
        throw new MetadataError(
          'METADATA_VALUE',
          `${this.owner}: cannot set ${reportErrors(r.left, key).join('; ')}`,
        );
      }
    }
    this.cache?.delete(key);
    dictSet(this.data, key, value as Value);
  }

  /**
   * Removes `key`. A key the xmlpickle layer holds cannot go (that group is never rewritten, and
   * its value would be read again): a METADATA_SHAPE error, not a delete that comes undone.
   */
  delete(key: string): void {
    if (this.base !== undefined && hasKey(this.base, key)) {
      throw new MetadataError(
        'METADATA_SHAPE',
        `${this.owner}: "${key}" comes from the xmlpickle instance group, which is never rewritten: it cannot be deleted (set another value instead)`,
        { path: key },
      );
    }
    this.cache?.delete(key);
    dictDelete(this.data, key);
  }

  /**
   * Every key and value, in order, as one read-only dict (frozen: an edit goes through `set`, or
   * in place on a value `get` returns live).
   */
  toDict(): Dict {
    return Object.freeze(this.copy());
  }

  /** A shallow copy of every key and value, in order. */
  copy(): Dict {
    if (this.base === undefined) return dict(dictEntries(this.data));
    const out = dict(dictEntries(this.base));
    for (const [k, v] of dictEntries(this.data)) dictSet(out, k, v);
    return out;
  }

  get size(): number {
    return this.keys().length;
  }
}

/**
 * The metadata view of a device of any class, as the Device base holds it: every class's typed view
 * is one. Typed per key only through the class (`declare readonly meta: DeviceMeta<typeof schema>`).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDeviceMeta = DeviceMeta<any>;
