// The `.env` file of a Compose project (catalogue §4.8): the values Compose interpolates into the Compose
// files. Read as compose-go's dotenv parser reads it: `KEY=value` (also `export KEY=value` and the
// YAML-like `KEY: value`), `#` comments, single quotes literal, double quotes with `\n`-style escapes,
// values spanning lines inside quotes, `${OTHER}` referring to keys defined above.
//
// Values that look like secrets are never handed out (the lookup says "unknown"): a secret name
// (CG-D030's reading), a known credential format or a high-entropy literal. A rule therefore cannot
// echo a password from `.env` into a message, and no security decision needs one.
import { interpolate, type VariableLookup } from './interpolate';
import { findCredentials, isHighEntropyLiteral, isSecretName } from '../secrets';

/** `.env` files larger than this are not read (no real one comes close). */
export const MAX_DOTENV_SIZE = 256 * 1024;

export interface DotEnv {
  /** Every key with its value as parsed; undefined when the value refers to a variable that is not known. */
  values: Map<string, string | undefined>;
  /** The lookup for interpolation: known values that do not look secret (see `isShareable`). */
  lookup: VariableLookup;
}

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*/;

/** Parses the text of a `.env` file. `outer` supplies variables defined elsewhere (another env file). */
export function parseDotEnv(text: string, outer?: VariableLookup): DotEnv {
  const values = new Map<string, string | undefined>();
  const known: VariableLookup = (name) => (values.has(name) ? values.get(name) : outer?.(name));
  let i = 0;
  const length = Math.min(text.length, MAX_DOTENV_SIZE);
  while (i < length) {
    // One statement per iteration: skip blanks, then a comment line or `KEY=value`.
    while (i < length && /\s/.test(text[i])) i++;
    if (i >= length) break;
    if (text[i] === '#') {
      i = lineEnd(text, i, length);
      continue;
    }
    let rest = text.slice(i, lineEnd(text, i, length));
    const exported = /^export\s+/.exec(rest);
    if (exported) {
      i += exported[0].length;
      rest = rest.slice(exported[0].length);
    }
    const key = KEY.exec(rest);
    const separator = key ? /^[ \t]*[=:][ \t]*/.exec(rest.slice(key[0].length)) : null;
    if (!key || !separator) {
      // Not an assignment (a bare word, junk): compose-go rejects the file; we skip the line.
      i = lineEnd(text, i, length);
      continue;
    }
    i += key[0].length + separator[0].length;
    const parsed = readValue(text, i, length, known);
    values.set(key[0], parsed.value);
    i = parsed.end;
  }
  // Judged once per key: the lookup runs for every variable of every scalar.
  const shared = new Map([...values].map(([name, value]) => [name, shareable(name, value)]));
  return { values, lookup: (name) => shared.get(name) };
}

function lineEnd(text: string, from: number, length: number): number {
  const newline = text.indexOf('\n', from);
  return newline < 0 || newline > length ? length : newline + 1;
}

/** Reads one value starting at `start`; `end` is where the next statement may begin. */
function readValue(text: string, start: number, length: number, known: VariableLookup): { value: string | undefined; end: number } {
  const quote = text[start];
  if (quote === "'" || quote === '"') {
    let j = start + 1;
    let raw = '';
    for (; j < length && text[j] !== quote; j++) {
      if (quote === '"' && text[j] === '\\' && j + 1 < length) {
        raw += unescape(text[++j]);
        continue;
      }
      raw += text[j];
    }
    const end = lineEnd(text, Math.min(j + 1, length), length);
    if (quote === "'") return { value: raw, end };
    return { value: expand(raw, known), end };
  }
  const end = lineEnd(text, start, length);
  let raw = text.slice(start, end).replace(/\r?\n$/, '');
  // An unquoted value ends at a ` #` comment.
  const comment = raw.search(/\s#/);
  if (comment >= 0) raw = raw.slice(0, comment);
  return { value: expand(raw.trim(), known), end };
}

function unescape(ch: string): string {
  switch (ch) {
    case 'n':
      return '\n';
    case 't':
      return '\t';
    case 'r':
      return '\r';
    default:
      return ch;
  }
}

/** `${OTHER}` and `$OTHER` refer to keys above (or the outer lookup); unknown when one is not known. */
function expand(raw: string, known: VariableLookup): string | undefined {
  const result = interpolate(raw, known);
  return result.known ? result.value : undefined;
}

/**
 * The value a rule may see: unknown for a secret name, a credential format or a high-entropy literal, so
 * no message can quote it (and none of those decides a security question).
 */
export function shareable(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (isSecretName(name)) return undefined;
  if (findCredentials(value, { compose: true }).length > 0 || isHighEntropyLiteral(value, { compose: true })) return undefined;
  return value;
}

/** Lookups tried in order: the first that knows a name answers. */
export function chainLookups(...lookups: (VariableLookup | undefined)[]): VariableLookup {
  return (name) => {
    for (const lookup of lookups) {
      const value = lookup?.(name);
      if (value !== undefined) return value;
    }
    return undefined;
  };
}
