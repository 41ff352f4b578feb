// Dockerfile variable expansion ($A, ${A}, ${A:-x}, ${A-x}, ${A:+x}, ${A+x}) over a scope of
// ARG/ENV declarations, read "as if no build options were given" (BuildKit's reading).
//
// A variable whose value is unknown (declared without a default, or not declared at all) makes
// the result unresolved: we never guess what a build would pass with --build-arg.
// The default operators are the exception: `${A:-x}` with A unknown reads as `x`.
import type { Range } from 'vscode-languageserver-types';

/** One variable declaration visible in a scope. */
export interface VarDecl {
  name: string;
  kind: 'ARG' | 'ENV' | 'builtin';
  /** The value after expansion, or null when unknown (no default, or the default itself is unresolved). */
  value: string | null;
  /** The default / value as written (before expansion), null when none is written. */
  rawValue: string | null;
  /** Range of the name in the document (absent for builtins). */
  nameRange?: Range;
  /** Range of the value as written, including quotes (absent when no value is written). */
  valueRange?: Range;
  /** Line of the declaring instruction (-1 for builtins). */
  line: number;
}

export type Scope = ReadonlyMap<string, VarDecl>;

export interface Expansion {
  /** The expanded text, or null when a reference could not be resolved. */
  value: string | null;
  /** Declarations whose values were used (in order of use, without duplicates). */
  used: VarDecl[];
  /** Names that could not be resolved. */
  unresolved: string[];
  /** Whether the text contained any variable reference. */
  hasVariables: boolean;
}

/** Predefined platform ARGs: always declared in the global scope, values known only at build time. */
export const PLATFORM_ARGS = [
  'TARGETPLATFORM', 'TARGETOS', 'TARGETARCH', 'TARGETVARIANT',
  'BUILDPLATFORM', 'BUILDOS', 'BUILDARCH', 'BUILDVARIANT',
];

export function builtinScope(): Map<string, VarDecl> {
  const scope = new Map<string, VarDecl>();
  for (const name of PLATFORM_ARGS) scope.set(name, { name, kind: 'builtin', value: null, rawValue: null, line: -1 });
  return scope;
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

/** Whether the text contains a `$` reference that expansion would look at. */
export function hasVariableReference(text: string, escapeChar = '\\'): boolean {
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === escapeChar && text[i + 1] === '$') {
      i++;
      continue;
    }
    if (ch === '$' && (text[i + 1] === '{' || NAME_START.test(text[i + 1] ?? ''))) return true;
  }
  return false;
}

/** Expands the variable references in `text` against `scope`. Never throws. */
export function expandVariables(text: string, scope: Scope, escapeChar = '\\'): Expansion {
  const state: ExpandState = { scope, escapeChar, used: [], unresolved: [], hasVariables: false, ok: true };
  const value = expandUntil(text, 0, state, false).value;
  return {
    value: state.ok ? value : null,
    used: state.used,
    unresolved: state.unresolved,
    hasVariables: state.hasVariables,
  };
}

interface ExpandState {
  scope: Scope;
  escapeChar: string;
  used: VarDecl[];
  unresolved: string[];
  hasVariables: boolean;
  ok: boolean;
}

/** Expands from `start` until the end of text, or until an unmatched `}` when `inBraces`. */
function expandUntil(text: string, start: number, state: ExpandState, inBraces: boolean): { value: string; end: number } {
  let out = '';
  let i = start;
  let depth = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === state.escapeChar && text[i + 1] === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (inBraces && ch === '{') depth++;
    if (inBraces && ch === '}') {
      if (depth === 0) return { value: out, end: i };
      depth--;
    }
    if (ch === '$') {
      const next = text[i + 1] ?? '';
      if (next === '{') {
        const r = expandBraced(text, i + 2, state);
        out += r.value;
        i = r.end;
        continue;
      }
      if (NAME_START.test(next)) {
        let j = i + 1;
        while (j < text.length && NAME_CHAR.test(text[j])) j++;
        out += lookup(text.slice(i + 1, j), state, true) ?? '';
        i = j;
        continue;
      }
    }
    out += ch;
    i++;
  }
  return { value: out, end: i };
}

/** `${…}` starting just after the `{`; returns the index after the closing `}`. */
function expandBraced(text: string, start: number, state: ExpandState): { value: string; end: number } {
  state.hasVariables = true;
  let j = start;
  while (j < text.length && NAME_CHAR.test(text[j])) j++;
  const name = text.slice(start, j);
  if (!name || !NAME_START.test(name[0])) {
    // `${}` or `${1}`: not something we can read.
    state.ok = false;
    const close = text.indexOf('}', j);
    return { value: '', end: close < 0 ? text.length : close + 1 };
  }
  if (text[j] === '}') {
    return { value: lookup(name, state, true) ?? '', end: j + 1 };
  }
  let op = '';
  if (text[j] === ':' && (text[j + 1] === '-' || text[j + 1] === '+' || text[j + 1] === '?')) op = text.slice(j, j + 2);
  else if (text[j] === '-' || text[j] === '+' || text[j] === '?') op = text[j];
  if (!op) {
    // Pattern operators (`#`, `%`, `/`) and anything else: resolvable only as unresolved.
    state.ok = false;
    state.unresolved.push(name);
    const close = findClose(text, j);
    return { value: '', end: close };
  }
  // The word is expanded lazily: only when the operator picks it.
  const wordStart = j + op.length;
  const decl = state.scope.get(name);
  const known = decl !== undefined && decl.value !== null;
  const value = known ? decl!.value! : null;
  const colon = op.startsWith(':');
  const kind = op[op.length - 1];
  const isSet = colon ? value !== null && value !== '' : value !== null;
  let pickWord: boolean;
  if (kind === '-') pickWord = !isSet;
  else if (kind === '+') pickWord = isSet;
  else pickWord = false; // `?`: error when unset; when set, the value.
  if (known) addUsed(state, decl!);
  if (pickWord) {
    const word = expandUntil(text, wordStart, state, true);
    return { value: word.value, end: Math.min(text.length, word.end + 1) };
  }
  // Skip the word without recording its variables.
  const skipState: ExpandState = { ...state, used: [], unresolved: [], ok: true };
  const skipped = expandUntil(text, wordStart, skipState, true);
  const end = Math.min(text.length, skipped.end + 1);
  if (kind === '+') return { value: '', end };
  if (kind === '?' && !isSet) {
    state.ok = false;
    state.unresolved.push(name);
    return { value: '', end };
  }
  return { value: value ?? '', end };
}

function findClose(text: string, from: number): number {
  let depth = 0;
  for (let k = from; k < text.length; k++) {
    if (text[k] === '{') depth++;
    else if (text[k] === '}') {
      if (depth === 0) return k + 1;
      depth--;
    }
  }
  return text.length;
}

function lookup(name: string, state: ExpandState, markVariable: boolean): string | null {
  if (markVariable) state.hasVariables = true;
  const decl = state.scope.get(name);
  if (!decl || decl.value === null) {
    state.ok = false;
    if (!state.unresolved.includes(name)) state.unresolved.push(name);
    return null;
  }
  addUsed(state, decl);
  return decl.value;
}

function addUsed(state: ExpandState, decl: VarDecl): void {
  if (!state.used.includes(decl)) state.used.push(decl);
}
