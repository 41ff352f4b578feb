// Incremental parsing of a Compose file while it is typed (issue 17): when an edit stays inside one
// entry of a block mapping (a service under `services:`, or a top-level key such as `volumes:`), only
// that entry's lines are parsed again and put in place of the old entry in the previous version's
// tree; every node after it moves by the edit's length. Anything else (several entries touched, a key
// renamed, broken YAML, several documents, directives) is parsed whole. The result must equal a full
// parse node for node: test/unit/compose-reparse.test.ts compares the two on many edits.
import { Composer, Parser, isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { Document, Node, Pair, YAMLMap } from 'yaml';

const parseOptions = { keepSourceTokens: true, prettyErrors: false } as const;

/** A text and its parsed documents; handed to the next version's parse, which may reuse (and change) them. */
export interface YamlParse {
  text: string;
  documents: Document[];
}

/** Every document of `text`, from scratch. */
export function parseYaml(text: string): Document[] {
  const result = parseAllDocuments(text, parseOptions);
  return Array.isArray(result) ? (result as Document[]) : [];
}

/**
 * The documents of `text`, reusing `previous` (an earlier version of the same file) when the edit
 * between them stays inside one mapping entry. `previous.documents` are changed in place: the caller
 * gives them up. Undefined when the edit cannot be applied that way (parse the text whole).
 */
export function reparse(previous: YamlParse, text: string): Document[] | undefined {
  const old = previous.text;
  if (old === text) return previous.documents;
  if (previous.documents.length !== 1) return undefined;
  const doc = previous.documents[0];
  const root = doc.contents;
  if (!isMap(root) || blockIndent(root) !== 0) return undefined;
  const edit = changedRegion(old, text);

  const rootBlocks = entryBlocks([root], old, old.length);
  if (!rootBlocks) return undefined;
  let block = blockAround(rootBlocks, edit);
  if (!block) return undefined;
  // Inside `services:`: the one service rather than the whole section.
  const services = isScalar(block.pair.key) && block.pair.key.value === 'services' ? block.pair.value : undefined;
  if (isMap(services) && blockIndent(services) !== undefined) {
    const serviceBlocks = entryBlocks([root, services], old, block.fragmentEnd);
    const inner = serviceBlocks && blockAround(serviceBlocks, edit);
    // A service that ends the file ends `services:` and the file too: then the section is parsed again.
    if (inner && inner.fragmentEnd < old.length) block = inner;
  }
  return replaceEntry(doc, block, edit, old, text);
}

interface Edit {
  /** First changed offset (same in both texts). */
  start: number;
  /** End of the replaced text in the old text, and of the inserted text in the new one. */
  oldEnd: number;
  newEnd: number;
}

function changedRegion(old: string, text: string): Edit {
  const shorter = Math.min(old.length, text.length);
  let start = 0;
  while (start < shorter && old.charCodeAt(start) === text.charCodeAt(start)) start++;
  let tail = 0;
  while (tail < shorter - start && old.charCodeAt(old.length - 1 - tail) === text.charCodeAt(text.length - 1 - tail)) tail++;
  return { start, oldEnd: old.length - tail, newEnd: text.length - tail };
}

/**
 * One entry of a block mapping with the lines it owns: from its key's line to the next key's line.
 * The entry's value (as parsed) ends at the next key itself, after that line's indentation: the
 * entry is parsed again up to there (`fragmentEnd`), while an edit must end before that line.
 */
interface EntryBlock {
  map: YAMLMap;
  /** The mappings from the document's root down to `map` (both included). */
  path: YAMLMap[];
  index: number;
  pair: Pair<unknown, unknown>;
  start: number;
  keyStart: number;
  end: number;
  fragmentEnd: number;
}

/** The indentation of a block mapping (from its source token); undefined for flow mappings. */
function blockIndent(map: YAMLMap): number | undefined {
  const token = (map as { srcToken?: { type: string; indent: number } }).srcToken;
  return token?.type === 'block-map' ? token.indent : undefined;
}

/**
 * The line blocks of the entries of the block mapping that ends `path`; the last one ends at `end`.
 * Undefined unless every key is a plain key alone at the start of its line (no `? ` keys, anchors or
 * tags on keys).
 */
function entryBlocks(path: YAMLMap[], text: string, end: number): EntryBlock[] | undefined {
  const map = path[path.length - 1];
  const indent = blockIndent(map);
  if (indent === undefined) return undefined;
  const blocks: EntryBlock[] = [];
  for (let index = 0; index < map.items.length; index++) {
    const pair = map.items[index] as Pair<unknown, unknown>;
    const key = pair.key;
    if (!isScalar(key) || !key.range || key.anchor || key.tag) return undefined;
    const keyStart = key.range[0];
    const lineStart = text.lastIndexOf('\n', keyStart - 1) + 1;
    if (keyStart - lineStart !== indent || text.slice(lineStart, keyStart).trim() !== '') return undefined;
    const before = blocks[blocks.length - 1];
    if (before) Object.assign(before, { end: lineStart, fragmentEnd: keyStart });
    blocks.push({ map, path, index, pair, start: lineStart, keyStart, end, fragmentEnd: end });
  }
  return blocks;
}

/**
 * The entry block that holds the whole edit, after its key's start (the key stays where it is). An
 * insertion where one block ends and the next starts is appended to the earlier one.
 */
function blockAround(blocks: EntryBlock[], edit: Edit): EntryBlock | undefined {
  return blocks.find((b) => b.keyStart <= edit.start && edit.oldEnd <= b.end);
}

/** What has a `yaml` range: nodes and documents. */
type RangeOwner = { range?: [number, number, number] | null };

function replaceEntry(doc: Document, block: EntryBlock, edit: Edit, old: string, text: string): Document[] | undefined {
  const delta = text.length - old.length;
  const lastInFile = block.fragmentEnd === old.length;
  const fragment = text.slice(block.start, block.fragmentEnd + delta);
  // The next key must still start a line; document markers and directives change what the file is.
  if (block.end < old.length && text[block.end + delta - 1] !== '\n') return undefined;
  if (/^(---|\.\.\.|%)/m.test(fragment)) return undefined;
  // The errors of the old entry are replaced; an error elsewhere may have changed how the entry was read.
  if (doc.errors.some((e) => e.pos[0] < block.start || e.pos[1] > block.fragmentEnd)) return undefined;
  const parser = new Parser();
  parser.offset = block.start;
  const parsed = Array.from(new Composer(parseOptions).compose(parser.parse(fragment)));
  if (parsed.length !== 1) return undefined;
  const part = parsed[0];
  if (part.errors.length > 0 && !isLocalMistake(part.errors, edit, text, block.fragmentEnd + delta)) return undefined;
  const partRoot = part.contents;
  if (!isMap(partRoot) || partRoot.items.length !== 1 || blockIndent(partRoot) !== blockIndent(block.map)) return undefined;
  const pair = partRoot.items[0] as Pair<unknown, unknown>;
  const oldKey = block.pair.key as Node;
  const newKey = pair.key;
  if (!isScalar(newKey) || !newKey.range || newKey.anchor || newKey.tag || newKey.range[0] !== oldKey.range![0]) return undefined;
  if (old.slice(oldKey.range![0], oldKey.range![1]) !== text.slice(newKey.range[0], newKey.range[1])) return undefined;
  // Where the value stops before the next key (blank lines, comments, indentation) depends on the
  // text around it: a fragment that stops at the next key must end its value as the whole file did.
  const oldValueEnd = (block.pair.value as RangeOwner | null)?.range?.[2];
  const newValueEnd = (pair.value as RangeOwner | null)?.range?.[2];
  if (oldValueEnd === undefined || newValueEnd === undefined) return undefined;
  if (!lastInFile && (oldValueEnd < edit.oldEnd || block.fragmentEnd - oldValueEnd !== block.fragmentEnd + delta - newValueEnd)) return undefined;

  // Where an offset of the old text is in the new one. Offsets inside the old entry exist only in its
  // own nodes (replaced) and in the ends of the nodes around it, which end where the entry ends. The
  // last entry of the file (always a top-level one, see `reparse`) was parsed with what follows it in
  // the file (nothing): the ends of the document and its root mapping are those of the fragment.
  const fragmentRanges = new Map<unknown, RangeOwner['range']>([
    [doc, (part as RangeOwner).range],
    [block.map, partRoot.range],
  ]);
  const ends = new Map<number, number>();
  const pairNodes = (p: Pair<unknown, unknown>) => [p.key, p.value].filter((n): n is RangeOwner => !!n && !!(n as RangeOwner).range);
  const oldNodes = pairNodes(block.pair);
  const newNodes = pairNodes(pair);
  if (oldNodes.length !== newNodes.length) return undefined;
  oldNodes.forEach((node, i) => node.range!.forEach((offset, k) => ends.set(offset, newNodes[i].range![k])));
  let unknownOffset = false;
  const moved = (owner: RangeOwner, offset: number, k: number): number => {
    if (offset <= block.start) return offset;
    const fromFragment = lastInFile ? fragmentRanges.get(owner)?.[k] : undefined;
    if (fromFragment !== undefined) return fromFragment;
    const mapped = ends.get(offset);
    if (mapped !== undefined) return mapped;
    if (offset >= block.fragmentEnd && !lastInFile) return offset + delta;
    unknownOffset = true;
    return offset;
  };
  // The nodes that contain the entry: checked before anything changes.
  const around: RangeOwner[] = [doc as RangeOwner, ...block.path];
  const newRanges = around.map((node) => node.range?.map((offset, k) => moved(node, offset, k)) as [number, number, number] | undefined);
  if (unknownOffset) return undefined;

  shiftAfter(block.path, block.fragmentEnd, delta);
  around.forEach((node, i) => {
    if (newRanges[i]) node.range = newRanges[i];
  });
  block.map.items[block.index] = pair;
  // The mapping's source token holds the new entry's token too (found by where its key starts).
  const mapItems = (block.map as { srcToken?: { items: object[] } }).srcToken?.items;
  const partItem = (partRoot as { srcToken?: { items: object[] } }).srcToken?.items[0];
  const oldItem = mapItems?.findIndex((item) => (item as { key?: { offset: number } }).key?.offset === block.keyStart) ?? -1;
  if (mapItems && partItem && oldItem >= 0) mapItems[oldItem] = partItem;
  doc.errors = spliceProblems(doc.errors, part.errors, block, delta, lastInFile);
  doc.warnings = spliceProblems(doc.warnings, part.warnings, block, delta, lastInFile);
  return [doc];
}

/**
 * Whether the errors of a re-parsed entry are those of a key being typed (`KEY` without its `:` yet)
 * and stay where the parser met them. Quotes, flow collections, block scalars, anchors and tags typed
 * into the changed lines are not: an unterminated one makes the whole file read otherwise.
 */
function isLocalMistake(errors: { code: string; message: string; pos: [number, number] }[], edit: Edit, text: string, fragmentEnd: number): boolean {
  const lineStart = text.lastIndexOf('\n', edit.start - 1) + 1;
  const lineEnd = text.indexOf('\n', edit.newEnd);
  if (/["'[\]{}|>&*!%@`]/.test(text.slice(lineStart, lineEnd === -1 ? text.length : lineEnd))) return false;
  return errors.every(
    (e) =>
      (e.code === 'MULTILINE_IMPLICIT_KEY' || (e.code === 'MISSING_CHAR' && e.message.startsWith('Implicit map keys need to be followed by map values'))) &&
      e.pos[1] < fragmentEnd,
  );
}

/** The errors or warnings of the file with those of the old entry replaced by the fragment's. */
function spliceProblems<T extends { pos: [number, number] }>(all: T[], fragment: T[], block: EntryBlock, delta: number, lastInFile: boolean): T[] {
  const after = lastInFile ? [] : all.filter((p) => p.pos[0] >= block.fragmentEnd);
  for (const problem of after) problem.pos = [problem.pos[0] + delta, problem.pos[1] + delta];
  return [...all.filter((p) => p.pos[0] < block.start), ...fragment, ...after];
}

/**
 * Moves by `delta` what comes after the replaced entry: at each mapping from the root down to the
 * entry's, the entries after the one that leads down (their nodes, and their source tokens).
 */
function shiftAfter(containers: YAMLMap[], from: number, delta: number): void {
  containers.forEach((map, depth) => {
    const inside = containers[depth + 1];
    const items = map.items as Pair<unknown, unknown>[];
    for (const pair of items) {
      const key = pair.key as RangeOwner | null;
      if (pair.value !== inside && key?.range && key.range[0] >= from) shiftNodes(pair, delta);
    }
    // An entry's source item starts with the comment lines above its key, which may lie inside the
    // replaced entry's lines: only the tokens at or after `from` move.
    for (const item of (map as { srcToken?: { items?: { key?: { offset: number } }[] } }).srcToken?.items ?? []) {
      if ((item.key?.offset ?? from) >= from) shiftTokens(item, from, delta);
    }
  });
}

/** Every node's range under `root`, moved by `delta` (a keystroke moves every entry after the edited one). */
function shiftNodes(root: unknown, delta: number): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const item = stack.pop();
    if (!item) continue;
    if (isPair(item)) {
      stack.push(item.key, item.value);
      continue;
    }
    // Collections, scalars and aliases: what has a range (a collection's items too). Each node owns its range array.
    const node = item as RangeOwner & { items?: unknown[] };
    if (Array.isArray(node.items)) for (const child of node.items) stack.push(child);
    const range = node.range;
    if (range) {
      range[0] += delta;
      range[1] += delta;
      range[2] += delta;
    }
  }
}

/** The offsets at or after `from` of a source token (CST) and the tokens inside it, moved by `delta`. */
function shiftTokens(token: object, from: number, delta: number): void {
  const stack: unknown[] = [token];
  while (stack.length > 0) {
    const item = stack.pop();
    if (Array.isArray(item)) {
      for (const child of item) stack.push(child);
      continue;
    }
    if (!item || typeof item !== 'object') continue;
    const record = item as Record<string, unknown>;
    if (typeof record.offset === 'number' && record.offset >= from) record.offset += delta;
    for (const key of TOKEN_CHILDREN) {
      const child = record[key];
      if (child && typeof child === 'object') stack.push(child);
    }
  }
}

/** Where a CST token keeps the tokens inside it. */
const TOKEN_CHILDREN = ['start', 'key', 'sep', 'value', 'items', 'props', 'end'] as const;
