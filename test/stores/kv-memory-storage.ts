/** A minimal in-memory `Storage` for `@miniflare/kv`'s `KVNamespace` (the real KV implementation of Miniflare 2). */
import { Storage, type StoredKeyMeta, type StoredValueMeta } from '@miniflare/shared'

/** Keeps values in a Map and hides expired ones, judged by the given clock (ms). */
export class MemoryStorage extends Storage {
  readonly #map = new Map<string, StoredValueMeta>()
  constructor(readonly clock: () => number) {
    super()
  }

  #live(key: string): StoredValueMeta | undefined {
    const entry = this.#map.get(key)
    if (entry?.expiration !== undefined && entry.expiration * 1000 <= this.clock()) {
      this.#map.delete(key)
      return undefined
    }
    return entry
  }

  has(key: string) {
    return this.#live(key) !== undefined
  }
  head(key: string): any {
    const entry = this.#live(key)
    return entry && { expiration: entry.expiration, metadata: entry.metadata }
  }
  get(key: string): any {
    const entry = this.#live(key)
    return entry && { ...entry, value: entry.value.slice() }
  }
  getRange(): any {
    throw new Error('not needed')
  }
  put(key: string, value: StoredValueMeta) {
    this.#map.set(key, { ...value, value: value.value.slice() })
  }
  delete(key: string) {
    return this.#map.delete(key)
  }
  list(options: { prefix?: string } = {}): any {
    const keys: StoredKeyMeta[] = []
    for (const name of [...this.#map.keys()].sort()) {
      const entry = this.#live(name)
      if (entry && name.startsWith(options.prefix ?? '')) keys.push({ name, expiration: entry.expiration, metadata: entry.metadata })
    }
    return { keys, cursor: '' }
  }
}
