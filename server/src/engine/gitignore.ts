// Whether git would commit a file (CG-C112): the repository root (the nearest folder upward that holds
// `.git`, a folder or a worktree's `gitdir:` file), the `.gitignore` files from the root down to the
// file's folder plus `.git/info/exclude`, matched with the `ignore` package (gitignore semantics), and
// whether the index already tracks the file (`RuleContext.git`, see git-index.ts). Everything is read
// through the caller's `readFile`, so open documents win and nothing here touches the file system.
//
// Git's precedence: a `.gitignore` deeper in the tree overrides the ones above it, `.git/info/exclude`
// comes below every `.gitignore`, and nothing can re-include a file whose parent folder is ignored (git
// does not even descend into it). The user's global `core.excludesFile` is not read: it protects only
// this machine's clone, not the next person's.
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';

type ReadFile = (file: string) => string | undefined;

/** The repository root above `dir` (inclusive): the nearest folder that holds `.git`; undefined when none. */
export function findRepositoryRoot(dir: string, readFile: ReadFile): string | undefined {
  for (let current = path.resolve(dir); ; ) {
    if (readFile(path.join(current, '.git', 'HEAD')) !== undefined) return current;
    // A worktree or submodule: `.git` is a file that names the git folder.
    if (/^gitdir:/.test(readFile(path.join(current, '.git')) ?? '')) return current;
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/** The ignore rules of one folder of the repository. */
interface Level {
  /** The folder, relative to the root, `/`-separated ('' for the root). */
  dir: string;
  rules: Ignore;
}

/**
 * Reads the ignore files that apply to a file, lowest priority first: `.git/info/exclude`, then each
 * folder's `.gitignore` from the root down to the file's folder.
 */
function levelsFor(root: string, relativeDir: string[], readFile: ReadFile): Level[] {
  const levels: Level[] = [];
  const add = (dir: string, text: string | undefined) => {
    if (text === undefined || text.trim() === '') return;
    levels.push({ dir, rules: ignore().add(text) });
  };
  add('', readFile(path.join(root, '.git', 'info', 'exclude')));
  for (let depth = 0; depth <= relativeDir.length; depth++) {
    const dir = relativeDir.slice(0, depth);
    add(dir.join('/'), readFile(path.join(root, ...dir, '.gitignore')));
  }
  return levels;
}

/** The last opinion of the levels that apply to `target` (a folder when it ends with `/`): undefined when none has one. */
function decide(levels: Level[], target: string): boolean | undefined {
  let ignored: boolean | undefined;
  for (const level of levels) {
    if (level.dir !== '' && !target.startsWith(`${level.dir}/`)) continue;
    const relative = level.dir === '' ? target : target.slice(level.dir.length + 1);
    if (relative === '' || relative === '/') continue;
    const result = level.rules.test(relative);
    if (result.ignored) ignored = true;
    else if (result.unignored) ignored = false;
  }
  return ignored;
}

/**
 * Whether git ignores a file of the repository at `root` (paths absolute). False for a file outside the
 * repository or inside `.git`.
 */
export function isGitIgnored(root: string, file: string, readFile: ReadFile): boolean {
  const relative = path.relative(root, path.resolve(file));
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return false;
  const parts = relative.split(path.sep);
  if (parts[0] === '.git') return false;
  const levels = levelsFor(root, parts.slice(0, -1), readFile);
  if (levels.length === 0) return false;
  // A file in an ignored folder is ignored, whatever deeper files say.
  for (let depth = 1; depth < parts.length; depth++) {
    const folder = parts.slice(0, depth).join('/');
    // Whether a folder is ignored is decided by the ignore files above it, not by its own.
    const above = levels.filter((level) => level.dir === '' || (folder.startsWith(`${level.dir}/`) && level.dir !== folder));
    if (decide(above, `${folder}/`) === true) return true;
  }
  return decide(levels, parts.join('/')) === true;
}

/** The line a `.gitignore` at `gitignore` needs to ignore `file`: its path from there, anchored with `/`. */
export function gitignoreLineFor(gitignore: string, file: string): string {
  const relative = path.relative(path.dirname(gitignore), path.resolve(file)).split(path.sep).join('/');
  // The leading `/` anchors the pattern (and keeps a `!` or `#` in the name literal); escape the glob characters.
  return '/' + relative.replace(/([*?[\]\\])/g, '\\$1');
}
