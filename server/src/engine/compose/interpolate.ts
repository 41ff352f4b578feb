// Compose variable interpolation (compose-go `template/template.go` syntax), evaluated statically.
//
// The linter does not know the shell environment or the project's `.env`, so by default every
// variable is *unknown*. Defaults are substituted (`${PRIV:-false}` reads as `false`, catalogue §4.8);
// everything else that depends on a variable stays unknown and is marked in `text` with `UNKNOWN`,
// so structural checks still work on the known parts (`"${PORT}:80"` has no host IP).

/** Stands for one unresolved piece of an interpolated string (never occurs in real Compose values). */
export const UNKNOWN = '\u0000';

export interface Interpolated {
  /** The value with every unresolved reference replaced by one `UNKNOWN` character. */
  text: string;
  /** True when nothing depends on an unknown variable (and the template is valid). */
  known: boolean;
  /** `text` when known, else undefined. */
  value: string | undefined;
  /** Whether the raw string contains any variable reference (`$$` does not count). */
  hasVariables: boolean;
  /** Variable names referenced, in order of appearance (duplicates removed). */
  variables: string[];
  /** Set when the template is malformed (`${`, `${}` or a lone `$`); the value is then unknown. */
  error?: string;
}

/** Optional known values; `undefined` for a name means "not known" (not "unset"). */
export type VariableLookup = (name: string) => string | undefined;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const MAX_NESTING = 16;

export function interpolate(raw: string, lookup?: VariableLookup): Interpolated {
  if (raw.indexOf('$') < 0) {
    return { text: raw, known: true, value: raw, hasVariables: false, variables: [] };
  }
  const state: State = { variables: [], hasVariables: false, error: undefined, lookup };
  const text = expand(raw, state, 0);
  const known = state.error === undefined && text.indexOf(UNKNOWN) < 0;
  return {
    text: state.error === undefined ? text : UNKNOWN,
    known,
    value: known ? text : undefined,
    hasVariables: state.hasVariables,
    variables: state.variables,
    error: state.error,
  };
}

interface State {
  variables: string[];
  hasVariables: boolean;
  error: string | undefined;
  lookup: VariableLookup | undefined;
}

function expand(raw: string, state: State, depth: number): string {
  let out = '';
  let i = 0;
  while (i < raw.length) {
    const ch = raw[i];
    if (ch !== '$') {
      out += ch;
      i++;
      continue;
    }
    const next = raw[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      const close = matchingBrace(raw, i + 1);
      if (close < 0) {
        state.error ??= 'unclosed "${"';
        return out + UNKNOWN;
      }
      out += braced(raw.slice(i + 2, close), state, depth);
      i = close + 1;
      continue;
    }
    const name = NAME.exec(raw.slice(i + 1));
    if (!name) {
      state.error ??= 'invalid "$" (write "$$" for a literal dollar sign)';
      out += UNKNOWN;
      i++;
      continue;
    }
    out += variable(name[0], state);
    i += 1 + name[0].length;
  }
  return out;
}

/** Index of the `}` closing the `{` at `open`, honouring nested `${…}`; -1 when unclosed. */
function matchingBrace(raw: string, open: number): number {
  let level = 0;
  for (let j = open; j < raw.length; j++) {
    const c = raw[j];
    if (c === '$' && raw[j + 1] === '$') {
      j++;
    } else if (c === '$' && raw[j + 1] === '{') {
      level++;
      j++;
    } else if (c === '}') {
      if (level === 0) return j;
      level--;
    }
  }
  return -1;
}

function note(name: string, state: State): void {
  state.hasVariables = true;
  if (!state.variables.includes(name)) state.variables.push(name);
}

function variable(name: string, state: State): string {
  note(name, state);
  const value = state.lookup?.(name);
  return value === undefined ? UNKNOWN : value;
}

function braced(body: string, state: State, depth: number): string {
  const name = NAME.exec(body);
  if (!name) {
    state.error ??= `invalid reference "\${${body}}"`;
    return UNKNOWN;
  }
  const rest = body.slice(name[0].length);
  if (rest === '') return variable(name[0], state);
  note(name[0], state);
  const value = state.lookup?.(name[0]);
  const op = /^(:?[-?+])/.exec(rest);
  if (!op) {
    state.error ??= `invalid reference "\${${body}}"`;
    return UNKNOWN;
  }
  const argument = rest.slice(op[1].length);
  const sub = () => (depth >= MAX_NESTING ? UNKNOWN : expand(argument, state, depth + 1));
  const colon = op[1].startsWith(':');
  const set = value !== undefined && (!colon || value !== '');
  switch (op[1].slice(-1)) {
    case '-':
      // Unknown variables are read as unset: the default is what the file says (catalogue §4.8).
      return set ? value! : sub();
    case '?':
      return set ? value! : UNKNOWN;
    case '+':
      return value === undefined ? UNKNOWN : set ? sub() : '';
    default:
      return UNKNOWN;
  }
}

/** Compose booleans after interpolation: YAML `true`/`false` or the strings "true"/"false" (any case). */
export function booleanOf(text: string): boolean | undefined {
  const lower = text.trim().toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  return undefined;
}
