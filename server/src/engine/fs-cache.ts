// The engine's reads of the disk (config files and `.git` on the way up, Compose files beside a
// Dockerfile, folder listings). A reader that remembers belongs to one CLI run: over 2,000 files it
// lists the same folders and stats the same ancestors once instead of once per file. The language
// server uses `disk`, which remembers nothing, because it must see files change.
import * as fs from 'node:fs';
import * as path from 'node:path';

interface Remembered {
  stats: Map<string, fs.Stats | undefined>;
  texts: Map<string, string | undefined>;
  listings: Map<string, string[] | undefined>;
  /** A folder's names lower-cased, undefined when it cannot be listed. */
  lowerNames: Map<string, Set<string> | undefined>;
  memos: Map<string, unknown>;
}


function remembered<K, V>(map: Map<K, V> | undefined, key: K, read: () => V): V {
  if (!map) return read();
  if (map.has(key)) return map.get(key) as V;
  const value = read();
  map.set(key, value);
  return value;
}

export class DiskReader {
  private readonly cache: Remembered | undefined;

  /** With `remember`, every read is kept for the reader's lifetime: files must not change meanwhile except through `forget`. */
  constructor(options: { remember?: boolean } = {}) {
    this.cache = options.remember ? { stats: new Map(), texts: new Map(), listings: new Map(), lowerNames: new Map(), memos: new Map() } : undefined;
  }

  /** `fs.statSync`, undefined when the path does not exist or cannot be read. */
  stat(file: string): fs.Stats | undefined {
    return remembered(this.cache?.stats, file, () => {
      if (this.absentFromListing(file)) return undefined;
      try {
        // No exception for a missing file: most lookups miss, and building an Error costs more than the stat.
        return fs.statSync(file, { throwIfNoEntry: false });
      } catch {
        return undefined;
      }
    });
  }

  /** A file's text (UTF-8), undefined when it cannot be read. */
  readText(file: string): string | undefined {
    return remembered(this.cache?.texts, file, () => {
      try {
        return fs.readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
    });
  }

  /** The names in a folder, undefined when it cannot be read. */
  list(dir: string): string[] | undefined {
    return remembered(this.cache?.listings, dir, () => {
      try {
        return fs.readdirSync(dir);
      } catch {
        return undefined;
      }
    });
  }

  /** A folder's names as `fs.readdirSync(dir)` gives them, read by the caller (the CLI's walk): not listed again. */
  rememberListing(dir: string, names: string[]): void {
    if (this.cache && !this.cache.listings.has(dir)) this.cache.listings.set(dir, names);
  }

  /**
   * Whether a remembered listing of the file's folder shows that it does not exist. Most lookups (config
   * files and `.git` in every folder of a run, Compose files beside each file) miss, and one listing per
   * folder answers them all instead of one stat each. Names are compared ignoring case, so a
   * case-insensitive disk's file is still stat-ed; only ASCII names are answered from the listing (a
   * disk may store other names in another Unicode normalization form).
   */
  private absentFromListing(file: string): boolean {
    const cache = this.cache;
    if (!cache) return false;
    const name = path.basename(file);
    const dir = path.dirname(file);
    if (dir === file || name === '' || name === '.' || name === '..' || !/^[\x20-\x7e]+$/.test(name)) return false;
    if (!cache.lowerNames.has(dir)) {
      // A folder missing from its own folder's listing is not listed (a failed listing throws, which costs
      // more than the stat it saves): `.git/HEAD` where there is no `.git`.
      if (this.absentFromListing(dir)) return true;
      const listing = this.list(dir);
      cache.lowerNames.set(dir, listing && new Set(listing.map((entry) => entry.toLowerCase())));
    }
    const names = cache.lowerNames.get(dir);
    return names !== undefined && !names.has(name.toLowerCase());
  }

  /** A value computed from one file (`kind` names the computation), remembered like the reads; `forget(file)` drops it. */
  memo<V>(kind: string, file: string, compute: () => V): V {
    return remembered(this.cache?.memos as Map<string, V> | undefined, `${kind}\0${file}`, compute);
  }

  /** After writing a file: its next read goes to the disk again. */
  forget(file: string): void {
    if (!this.cache) return;
    this.cache.stats.delete(file);
    this.cache.texts.delete(file);
    this.cache.listings.delete(path.dirname(file));
    this.cache.lowerNames.delete(path.dirname(file));
    for (const key of [...this.cache.memos.keys()]) if (key.endsWith(`\0${file}`)) this.cache.memos.delete(key);
  }
}

/** Reads that always go to the disk (it remembers nothing, so sharing it holds no state). */
export const disk = new DiskReader();
