// Bounded helpers over the `yaml` AST: anchors and aliases, `<<` merge keys, node extents.
//
// Never calls `toJS()`: aliases are followed one step at a time, merge keys are resolved with a
// node budget, a depth limit and a cycle check, so alias bombs and recursive anchors stay cheap.
import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Alias, Node, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { Range } from 'vscode-languageserver-types';
import type { SourceText } from '../text';

export type { Alias, Node, Pair, Scalar, YAMLMap, YAMLSeq };

/** Limits that keep hostile input cheap. */
export const LIMITS = {
  /** Nodes visited when indexing anchors and aliases. */
  walkNodes: 500_000,
  /** Merged entries materialised while resolving `<<` keys, for the whole file. */
  mergeEntries: 200_000,
  /** Nested merge keys followed (anchor merging an anchor merging …). */
  mergeDepth: 32,
  /** Nesting followed when looking for the entry around a line. */
  descendDepth: 200,
  /** Flow-collection nesting parsed at all (the yaml parser recurses per level). */
  flowDepth: 256,
};

export function range0(node: { range?: [number, number, number] | null } | null | undefined): number {
  return node?.range ? node.range[0] : -1;
}

/** One step of how a value reached a mapping: a `<<` merge key or an alias. */
export interface ViaStep {
  kind: 'merge' | 'alias';
  /** The `<<` pair's key (merge) or the alias node. */
  node: Node;
  /** Where to point related information: `<<: *x` as written, or the alias. */
  range: Range;
}

/** A key of a resolved mapping, with where it is written. */
export interface MapEntry {
  key: string;
  keyNode: Scalar;
  pair: Pair<unknown, unknown>;
  /** The mapping that physically contains the pair. */
  map: YAMLMap;
  /** The value as written (may be an alias or null). */
  rawValue: Node | null;
  /** The value with an alias followed. */
  value: Node | null;
  /**
   * Merge keys and aliases crossed from the viewed mapping to the place where the pair is written,
   * outermost first. Empty when the pair is written in the viewed mapping itself.
   */
  via: ViaStep[];
}

/** The resolved view of a mapping: own keys override merged ones, earlier merge sources win. */
export class MapView {
  readonly node: YAMLMap;
  readonly entries: MapEntry[];
  private index: Map<string, MapEntry> | undefined;

  constructor(node: YAMLMap, entries: MapEntry[]) {
    this.node = node;
    this.entries = entries;
  }

  get(key: string): MapEntry | undefined {
    if (!this.index) {
      this.index = new Map();
      for (const entry of this.entries) if (!this.index.has(entry.key)) this.index.set(entry.key, entry);
    }
    return this.index.get(key);
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** The `<<` pairs written in this mapping itself, in order. */
  get mergePairs(): Pair<unknown, unknown>[] {
    return this.node.items.filter(isMergeKey);
  }
}

/** Whether a pair is a `<<` merge key (a plain `<<`; a quoted "<<" is an ordinary key). */
export function isMergeKey(pair: Pair<unknown, unknown>): boolean {
  const key = pair.key;
  return isScalar(key) && key.value === '<<' && key.type === 'PLAIN';
}

/** The key of a pair as a string, when it is a plain scalar key. */
export function keyString(pair: Pair<unknown, unknown>): string | undefined {
  const key = pair.key;
  if (!isScalar(key)) return undefined;
  const value = key.value;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return (key as Scalar).source ?? String(value);
  if (value === null) return undefined;
  return undefined;
}

/** Offset just past the last meaningful character of a node (trailing blanks, line breaks and comments excluded). */
export function contentEnd(node: Node | null | undefined, source: SourceText): number {
  let current: Node | null | undefined = node;
  for (let depth = 0; current && depth < LIMITS.descendDepth; depth++) {
    if ((isMap(current) || isSeq(current)) && !current.flow) {
      const items = current.items as unknown[];
      const last = items[items.length - 1];
      if (last === undefined) break;
      if (isPair(last)) {
        const value = last.value as Node | null;
        if (value && value.range && !(isScalar(value) && value.value === null && value.range[0] === value.range[1])) {
          current = value;
          continue;
        }
        const key = last.key as Node | null;
        if (key?.range) return colonAfter(key.range[1], source) ?? key.range[1];
        break;
      }
      const item = last as Node | null;
      if (item && item.range && !(isScalar(item) && item.value === null && item.range[0] === item.range[1])) {
        current = item;
        continue;
      }
      break;
    }
    if (!current.range) break;
    return trimEnd(current.range[1], current.range[0], source.text);
  }
  return current?.range ? trimEnd(current.range[1], current.range[0], source.text) : 0;
}

function trimEnd(end: number, start: number, text: string): number {
  let e = Math.min(end, text.length);
  while (e > start) {
    const c = text.charCodeAt(e - 1);
    if (c === 32 || c === 9 || c === 10 || c === 13) e--;
    else break;
  }
  return e;
}

/** Offset just past the `:` that follows an implicit key ending at `keyEnd`, if any. */
export function colonAfter(keyEnd: number, source: SourceText): number | undefined {
  const text = source.text;
  let i = keyEnd;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  return text[i] === ':' ? i + 1 : undefined;
}

/** Start of a node including its anchor/tag properties when they precede it (`&a value`). */
export function nodeStart(node: Node, source: SourceText): number {
  const start = node.range![0];
  if (!node.anchor && !node.tag) return start;
  // Walk back over `&anchor` / `!tag` tokens on the same line.
  const text = source.text;
  let i = start;
  for (;;) {
    let j = i;
    while (j > 0 && (text[j - 1] === ' ' || text[j - 1] === '\t')) j--;
    let k = j;
    while (k > 0 && !/[\s,[\]{}]/.test(text[k - 1])) k--;
    const token = text.slice(k, j);
    if (k < j && (token.startsWith('&') || token.startsWith('!'))) i = k;
    else return i;
  }
}

/** The offset of the `-` indicator of a block sequence item (CST when kept, else a backwards scan). */
export function seqDashOffset(seq: YAMLSeq, index: number, source: SourceText): number | undefined {
  const token = (seq as { srcToken?: { type: string; items?: { start: { type: string; offset: number }[] }[] } }).srcToken;
  const cstItem = token?.type === 'block-seq' ? token.items?.[index] : undefined;
  const dash = cstItem?.start.find((t) => t.type === 'seq-item-ind');
  if (dash) return dash.offset;
  const item = seq.items[index] as Node | null;
  if (!item?.range) return undefined;
  let i = nodeStart(item, source);
  const text = source.text;
  while (i > 0 && (text[i - 1] === ' ' || text[i - 1] === '\t' || text[i - 1] === '\n' || text[i - 1] === '\r')) i--;
  return text[i - 1] === '-' ? i - 1 : undefined;
}

/** Anchors and aliases of one document, indexed once with an iterative, bounded walk. */
export class AnchorIndex {
  private readonly anchors = new Map<string, { offset: number; node: Node }[]>();
  readonly aliases: Alias[] = [];
  /** Set when the walk stopped at the node budget. */
  truncated = false;

  constructor(root: Node | null | undefined) {
    if (!root) return;
    const stack: unknown[] = [root];
    let visited = 0;
    while (stack.length > 0) {
      if (++visited > LIMITS.walkNodes) {
        this.truncated = true;
        break;
      }
      const item = stack.pop();
      if (!item || typeof item !== 'object') continue;
      if (isPair(item)) {
        stack.push(item.value, item.key);
        continue;
      }
      const node = item as Node;
      if (isAlias(node)) {
        this.aliases.push(node);
        continue;
      }
      if (node.anchor && node.range) {
        let list = this.anchors.get(node.anchor);
        if (!list) this.anchors.set(node.anchor, (list = []));
        list.push({ offset: node.range[0], node });
      }
      if (isMap(node) || isSeq(node)) {
        const items = node.items as unknown[];
        for (let i = items.length - 1; i >= 0; i--) stack.push(items[i]);
      }
    }
    for (const list of this.anchors.values()) list.sort((a, b) => a.offset - b.offset);
  }

  /** The node an alias refers to: the last anchor of that name defined before it. */
  resolve(alias: Alias): Node | undefined {
    const list = this.anchors.get(alias.source);
    if (!list) return undefined;
    const at = alias.range ? alias.range[0] : Number.MAX_SAFE_INTEGER;
    let found: Node | undefined;
    for (const entry of list) {
      if (entry.offset < at) found = entry.node;
      else break;
    }
    return found;
  }

  /** Whether deleting `node` would leave an alias elsewhere without its anchor. */
  hasReferencedAnchor(node: Node | null | undefined): boolean {
    if (!node || !node.range) return false;
    const [start, end] = [node.range[0], node.range[2]];
    const names = new Set<string>();
    for (const [name, list] of this.anchors) {
      if (list.some((entry) => entry.offset >= start && entry.offset < end)) names.add(name);
    }
    if (node.anchor) names.add(node.anchor);
    if (names.size === 0) return false;
    return this.aliases.some((alias) => names.has(alias.source) && !(alias.range && alias.range[0] >= start && alias.range[0] < end));
  }
}

export interface ResolveProblem {
  message: string;
  node: Node;
}

/** Follows aliases and `<<` merge keys of one document within the budget. */
export class Resolver {
  readonly anchors: AnchorIndex;
  private readonly source: SourceText;
  private readonly cache = new Map<YAMLMap, MapEntry[]>();
  private readonly inProgress = new Set<YAMLMap>();
  private budget = LIMITS.mergeEntries;
  readonly problems: ResolveProblem[] = [];
  private budgetReported = false;

  constructor(root: Node | null | undefined, source: SourceText) {
    this.anchors = new AnchorIndex(root);
    this.source = source;
  }

  /** The node with an alias followed (undefined when the anchor is unknown). */
  deref(node: Node | null | undefined): Node | null {
    if (!node) return null;
    if (isAlias(node)) return this.anchors.resolve(node) ?? null;
    return node;
  }

  /** Resolved view of a mapping; `via` is prepended to every entry (how the caller reached it). */
  view(map: YAMLMap, via: ViaStep[] = []): MapView {
    const entries = this.entriesOf(map, 0);
    return new MapView(map, via.length === 0 ? entries : entries.map((e) => ({ ...e, via: via.concat(e.via) })));
  }

  /** The view of a value if it is (or aliases) a mapping. */
  viewOfValue(value: Node | null | undefined, via: ViaStep[] = []): MapView | undefined {
    const target = this.deref(value);
    if (!isMap(target)) return undefined;
    return this.view(target, isAlias(value) ? via.concat(this.aliasStep(value)) : via);
  }

  aliasStep(alias: Alias): ViaStep {
    return { kind: 'alias', node: alias, range: this.source.rangeOf(alias.range![0], alias.range![1]) };
  }

  private entriesOf(map: YAMLMap, depth: number): MapEntry[] {
    const cached = this.cache.get(map);
    if (cached) return cached;
    if (this.inProgress.has(map)) {
      this.problems.push({ message: 'This merge key refers to a mapping that contains it (a cycle); it is ignored.', node: map });
      return [];
    }
    if (depth > LIMITS.mergeDepth) {
      this.problems.push({ message: `Merge keys are nested more than ${LIMITS.mergeDepth} deep; deeper ones are ignored.`, node: map });
      return [];
    }
    this.inProgress.add(map);
    const entries: MapEntry[] = [];
    const seen = new Set<string>();
    const merges: Pair<unknown, unknown>[] = [];
    for (const pair of map.items as Pair<unknown, unknown>[]) {
      const key = keyString(pair);
      if (key === undefined) continue;
      if (isMergeKey(pair)) {
        merges.push(pair);
        continue;
      }
      if (seen.has(key)) continue;
      seen.add(key);
      const rawValue = (pair.value ?? null) as Node | null;
      entries.push({ key, keyNode: pair.key as Scalar, pair, map, rawValue, value: this.deref(rawValue), via: [] });
    }
    for (const pair of merges) {
      if (this.budget <= 0) break;
      const stepRange = this.source.rangeOf((pair.key as Node).range![0], contentEnd(pair.value as Node, this.source));
      const step: ViaStep = { kind: 'merge', node: pair.key as Node, range: stepRange };
      for (const sourceNode of this.mergeSources(pair.value as Node | null)) {
        const target = this.deref(sourceNode);
        if (!isMap(target)) {
          if (sourceNode) this.problems.push({ message: 'A merge key (`<<`) must refer to a mapping or a list of mappings.', node: sourceNode });
          continue;
        }
        for (const inner of this.entriesOf(target, depth + 1)) {
          if (seen.has(inner.key)) continue;
          if (--this.budget < 0) {
            this.reportBudget(pair.key as Node);
            break;
          }
          seen.add(inner.key);
          entries.push({ ...inner, via: [step].concat(inner.via) });
        }
      }
    }
    this.inProgress.delete(map);
    this.cache.set(map, entries);
    return entries;
  }

  private mergeSources(value: Node | null): (Node | null)[] {
    if (!value) return [];
    if (isSeq(value)) return value.items as (Node | null)[];
    return [value];
  }

  private reportBudget(node: Node): void {
    if (this.budgetReported) return;
    this.budgetReported = true;
    this.problems.push({ message: 'Too many merged keys (possible alias bomb); the rest of the merge keys were not analyzed.', node });
  }
}
