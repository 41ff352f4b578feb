// The files a git repository tracks, read from its index with isomorphic-git (read only: nothing from the
// workspace is executed, no git binary is needed). The engine is synchronous and isomorphic-git is not,
// so the caller (language server, CLI) loads a repository's index once, before analysis, and hands rules
// a synchronous `GitCapability` (RuleContext.git). The cache is an object with an owner: the server
// drops a repository's entry when its `.git/index` changes; the CLI keeps one for a run.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findRepositoryRoot } from './gitignore';
import type { GitCapability } from './types';

/** Reads a small file, undefined when it is missing or unreadable (a folder, no permission). */
function readSmallFile(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The paths (relative to the root, `/`-separated) in a repository's index; undefined when it cannot be read. */
export async function loadTrackedFiles(root: string): Promise<ReadonlySet<string> | undefined> {
  try {
    // Loaded on first use: a workspace without a repository never pays for isomorphic-git and pako
    // (about 2 MB of the server's memory once their modules have run).
    const git = await import('isomorphic-git');
    return new Set(await git.listFiles({ fs, dir: root }));
  } catch {
    return undefined;
  }
}

/** A capability over a loaded index. */
export function gitCapability(root: string, tracked: ReadonlySet<string> | undefined): GitCapability {
  return {
    root,
    isTracked(file: string): boolean | undefined {
      if (!tracked) return undefined;
      const relative = path.relative(root, path.resolve(file));
      if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return false;
      return tracked.has(relative.split(path.sep).join('/'));
    },
  };
}

/** Loaded indexes by repository root, owned by the language server or one CLI run. */
export class GitIndexCache {
  private readonly indexes = new Map<string, Promise<ReadonlySet<string> | undefined>>();

  constructor(private readonly readFile: (file: string) => string | undefined = readSmallFile) {}

  /** The repository of a file with its tracked files (loaded once per repository); undefined outside a repository. */
  async capabilityFor(file: string): Promise<GitCapability | undefined> {
    const root = findRepositoryRoot(path.dirname(path.resolve(file)), this.readFile);
    if (!root) return undefined;
    let tracked = this.indexes.get(root);
    if (!tracked) {
      tracked = loadTrackedFiles(root);
      this.indexes.set(root, tracked);
    }
    return gitCapability(root, await tracked);
  }

  /** Forgets a repository's index (its `.git/index` changed), or every index. */
  invalidate(root?: string): void {
    if (root === undefined) this.indexes.clear();
    else this.indexes.delete(path.resolve(root));
  }
}
