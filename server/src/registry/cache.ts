// A small cache of registry answers with a time to live, owned by the server instance (no module
// state). It keeps promises, so two requests for the same reference while a lookup runs share it;
// a failed lookup is dropped at once, so the next request asks again (the network may be back).

export interface TtlCacheOptions {
  /** How long an answer is reused. */
  ttlMs: number;
  /** At most this many entries; the oldest go first. */
  maxEntries?: number;
  /** The clock (tests move it). */
  now?: () => number;
}

export class TtlCache<V> {
  private readonly entries = new Map<string, { value: Promise<V>; expires: number }>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: TtlCacheOptions) {
    this.ttlMs = options.ttlMs;
    this.maxEntries = options.maxEntries ?? 500;
    this.now = options.now ?? Date.now;
  }

  /** The cached answer, or undefined when there is none or it expired. */
  peek(key: string): Promise<V> | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** The cached answer, else the one `compute` gives (kept for `ttlMs` when it succeeds). */
  get(key: string, compute: () => Promise<V>): Promise<V> {
    const cached = this.peek(key);
    if (cached) return cached;
    const value = compute();
    this.entries.set(key, { value, expires: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
