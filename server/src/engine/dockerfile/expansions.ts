// Where a shell would expand something in a piece of RUN text: `$NAME`, `${NAME…}`, `$(…)` and
// `` `…` `` — outside single quotes and not escaped. Used by the rules that ask whether a secret's
// value (not its name) reaches a file or a URL (CG-D103).

export interface ShellExpansion {
  /** The variable name; null for a command substitution. */
  name: string | null;
  /** Offsets [start, end) in the text given. */
  start: number;
  end: number;
}

/**
 * The expansions of a shell word as written (quotes included), or of a here-document body
 * (`quotes: false`: quotes are ordinary characters there, only `\$` escapes).
 */
export function shellExpansions(text: string, options: { quotes: boolean } = { quotes: true }): ShellExpansion[] {
  const found: ShellExpansion[] = [];
  let single = false;
  let double = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (single) {
      if (ch === "'") single = false;
      continue;
    }
    if (ch === '\\') {
      i++;
      continue;
    }
    if (options.quotes && ch === "'" && !double) {
      single = true;
      continue;
    }
    if (options.quotes && ch === '"') {
      double = !double;
      continue;
    }
    if (ch === '`') {
      const close = text.indexOf('`', i + 1);
      const end = close < 0 ? text.length : close + 1;
      found.push({ name: null, start: i, end });
      i = end - 1;
      continue;
    }
    if (ch !== '$') continue;
    const next = text[i + 1] ?? '';
    if (next === '(') {
      const end = closing(text, i + 1, '(', ')');
      found.push({ name: null, start: i, end });
      i = end - 1;
    } else if (next === '{') {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 2))?.[0];
      const end = closing(text, i + 1, '{', '}');
      if (name) found.push({ name, start: i, end });
      i = end - 1;
    } else {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1))?.[0];
      if (name) {
        found.push({ name, start: i, end: i + 1 + name.length });
        i += name.length;
      }
    }
  }
  return found;
}

/** End (exclusive) of the group that opens at `open`, counting nested pairs; the text's end when unclosed. */
function closing(text: string, open: number, left: string, right: string): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '\\') {
      i++;
    } else if (text[i] === left) {
      depth++;
    } else if (text[i] === right && --depth === 0) {
      return i + 1;
    }
  }
  return text.length;
}
