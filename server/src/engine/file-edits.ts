// Edits of another file of the project that a fix carries (`Fix.otherFiles`): lines appended to an
// ignore file, which is created when it does not exist yet.
import { SourceText } from './text';
import type { FileEdit } from './types';

/** Appends lines at the end of `path` (whose current text is `text`), or creates it with them. */
export function appendLinesEdit(path: string, text: string | undefined, lines: string[]): FileEdit {
  if (text === undefined) {
    const start = { line: 0, character: 0 };
    return { path, create: true, edits: [{ range: { start, end: start }, newText: lines.map((line) => `${line}\n`).join('') }] };
  }
  const source = new SourceText(text);
  const end = source.positionAt(text.length);
  const eol = source.eol;
  const separator = text.length === 0 || /[\r\n]$/.test(text) ? '' : eol;
  return { path, edits: [{ range: { start: end, end }, newText: separator + lines.map((line) => `${line}${eol}`).join('') }] };
}
