// Text edits on a YAML file by AST ranges. Nothing is re-serialized: comments, anchors, quoting and
// the rest of the formatting stay as written. Inserted lines use the file's line ending.
import { isMap, isPair, isScalar, isSeq } from 'yaml';
import type { TextEdit } from 'vscode-languageserver-types';
import type { SourceText } from '../text';
import { colonAfter, contentEnd, nodeStart, seqDashOffset } from './yaml-ast';
import type { Node, Pair, Scalar, YAMLMap, YAMLSeq } from './yaml-ast';

/** How the file lays out block collections, so inserted text looks like its neighbours. */
export interface YamlStyle {
  /** Spaces per nesting level of block mappings (2 unless the file uses something else). */
  indentUnit: number;
  /** Columns between a key and the `-` of its block sequence value (0 for `key:⏎- item`). */
  sequenceOffset: number;
}

export const DEFAULT_STYLE: YamlStyle = { indentUnit: 2, sequenceOffset: 2 };

/** A value to write: a scalar (as YAML text) or a sequence of scalars (as YAML texts). */
export type NewValue = { scalar: string } | { sequence: string[] };

/** A byte order mark is not part of the YAML: it stays the file's first character, and takes no column. */
const BOM = 0xfeff;

function edit(source: SourceText, start: number, end: number, newText: string): TextEdit {
  if (start === 0 && source.text.charCodeAt(0) === BOM) return { range: source.rangeOf(1, Math.max(1, end)), newText };
  return { range: source.rangeOf(start, end), newText };
}

/** The column of an offset as YAML counts it (a BOM at the start of the file takes none). */
function columnOf(source: SourceText, offset: number): number {
  const position = source.positionAt(offset);
  return position.line === 0 && source.text.charCodeAt(0) === BOM ? Math.max(0, position.character - 1) : position.character;
}

function lineOf(source: SourceText, offset: number): number {
  return source.positionAt(offset).line;
}

function onlyBlanksBefore(source: SourceText, offset: number): boolean {
  const line = lineOf(source, offset);
  const from = line === 0 && source.text.charCodeAt(0) === BOM ? 1 : source.lineStarts[line];
  return /^[ \t]*$/.test(source.text.slice(from, offset));
}

/** Removes whole lines `first..last` (with their line break; at EOF, the preceding one). */
function deleteLines(source: SourceText, first: number, last: number): TextEdit {
  const start = source.lineStarts[first];
  if (last + 1 < source.lineCount) return edit(source, start, source.lineStarts[last + 1], '');
  if (first > 0) return edit(source, source.lineEnd(first - 1), source.text.length, '');
  return edit(source, start, source.text.length, '');
}

function pairStart(pair: Pair<unknown, unknown>, source: SourceText): number | undefined {
  const key = pair.key as Node | null;
  return key?.range ? nodeStart(key, source) : undefined;
}

function pairEnd(pair: Pair<unknown, unknown>, source: SourceText): number {
  const value = pair.value as Node | null;
  if (value?.range && !(isScalar(value) && value.value === null && value.range[0] === value.range[1])) {
    return contentEnd(value, source);
  }
  const key = pair.key as Node;
  return colonAfter(key.range![1], source) ?? key.range![1];
}

function itemStart(collection: YAMLMap | YAMLSeq, index: number, source: SourceText): number | undefined {
  const item = collection.items[index] as unknown;
  if (isPair(item)) return pairStart(item, source);
  const node = item as Node | null;
  return node?.range ? nodeStart(node, source) : undefined;
}

function itemEnd(collection: YAMLMap | YAMLSeq, index: number, source: SourceText): number | undefined {
  const item = collection.items[index] as unknown;
  if (isPair(item)) return item.key ? pairEnd(item, source) : undefined;
  const node = item as Node | null;
  return node?.range ? contentEnd(node, source) : undefined;
}

/** Deletes item `index` of a flow collection with one neighbouring comma; the last item leaves `[]`/`{}`. */
function deleteFlowItem(source: SourceText, collection: YAMLMap | YAMLSeq, index: number): TextEdit | undefined {
  const start = itemStart(collection, index, source);
  const end = itemEnd(collection, index, source);
  if (start === undefined || end === undefined) return undefined;
  const count = collection.items.length;
  if (index + 1 < count) {
    const next = itemStart(collection, index + 1, source);
    return next === undefined ? undefined : edit(source, start, next, '');
  }
  if (index > 0) {
    const previous = itemEnd(collection, index - 1, source);
    return previous === undefined ? undefined : edit(source, previous, end, '');
  }
  return edit(source, start, end, '');
}

/** Deletes one `key: value` pair of a mapping (its whole lines in block style), keeping the rest as written. */
export function deletePair(source: SourceText, map: YAMLMap, pair: Pair<unknown, unknown>): TextEdit | undefined {
  const index = map.items.indexOf(pair as never);
  if (index < 0) return undefined;
  if (map.flow) return deleteFlowItem(source, map, index);
  const start = pairStart(pair, source);
  if (start === undefined) return undefined;
  const end = pairEnd(pair, source);
  if (map.items.length === 1) return edit(source, start, end, '{}');
  if (onlyBlanksBefore(source, start)) return deleteLines(source, lineOf(source, start), lineOf(source, end));
  // The key shares its line with an indicator (`- key: v`): pull the next key up to its place.
  const next = index + 1 < map.items.length ? pairStart(map.items[index + 1] as Pair<unknown, unknown>, source) : undefined;
  return next === undefined ? undefined : edit(source, start, next, '');
}

/**
 * Whether a `-` starts its line at (or left of) the indentation of the line above it (comments and
 * blank lines skipped): a sequence written at its key's column (`key:⏎- item`). YAML allows that for
 * a block sequence, not for the `[]` that replaces it, which would read as a key of the parent mapping.
 */
function atKeyColumn(source: SourceText, dash: number): boolean {
  if (!onlyBlanksBefore(source, dash)) return false;
  let line = lineOf(source, dash) - 1;
  // `s`: a comment may hold U+2028/U+2029, which `.` does not match.
  while (line >= 0 && /^[ \t]*(#.*)?$/s.test(source.lineText(line))) line--;
  return line >= 0 && source.indentOf(line).length >= columnOf(source, dash);
}

/** Deletes item `index` of a sequence (its `- ` lines in block style); the only item leaves `[]`. */
export function deleteSequenceItem(source: SourceText, seq: YAMLSeq, index: number): TextEdit | undefined {
  if (index < 0 || index >= seq.items.length) return undefined;
  if (seq.flow) return deleteFlowItem(source, seq, index);
  const dash = seqDashOffset(seq, index, source);
  if (dash === undefined) return undefined;
  const item = seq.items[index] as Node | null;
  const end = item?.range && !(isScalar(item) && item.value === null && item.range[0] === item.range[1]) ? contentEnd(item, source) : dash + 1;
  if (seq.items.length === 1) return edit(source, dash, end, atKeyColumn(source, dash) ? ' []' : '[]');
  if (onlyBlanksBefore(source, dash)) return deleteLines(source, lineOf(source, dash), lineOf(source, end));
  const next = index + 1 < seq.items.length ? seqDashOffset(seq, index + 1, source) : undefined;
  return next === undefined ? undefined : edit(source, dash, next, '');
}

/** Replaces a node's text (anchors and tags before it are kept). */
export function replaceNode(source: SourceText, node: Node, newText: string): TextEdit {
  return edit(source, node.range![0], contentEnd(node, source), newText);
}

/** Inserts text inside a scalar, `at` characters into its content (after an opening quote). */
export function insertInScalar(source: SourceText, scalar: Scalar, at: number, text: string): TextEdit | undefined {
  const start = scalar.range![0];
  const quoted = scalar.type === 'QUOTE_DOUBLE' || scalar.type === 'QUOTE_SINGLE';
  if (!quoted && scalar.type !== 'PLAIN') return undefined;
  const offset = start + (quoted ? 1 : 0) + at;
  return edit(source, offset, offset, text);
}

/** Renders `key: value` for a flow mapping. */
function flowPair(key: string, value: NewValue): string {
  return 'scalar' in value ? `${key}: ${value.scalar}` : `${key}: [${value.sequence.join(', ')}]`;
}

/** Renders `key: value` as block lines at `indent` (no trailing line break). */
function blockPair(key: string, value: NewValue, indent: number, style: YamlStyle, eol: string): string {
  const pad = ' '.repeat(indent);
  if ('scalar' in value) return `${pad}${key}: ${value.scalar}`;
  const dashPad = ' '.repeat(indent + style.sequenceOffset);
  return [`${pad}${key}:`, ...value.sequence.map((item) => `${dashPad}- ${item}`)].join(eol);
}

/** Inserts complete lines after line `line` (at EOF without a final line break, the break goes first). */
function insertLinesAfter(source: SourceText, line: number, lines: string): TextEdit {
  if (line + 1 < source.lineCount) {
    const offset = source.lineStarts[line + 1];
    return edit(source, offset, offset, lines + source.eol);
  }
  const offset = source.text.length;
  return edit(source, offset, offset, source.eol + lines);
}

export interface InsertPairOptions {
  /** Insert after this pair (e.g. the `<<` merge key) instead of after the last pair. */
  after?: Pair<unknown, unknown>;
  /** Column of the mapping's keys when the mapping is empty (block style). */
  emptyIndent?: number;
}

/**
 * Adds `key: value` to a mapping: in block style as new lines at the keys' column, after `options.after`
 * or after the last pair (never between a comment and the pair it annotates); in flow style as `, key: v`.
 */
export function insertPair(
  source: SourceText,
  style: YamlStyle,
  map: YAMLMap,
  key: string,
  value: NewValue,
  options: InsertPairOptions = {},
): TextEdit | undefined {
  const items = map.items as Pair<unknown, unknown>[];
  if (map.flow) {
    if (items.length === 0) {
      const open = map.range![0];
      return source.text[open] === '{' ? edit(source, open + 1, open + 1, flowPair(key, value)) : undefined;
    }
    const anchorPair = options.after ?? items[items.length - 1];
    const end = pairEnd(anchorPair, source);
    return edit(source, end, end, `, ${flowPair(key, value)}`);
  }
  if (items.length === 0) return undefined;
  const firstKey = items[0].key as Node | null;
  if (!firstKey?.range) return undefined;
  const column = columnOf(source, nodeStart(firstKey, source));
  const anchorPair = options.after ?? items[items.length - 1];
  const endLine = lineOf(source, pairEnd(anchorPair, source));
  return insertLinesAfter(source, endLine, blockPair(key, value, column, style, source.eol));
}

/**
 * Gives a key that has no value (`key:`) one, written in flow style after the colon (`key: [ALL]`).
 */
export function fillEmptyValue(source: SourceText, pair: Pair<unknown, unknown>, value: NewValue): TextEdit | undefined {
  const key = pair.key as Node | null;
  if (!key?.range) return undefined;
  const colon = colonAfter(key.range[1], source);
  if (colon === undefined) return undefined;
  const text = 'scalar' in value ? ` ${value.scalar}` : ` [${value.sequence.join(', ')}]`;
  return edit(source, colon, colon, text);
}

/** Appends an item to a sequence: a new `- item` line in block style, `, item` in flow style. */
export function appendSequenceItem(source: SourceText, seq: YAMLSeq, itemText: string): TextEdit | undefined {
  const items = seq.items as (Node | null)[];
  if (seq.flow) {
    if (items.length === 0) {
      const open = seq.range![0];
      return source.text[open] === '[' ? edit(source, open + 1, open + 1, itemText) : undefined;
    }
    const end = itemEnd(seq, items.length - 1, source);
    return end === undefined ? undefined : edit(source, end, end, `, ${itemText}`);
  }
  if (items.length === 0) return undefined;
  const dash = seqDashOffset(seq, items.length - 1, source);
  if (dash === undefined) return undefined;
  const column = columnOf(source, dash);
  const last = items[items.length - 1];
  const end = last?.range && !(isScalar(last) && last.value === null && last.range[0] === last.range[1]) ? contentEnd(last, source) : dash + 1;
  return insertLinesAfter(source, lineOf(source, end), `${' '.repeat(column)}- ${itemText}`);
}

/** Detects indentation habits from the first nested block mapping and block sequence of a document. */
export function detectStyle(root: Node | null | undefined, source: SourceText): YamlStyle {
  const style: YamlStyle = { ...DEFAULT_STYLE };
  let unitFound = false;
  let seqFound = false;
  const stack: { node: Node; keyColumn: number }[] = [];
  if (isMap(root) && !root.flow) stack.push({ node: root, keyColumn: -1 });
  let visited = 0;
  while (stack.length > 0 && !(unitFound && seqFound) && visited++ < 2000) {
    const { node } = stack.shift()!;
    if (!isMap(node)) continue;
    for (const pair of node.items as Pair<unknown, unknown>[]) {
      const key = pair.key as Node | null;
      const value = pair.value as Node | null;
      if (!key?.range || !value?.range) continue;
      const keyColumn = columnOf(source, key.range[0]);
      if (!onlyBlanksBefore(source, key.range[0])) continue;
      if (isMap(value) && !value.flow && value.items.length > 0 && !unitFound) {
        const child = (value.items[0] as Pair<unknown, unknown>).key as Node | null;
        if (child?.range && lineOf(source, child.range[0]) > lineOf(source, key.range[0])) {
          const unit = columnOf(source, child.range[0]) - keyColumn;
          if (unit > 0 && unit <= 8) {
            style.indentUnit = unit;
            unitFound = true;
          }
        }
      }
      if (isSeq(value) && !value.flow && value.items.length > 0 && !seqFound) {
        const dash = seqDashOffset(value, 0, source);
        if (dash !== undefined && lineOf(source, dash) > lineOf(source, key.range[0])) {
          const offset = columnOf(source, dash) - keyColumn;
          if (offset >= 0 && offset <= 8) {
            style.sequenceOffset = offset;
            seqFound = true;
          }
        }
      }
      if (isMap(value) && !value.flow) stack.push({ node: value, keyColumn });
    }
  }
  if (!seqFound) style.sequenceOffset = style.indentUnit;
  return style;
}

export interface InsertPairsOptions extends InsertPairOptions {
  /**
   * Block style: insert above the first key instead of after the last one. Nested mappings use it, so
   * their insertion never lands where the service's own new keys go (after its last line, which is
   * also the nested mapping's last line when it is the service's last key).
   */
  atStart?: boolean;
  /** Block style: insert above this pair (and its comment lines) instead. */
  before?: Pair<unknown, unknown>;
}

/** A value to write that may nest mappings (`deploy: {resources: {limits: …}}`); leaves as in `NewValue`. */
export type NewTree = NewValue | { mapping: [string, NewTree][] };

/** Renders a tree value in flow style (`{resources: {limits: {memory: 512M}}}`). */
export function flowValue(value: NewTree): string {
  if ('scalar' in value) return value.scalar;
  if ('sequence' in value) return `[${value.sequence.join(', ')}]`;
  return `{${value.mapping.map(([key, child]) => `${key}: ${flowValue(child)}`).join(', ')}}`;
}

/** Renders `key: value` as block lines at `indent`, nested mappings one indent unit deeper (no final break). */
function blockTree(key: string, value: NewTree, indent: number, style: YamlStyle, eol: string): string {
  if (!('mapping' in value)) return blockPair(key, value, indent, style, eol);
  if (value.mapping.length === 0) return `${' '.repeat(indent)}${key}: {}`;
  return [`${' '.repeat(indent)}${key}:`, ...value.mapping.map(([k, v]) => blockTree(k, v, indent + style.indentUnit, style, eol))].join(eol);
}

/**
 * Adds several `key: value` pairs (values may nest mappings) to a mapping in one edit: complete lines at
 * the keys' column after `options.after` or the last pair (block style), or `, k: v, …` (flow style).
 * Two such insertions at the same place give valid YAML in either order.
 */
export function insertPairs(
  source: SourceText,
  style: YamlStyle,
  map: YAMLMap,
  pairs: [string, NewTree][],
  options: InsertPairsOptions = {},
): TextEdit | undefined {
  if (pairs.length === 0) return undefined;
  const items = map.items as Pair<unknown, unknown>[];
  const flowText = pairs.map(([key, value]) => `${key}: ${flowValue(value)}`).join(', ');
  if (map.flow) {
    if (items.length === 0) {
      const open = map.range![0];
      return source.text[open] === '{' ? edit(source, open + 1, open + 1, flowText) : undefined;
    }
    const end = pairEnd(options.after ?? items[items.length - 1], source);
    return edit(source, end, end, `, ${flowText}`);
  }
  if (items.length === 0) return undefined;
  const firstKey = items[0].key as Node | null;
  if (!firstKey?.range) return undefined;
  const column = columnOf(source, nodeStart(firstKey, source));
  const lines = pairs.map(([key, value]) => blockTree(key, value, column, style, source.eol)).join(source.eol);
  const above = options.before ?? (options.atStart && !options.after ? items[0] : undefined);
  if (above) {
    // Above that key and the comment lines that annotate it.
    const key = above.key as Node | null;
    if (!key?.range) return undefined;
    const start = nodeStart(key, source);
    if (!onlyBlanksBefore(source, start)) return undefined;
    let line = lineOf(source, start);
    // Only blanks before `#` (and the file's BOM on the first line): a line that starts with a stray
    // U+FEFF is no comment to move above, and text inserted above it would put that BOM after content.
    while (line > 0 && /^[ \t]*#/.test(source.lineText(line - 1).replace(line - 1 === 0 ? /^\ufeff/ : /^$/, ''))) line--;
    const offset = source.lineStarts[line];
    return edit(source, offset, offset, lines + source.eol);
  }
  const endLine = lineOf(source, pairEnd(options.after ?? items[items.length - 1], source));
  return insertLinesAfter(source, endLine, lines);
}

/** Gives a key that has no value (`key:`) a tree value, in flow style after the colon. */
export function fillEmptyTree(source: SourceText, pair: Pair<unknown, unknown>, value: NewTree): TextEdit | undefined {
  const key = pair.key as Node | null;
  if (!key?.range) return undefined;
  const colon = colonAfter(key.range[1], source);
  if (colon === undefined) return undefined;
  return edit(source, colon, colon, ` ${flowValue(value)}`);
}
