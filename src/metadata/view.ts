/**
 * A device's bound metadata, decoded lazily: a key is decoded through the class's codec the first
 * time the device asks for it; keys nobody asks for (and keys no class knows) stay as they came and
 * are written back unchanged.
 *
 * What `get` returns can never be edited in vain: a value the class decodes is a read-only copy (an
 * edit in place throws), any other value is the stored one itself (an edit in place is saved). What
 * `set` stores for a key the class knows must decode, or nothing is stored.
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

export class DeviceMeta<S extends MetaSchema = MetaSchema> {
  private readonly data: Dict;
  /** Decoded values by key, made on the first decode: most devices of a recovered domain never ask. */
  private cache: Map<string, unknown> | undefined;

  /**
   * @param data the bound entry's data (not copied: the view edits it in place)
   * @param schema the device class's codecs per key
   * @param ownerName how errors name the device (`disk /domain/devices/disk[2]`); computed only when
   *   an error needs it
   */
  constructor(
    data: Dict = dict(),
    readonly schema: S,
    private readonly ownerName: () => string = () => 'device',
  ) {
    this.data = data;
  }

  get owner(): string {
    return this.ownerName();
  }

  has(key: string): boolean {
    return hasKey(this.data, key);
  }

  keys(): string[] {
    return dictKeys(this.data);
  }

  /**
   * The value of `key`, or undefined when absent: decoded by the class's codec (a read-only copy)
   * for a key of its schema, the stored value itself for any other key. A wrongly typed value, or
   * one that could not be read from the document (kept as written), is a METADATA_VALUE error
   * naming the device and the value's path.
   */
  get<K extends string>(key: K): MetaGot<S, K> | undefined {
    if (!hasKey(this.data, key)) return undefined;
    if (this.cache?.has(key) === true) return this.cache.get(key) as MetaGot<S, K>;
    const raw = this.data[key] as Value;
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

  /** The raw (undecoded) value of any key. */
  raw(key: string): Value | undefined {
    return hasKey(this.data, key) ? this.data[key] : undefined;
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

  delete(key: string): void {
    this.cache?.delete(key);
    dictDelete(this.data, key);
  }

  /** The whole entry, every key kept, in order (the live dict: callers must not keep it). */
  toDict(): Dict {
    return this.data;
  }

  /** A shallow copy of the entry, in order. */
  copy(): Dict {
    return dict(dictEntries(this.data));
  }

  get size(): number {
    return dictKeys(this.data).length;
  }
}

/**
 * The metadata view of a device of any class, as the Device base holds it: every class's typed view
 * is one. Typed per key only through the class (`declare readonly meta: DeviceMeta<typeof schema>`).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDeviceMeta = DeviceMeta<any>;
