// `.dockerignore` as Docker reads it (moby/patternmatcher and its `ignorefile.ReadAll`): one pattern per
// line, `#` comment lines, surrounding blanks trimmed, `!` re-includes, a leading `/` dropped, the pattern
// cleaned like a path (`a/./b/` → `a/b`). Patterns are anchored at the root of the build context
// (`*.pem` does not reach `sub/x.pem`; `**/*.pem` does); `*` and `?` stop at `/`, `**` crosses
// folders. A path is excluded when the last pattern that matches it or one of its parent folders is
// not a `!` pattern. Also where BuildKit looks for the file (CG-D104).
import * as path from 'node:path';

export interface DockerignorePattern {
  /** The cleaned pattern, without `!`. */
  pattern: string;
  /** A `!` pattern: it re-includes what earlier patterns excluded. */
  exclusion: boolean;
  regex: RegExp;
  /** Zero-based line of the pattern in the file. */
  line: number;
}

/** The patterns of a `.dockerignore` text, in file order. */
export function parseDockerignore(text: string): DockerignorePattern[] {
  const patterns: DockerignorePattern[] = [];
  text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\n|\r/)
    .forEach((raw, line) => {
      // Docker drops comment lines before trimming: ` # x` is a pattern, `# x` is not.
      if (raw.startsWith('#')) return;
      let pattern = raw.trim();
      if (pattern === '') return;
      const exclusion = pattern.startsWith('!');
      if (exclusion) pattern = pattern.slice(1).trim();
      if (pattern === '') return;
      pattern = cleanPath(pattern);
      if (pattern.length > 1 && pattern.startsWith('/')) pattern = pattern.slice(1);
      patterns.push({ pattern, exclusion, regex: compile(pattern), line });
    });
  return patterns;
}

/** Whether a path (relative to the context root, `/`-separated) is left out of the build context. */
export function isExcluded(patterns: readonly DockerignorePattern[], file: string): boolean {
  const target = cleanPath(file);
  const parents = target.split('/').slice(0, -1);
  let excluded = false;
  for (const pattern of patterns) {
    // As patternmatcher: an exclusion only matters once something matched, a pattern only before.
    if (pattern.exclusion !== excluded) continue;
    let match = pattern.regex.test(target);
    for (let i = 1; !match && i <= parents.length; i++) match = pattern.regex.test(parents.slice(0, i).join('/'));
    if (match) excluded = !pattern.exclusion;
  }
  return excluded;
}

/** `filepath.Clean` for `/`-separated paths (on Linux `\` is an escape in patterns, not a separator). */
function cleanPath(value: string): string {
  const rooted = value.startsWith('/');
  const parts: string[] = [];
  for (const part of value.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else if (part === '..' && rooted) continue;
    else parts.push(part);
  }
  const joined = parts.join('/');
  if (rooted) return '/' + joined;
  return joined === '' ? '.' : joined;
}

/** The pattern as a regular expression, as patternmatcher's `compile` builds it. */
function compile(pattern: string): RegExp {
  let source = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*' && pattern[i + 1] === '*') {
      i++;
      // `**/` is read as `**`.
      if (pattern[i + 1] === '/') i++;
      source += i + 1 >= pattern.length ? '.*' : '(.*/)?';
    } else if (ch === '*') {
      source += '[^/]*';
    } else if (ch === '?') {
      source += '[^/]';
    } else if (ch === '\\') {
      i++;
      source += i < pattern.length ? escapeRegex(pattern[i]) : '\\\\';
    } else if (ch === '[' || ch === ']') {
      source += ch;
    } else {
      source += escapeRegex(ch);
    }
  }
  try {
    return new RegExp(source + '$');
  } catch {
    // An unbalanced `[` makes the pattern invalid for Docker too (the build fails); it matches nothing here.
    return /(?!)/;
  }
}

function escapeRegex(ch: string): string {
  return /[.+()|{}$^\\/[\]*?]/.test(ch) ? `\\${ch}` : ch;
}

/** The ignore file BuildKit uses for a build, and its text (undefined when there is none). */
export interface IgnoreFile {
  path: string;
  text: string;
}

/**
 * The ignore file of a build, looked up as BuildKit does: `<Dockerfile name>.dockerignore` beside the
 * Dockerfile first, else `.dockerignore` at the root of the build context.
 */
export function dockerignoreFor(dockerfile: string, contextDir: string, readFile: (file: string) => string | undefined): IgnoreFile | undefined {
  for (const candidate of [`${dockerfile}.dockerignore`, path.join(contextDir, '.dockerignore')]) {
    const text = readFile(candidate);
    if (text !== undefined) return { path: candidate, text };
  }
  return undefined;
}
