// The engine's reads of the disk (config files and `.git` on the way up, Compose files beside a
// Dockerfile), remembered for the length of one batch. A CLI run over 2,000 files otherwise lists the
// same folders and stats the same ancestors once per file. Outside a batch every call goes to the disk:
// the language server must see files change.
import * as fs from 'node:fs';
import * as path from 'node:path';

interface Batch {
  stats: Map<string, fs.Stats | undefined>;
  texts: Map<string, string | undefined>;
  listings: Map<string, string[] | undefined>;
  memos: Map<string, unknown>;
}

let batch: Batch | undefined;

/** Runs `work` with the reads cached; files must not change meanwhile except through `forgetFile`. */
export function inFileBatch<T>(work: () => T): T {
  if (batch) return work();
  batch = { stats: new Map(), texts: new Map(), listings: new Map(), memos: new Map() };
  try {
    return work();
  } finally {
    batch = undefined;
  }
}

/** After writing a file inside a batch: its next read goes to the disk again. */
export function forgetFile(file: string): void {
  if (!batch) return;
  batch.stats.delete(file);
  batch.texts.delete(file);
  batch.listings.delete(path.dirname(file));
  for (const key of [...batch.memos.keys()]) if (key.endsWith(`\0${file}`)) batch.memos.delete(key);
}

function remembered<K, V>(map: Map<K, V> | undefined, key: K, read: () => V): V {
  if (!map) return read();
  if (map.has(key)) return map.get(key) as V;
  const value = read();
  map.set(key, value);
  return value;
}

/** `fs.statSync`, undefined when the path does not exist or cannot be read. */
export function statPath(file: string): fs.Stats | undefined {
  return remembered(batch?.stats, file, () => {
    try {
      // No exception for a missing file: most lookups miss, and building an Error costs more than the stat.
      return fs.statSync(file, { throwIfNoEntry: false });
    } catch {
      return undefined;
    }
  });
}

/** A file's text (UTF-8), undefined when it cannot be read. */
export function readTextFile(file: string): string | undefined {
  return remembered(batch?.texts, file, () => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  });
}

/** The names in a folder, undefined when it cannot be read. */
export function listFolder(dir: string): string[] | undefined {
  return remembered(batch?.listings, dir, () => {
    try {
      return fs.readdirSync(dir);
    } catch {
      return undefined;
    }
  });
}

/**
 * A value computed from one file (`kind` names the computation), remembered for the batch;
 * `forgetFile(file)` drops it.
 */
export function memoForFile<V>(kind: string, file: string, compute: () => V): V {
  return remembered(batch?.memos as Map<string, V> | undefined, `${kind}\0${file}`, compute);
}
