/**
 * A device's bound metadata, decoded lazily: a key is decoded through the class's codec the first
 * time the device asks for it; keys nobody asks for (and keys no class knows) stay as they came and
 * are written back unchanged.
 */
import { isLeft } from 'fp-ts/lib/Either.js';
import { ConfError, MetadataError } from '../errors.js';
import type { MetaSchema, MetaTypeOf } from './schema.js';
import { reportErrors } from './schema.js';
import type { Dict, Value } from './value.js';
import { dict, dictDelete, dictEntries, dictKeys, dictSet, hasKey } from './value.js';

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

  /** The decoded value of `key`, or undefined when absent. A wrongly typed value is an error. */
  get<K extends keyof S & string>(key: K): MetaTypeOf<S, K> | undefined {
    if (!hasKey(this.data, key)) return undefined;
    if (this.cache?.has(key) === true) return this.cache.get(key) as MetaTypeOf<S, K>;
    const raw = this.data[key];
    const codec = this.schema[key];
    if (codec === undefined) return raw as MetaTypeOf<S, K>;
    const r = codec.decode(raw);
    if (isLeft(r)) {
      // The report names each bad value's path from the key (`volumeChain[1].leaseOffset`).
      throw new MetadataError('METADATA_VALUE', `${this.owner}: ${reportErrors(r.left, key).join('; ')}`);
    }
    (this.cache ??= new Map()).set(key, r.right);
    return r.right as MetaTypeOf<S, K>;
  }

  /** Like get, but a missing key is a CONF_MISSING_KEY error naming the device and the key. */
  require<K extends keyof S & string>(key: K): MetaTypeOf<S, K> {
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

  set(key: string, value: Value): void {
    this.cache?.delete(key);
    dictSet(this.data, key, value);
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
