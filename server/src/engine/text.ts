// Offsets ↔ positions and line helpers over one immutable text, shared by both file kinds.
import type { Range, TextEdit } from 'vscode-languageserver-types';

export interface Position {
  line: number;
  character: number;
}

export class SourceText {
  readonly text: string;
  /** Offset of the first character of each line. */
  readonly lineStarts: number[];
  /** The file's dominant line ending, used for inserted text. */
  readonly eol: '\n' | '\r\n';

  constructor(text: string) {
    this.text = text;
    const starts = [0];
    let crlf = 0;
    let lf = 0;
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) {
          crlf++;
          i++;
        }
        starts.push(i + 1);
      } else if (ch === 10 /* \n */) {
        lf++;
        starts.push(i + 1);
      }
    }
    this.lineStarts = starts;
    this.eol = crlf > lf ? '\r\n' : '\n';
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid] <= clamped) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: clamped - this.lineStarts[low] };
  }

  offsetAt(position: Position): number {
    if (position.line < 0) return 0;
    if (position.line >= this.lineStarts.length) return this.text.length;
    const start = this.lineStarts[position.line];
    return Math.min(start + Math.max(0, position.character), this.lineEnd(position.line));
  }

  rangeOf(startOffset: number, endOffset: number): Range {
    return { start: this.positionAt(startOffset), end: this.positionAt(endOffset) };
  }

  /** Offset just past the line's last character, before its line break. */
  lineEnd(line: number): number {
    if (line + 1 < this.lineStarts.length) {
      let end = this.lineStarts[line + 1];
      if (this.text.charCodeAt(end - 1) === 10) end--;
      if (this.text.charCodeAt(end - 1) === 13) end--;
      return end;
    }
    return this.text.length;
  }

  lineText(line: number): string {
    if (line < 0 || line >= this.lineStarts.length) return '';
    return this.text.slice(this.lineStarts[line], this.lineEnd(line));
  }

  /** Leading whitespace of a line. */
  indentOf(line: number): string {
    return /^[ \t]*/.exec(this.lineText(line))![0];
  }

  /** Whether the text ends with a line break (so appending a line needs none first). */
  endsWithNewline(): boolean {
    return this.text.endsWith('\n') || this.text.endsWith('\r');
  }

  /** A zero-width range at the start of a line (inserting text before it). */
  lineStartRange(line: number): Range {
    const position = { line, character: 0 };
    return { start: position, end: position };
  }

  /** The range of a whole line including its line break (deleting it). */
  wholeLineRange(line: number): Range {
    if (line + 1 < this.lineStarts.length) {
      return { start: { line, character: 0 }, end: { line: line + 1, character: 0 } };
    }
    // Last line: take the preceding line break instead, so no empty line is left behind.
    if (line > 0) {
      const previousEnd = this.lineEnd(line - 1);
      return { start: this.positionAt(previousEnd), end: this.positionAt(this.text.length) };
    }
    return { start: { line, character: 0 }, end: this.positionAt(this.text.length) };
  }
}

/** Applies non-overlapping edits to a text (used by tests, fix-all and the CLI). */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const source = new SourceText(text);
  const sorted = edits
    .map((edit) => ({ start: source.offsetAt(edit.range.start), end: source.offsetAt(edit.range.end), newText: edit.newText }))
    .sort((a, b) => a.start - b.start || a.end - b.end);
  let result = '';
  let cursor = 0;
  for (const edit of sorted) {
    if (edit.start < cursor) throw new Error('overlapping edits');
    result += text.slice(cursor, edit.start) + edit.newText;
    cursor = edit.end;
  }
  return result + text.slice(cursor);
}

/** Whether two ranges overlap (touching at a point does not count unless both are empty there). */
export function rangesOverlap(a: Range, b: Range): boolean {
  const before = (p: Position, q: Position) => p.line < q.line || (p.line === q.line && p.character < q.character);
  const equal = (p: Position, q: Position) => p.line === q.line && p.character === q.character;
  if (equal(a.start, b.start)) return true;
  return before(a.start, b.end) && before(b.start, a.end);
}

/**
 * Where `text` up to `end` ends without its trailing spaces and tabs: a scan back from `end`, where
 * a regular expression such as `/[ \t]+$/` tries every blank of the text.
 */
export function endWithoutBlanks(text: string, end = text.length): number {
  while (end > 0 && (text.charCodeAt(end - 1) === 32 || text.charCodeAt(end - 1) === 9)) end--;
  return end;
}
