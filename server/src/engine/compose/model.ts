// The Compose file model: a `yaml` AST (never converted to JS), services with resolved mapping views
// (aliases and `<<` merge keys followed within a budget), scalars with their interpolated values, and
// what the generic engine needs (problems, statement starts for ignore comments).
import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { Document } from 'yaml';
import type { Range } from 'vscode-languageserver-types';
import { SourceText } from '../text';
import type { ModelBase, SyntaxProblem } from '../types';
import { detectStyle, type YamlStyle } from './edits';
import { booleanOf, interpolate, type Interpolated, type VariableLookup } from './interpolate';
import { parseYaml, reparse, type YamlParse } from './reparse';
import { LIMITS, MapView, Resolver, contentEnd, keyString, nodeStart, seqDashOffset } from './yaml-ast';
import type { MapEntry, Node, Pair, Scalar, ViaStep, YAMLMap, YAMLSeq } from './yaml-ast';

export { MapView };
export type { MapEntry, ViaStep, YamlStyle };

export const YAML_PROBLEM_SOURCE = 'container-guard-yaml';
/** At most this many YAML problems are reported per file (a final Info says how many were left out). */
export const MAX_PROBLEMS = 100;

/** A scalar with its string form, interpolated value and boolean reading. */
export interface ScalarInfo {
  node: Scalar;
  /** Strings as parsed; other scalars as written (`80`, `true`, `0o755`); '' for null. */
  text: string;
  /** `text` after Compose interpolation (unknown variables stay unknown; defaults are substituted). */
  interpolated: Interpolated;
  /** YAML booleans, or strings that read "true"/"false" (any case) after interpolation; else undefined. */
  boolean: boolean | undefined;
  isNull: boolean;
  /** `"` or `'` for quoted scalars, '' for plain ones, undefined for block scalars. */
  quote: '"' | "'" | '' | undefined;
  /** Whether the characters inside the quotes are exactly `text`, so offsets into `text` map to the file. */
  verbatim: boolean;
  /** Whether the scalar is a YAML number or boolean rather than a string. */
  nonString: boolean;
}

/** One item of a (resolved) sequence, with how it reached the service. */
export interface SequenceItem {
  /** The item with an alias followed. */
  node: Node | null;
  /** The item as written. */
  raw: Node | null;
  index: number;
  /** The sequence that physically contains the item. */
  seq: YAMLSeq;
  via: ViaStep[];
}

/** One place where a service is written: its key under `services:` in one YAML document of the file. */
export interface ServiceDefinition {
  /** Index of the YAML document. */
  document: number;
  keyNode: Scalar;
  keyRange: Range;
  /** The service's entry in that document's (resolved) `services` mapping. */
  entry: MapEntry;
  /** The mapping written under the service key itself; undefined when the value is an alias or not a mapping. */
  ownMap: YAMLMap | undefined;
  /** Resolved keys of this definition alone. */
  view: MapView | undefined;
}

/**
 * A service of the file. A service written in several YAML documents of one file (`---`) is one service,
 * merged as Compose merges files (catalogue §6.3): a later document's key replaces an earlier one's
 * (`!reset` removes it), and each key's entry still points to where that key is written. The key, entry
 * and own mapping are those of the first definition: findings about the service as a whole sit there.
 */
export interface ComposeService {
  name: string;
  /** Index of the YAML document of the first definition (usually 0). */
  document: number;
  keyNode: Scalar;
  keyRange: Range;
  /** The service's entry in the (resolved) `services` mapping. */
  entry: MapEntry;
  /** The service's mapping (alias followed); undefined when the value is not a mapping. */
  node: YAMLMap | undefined;
  /** The mapping written under the service key itself: where fixes for this service insert keys. */
  ownMap: YAMLMap | undefined;
  /** Resolved keys (own keys, then merged ones; then those of later documents); undefined when no definition is a mapping. */
  view: MapView | undefined;
  /** Every definition, in file order (one, unless the file has several documents that define the service). */
  definitions: ServiceDefinition[];
}

/** A named entry of a top-level section (`volumes`, `networks`, `secrets`, `configs`). */
export interface TopLevelItem {
  name: string;
  document: number;
  keyNode: Scalar;
  keyRange: Range;
  entry: MapEntry;
  view: MapView | undefined;
}

export interface ComposeDocument {
  index: number;
  doc: Document;
  /** Resolved top-level mapping; undefined when the document is not a mapping. */
  root: MapView | undefined;
  resolver: Resolver;
  /** Offsets covered by the document. */
  start: number;
  end: number;
}

export interface ComposeModel extends ModelBase {
  documents: ComposeDocument[];
  /** Every service of every document, `x-*` keys excluded, in file order; one per name (see `ComposeService`). */
  services: ComposeService[];
  /** Top-level `volumes:` entries. */
  volumes: TopLevelItem[];
  /** Entries of any top-level section (`networks`, `secrets`, `configs`, `volumes`). */
  topLevel(section: string): TopLevelItem[];
  /** Indentation habits of the file, for inserted text. */
  style: YamlStyle;
  /** The node with an alias followed (null for an unknown anchor). */
  deref(node: Node | null | undefined): Node | null;
  /** The resolved view of a value that is (or aliases) a mapping. */
  viewOf(value: Node | null | undefined, via?: ViaStep[]): MapView | undefined;
  /** The items of a value that is (or aliases) a sequence; items that are aliases are followed. */
  items(value: Node | null | undefined, via?: ViaStep[]): SequenceItem[];
  /** `items` of a mapping entry's value, with the entry's own path. */
  entryItems(entry: MapEntry): SequenceItem[];
  /** Scalar facts; undefined when the node (alias followed) is not a scalar. */
  scalar(node: Node | null | undefined): ScalarInfo | undefined;
  /** LSP range of a node's content (comments and trailing blanks excluded). */
  rangeOf(node: Node): Range;
  /** Whether deleting the node would orphan an alias that refers to an anchor inside it. */
  hasReferencedAnchor(node: Node | null | undefined): boolean;
  /**
   * The YAML tree of this version, handed over to the parse of the next version of the file (which
   * changes it in place: see reparse.ts). Undefined once taken: this model is then out of date.
   */
  takeParse(): YamlParse | undefined;
  /**
   * False once `takeParse` handed the tree to the next version: nodes may have moved since, so lazily
   * built fixes (lazy-fixes.ts) come out empty.
   */
  isCurrent(): boolean;
}

/**
 * Whether a service entry (its key and its value as written) ends before `offset`. For a key that
 * starts its line, the lines after the parsed value that are indented deeper than the key (comments
 * and blank lines aside) still belong to the service: a parse error there means its keys are not all
 * known (a badly indented key would read as missing).
 */
function endsBefore(item: MapEntry, offset: number, source: SourceText): boolean {
  const keyEnd = item.keyNode.range?.[1] ?? Number.POSITIVE_INFINITY;
  const value = item.rawValue as { range?: [number, number, number] } | null;
  const valueEnd = value?.range ? value.range[2] : keyEnd;
  if (Math.max(keyEnd, valueEnd) >= offset) return false;
  const keyStart = item.keyNode.range?.[0];
  if (keyStart === undefined) return true;
  const keyAt = source.positionAt(keyStart);
  if (source.lineText(keyAt.line).slice(0, keyAt.character).trim() !== '') return true;
  // The value's range may end after its line break, or in the indentation of the next key: a line is
  // the value's own only when it has more than blanks before that end.
  const end = Math.max(keyEnd, valueEnd);
  let first = source.positionAt(end).line;
  if (source.text.slice(source.lineStarts[first], end).trim() !== '') first++;
  for (let line = first; line < source.lineCount; line++) {
    const text = source.lineText(line);
    if (/^[ \t]*(#.*)?$/s.test(text)) continue;
    if (/^[ \t]*/.exec(text)![0].length <= keyAt.character) return source.lineStarts[line] <= offset;
    if (source.lineStarts[line] + text.length >= offset) return false;
  }
  return true;
}

export interface ComposeParseOptions {
  /**
   * Known values of variables for interpolation (the project's `.env`, see compose/dotenv.ts); without
   * it every variable is unknown and only defaults are substituted.
   */
  variables?: VariableLookup;
  /** The model of an earlier version of the same file, while it is edited: its YAML tree is taken over. */
  previous?: ComposeModel;
}

export function parseCompose(text: string, options: ComposeParseOptions = {}): ComposeModel {
  return new ComposeFile(text, options.variables, options.previous?.takeParse());
}

class ComposeFile implements ComposeModel {
  readonly source: SourceText;
  readonly problems: SyntaxProblem[] = [];
  readonly fileCommentLine = 0;
  readonly documents: ComposeDocument[] = [];
  readonly services: ComposeService[] = [];
  private readonly serviceByName = new Map<string, ComposeService>();
  readonly volumes: TopLevelItem[];
  readonly style: YamlStyle;
  private readonly sections = new Map<string, TopLevelItem[]>();
  private readonly scalars = new WeakMap<Scalar, ScalarInfo>();

  private readonly variables: VariableLookup | undefined;
  private parse: YamlParse | undefined;
  /** Set once the next version took the YAML tree (see takeParse). */
  private handedOver = false;

  constructor(text: string, variables?: VariableLookup, previous?: YamlParse) {
    this.variables = variables;
    this.source = new SourceText(text);
    let parsed: Document[] = [];
    const nesting = flowNesting(text);
    try {
      if (nesting.depth > LIMITS.flowDepth) {
        // The yaml parser recurses per nesting level and exhausts the stack (or memory) on input
        // such as `[[[[…` × 10 000; no real Compose file comes close, so such text is not parsed.
        const at = nesting.offset;
        this.problem(at, at + 1, `Flow collections nested deeper than ${LIMITS.flowDepth} levels: this file is not analyzed.`, 'error');
      } else {
        parsed = (previous && reparse(previous, text)) ?? parseYaml(text);
        this.parse = { text, documents: parsed };
      }
    } catch (error) {
      this.problem(0, 0, `The YAML parser failed: ${(error as Error)?.message ?? error}`, 'error');
    }
    let previousEnd = 0;
    parsed.forEach((doc, index) => {
      const contents = doc.contents as Node | null;
      const range = (doc as unknown as { range?: [number, number, number] }).range;
      const start = range ? range[0] : previousEnd;
      const end = range ? range[2] : text.length;
      previousEnd = end;
      const resolver = new Resolver(contents, this.source);
      const root = isMap(contents) ? resolver.view(contents) : undefined;
      const document: ComposeDocument = { index, doc, root, resolver, start, end };
      this.documents.push(document);
      this.collectProblems(document);
      if (root) this.collectServices(document, root);
    });
    for (const document of this.documents) {
      for (const p of document.resolver.problems) {
        const r = p.node.range;
        if (r) this.problem(r[0], contentEnd(p.node, this.source), p.message, 'warning');
      }
    }
    this.capProblems();
    this.style = detectStyle(this.documents[0]?.doc.contents as Node | null, this.source);
    this.volumes = this.topLevel('volumes');
  }

  takeParse(): YamlParse | undefined {
    const parse = this.parse;
    this.parse = undefined;
    this.handedOver = true;
    return parse;
  }

  isCurrent(): boolean {
    return !this.handedOver;
  }

  // ---- problems -------------------------------------------------------------------------------

  private problem(start: number, end: number, message: string, severity: SyntaxProblem['severity']): void {
    this.problems.push({ source: YAML_PROBLEM_SOURCE, message, range: this.source.rangeOf(start, Math.max(start, end)), severity });
  }

  private collectProblems(document: ComposeDocument): void {
    const { doc, resolver } = document;
    for (const error of doc.errors) {
      const [start, end] = error.pos ?? [0, 0];
      this.problem(start, end, firstLine(error.message), 'error');
    }
    for (const warning of doc.warnings) {
      // `!reset` and `!override` are Compose tags (compose-go loader/reset.go), not mistakes.
      if (warning.code === 'TAG_RESOLVE_FAILED' && /!(reset|override)\b/.test(warning.message)) continue;
      const [start, end] = warning.pos ?? [0, 0];
      this.problem(start, end, firstLine(warning.message), 'warning');
    }
    for (const alias of resolver.anchors.aliases) {
      if (alias.range && !resolver.anchors.resolve(alias)) {
        this.problem(alias.range[0], alias.range[1], `Unknown anchor "${alias.source}": no "&${alias.source}" is defined before this alias.`, 'error');
      }
    }
    if (resolver.anchors.truncated) {
      this.problem(document.start, document.start, 'This document is too large to index completely; some aliases were not analyzed.', 'warning');
    }
  }

  private capProblems(): void {
    if (this.problems.length <= MAX_PROBLEMS) return;
    const left = this.problems.length - MAX_PROBLEMS;
    this.problems.length = MAX_PROBLEMS;
    const last = this.problems[MAX_PROBLEMS - 1].range;
    this.problems.push({ source: YAML_PROBLEM_SOURCE, message: `${left} more YAML problems are not shown.`, range: last, severity: 'info' });
  }

  // ---- services and sections ----------------------------------------------------------------

  private collectServices(document: ComposeDocument, root: MapView): void {
    const entry = root.get('services');
    if (!entry) return;
    const services = this.viewOf(entry.rawValue, entry.via);
    if (!services) return;
    // Broken YAML: the parser's recovered tree after the first error is a guess (an unclosed quote or
    // brace swallows the keys that follow, a bad indent turns a key into a service). Only services that
    // end before the first error are analyzed; the error itself is reported, and nothing is invented.
    const firstError = Math.min(...document.doc.errors.map((error) => error.pos?.[0] ?? 0), Number.POSITIVE_INFINITY);
    for (const item of services.entries) {
      if (item.key.startsWith('x-')) continue;
      if (firstError !== Number.POSITIVE_INFINITY && !endsBefore(item, firstError, this.source)) continue;
      const definition: ServiceDefinition = {
        document: document.index,
        keyNode: item.keyNode,
        keyRange: this.rangeOf(item.keyNode),
        entry: item,
        ownMap: item.via.length === 0 && isMap(item.rawValue) ? item.rawValue : undefined,
        view: this.viewOf(item.rawValue, item.via),
      };
      const existing = this.serviceByName.get(item.key);
      if (existing) {
        existing.definitions.push(definition);
        existing.view = mergeViews(existing.view, definition.view);
        existing.node = existing.view?.node;
        existing.ownMap ??= definition.ownMap;
        continue;
      }
      const { view } = definition;
      const service: ComposeService = { name: item.key, ...definition, node: view?.node, view, definitions: [definition] };
      this.services.push(service);
      this.serviceByName.set(item.key, service);
    }
  }

  topLevel(section: string): TopLevelItem[] {
    const cached = this.sections.get(section);
    if (cached) return cached;
    const result: TopLevelItem[] = [];
    for (const document of this.documents) {
      const entry = document.root?.get(section);
      const view = entry ? this.viewOf(entry.rawValue, entry.via) : undefined;
      if (!view) continue;
      for (const item of view.entries) {
        if (item.key.startsWith('x-')) continue;
        result.push({
          name: item.key,
          document: document.index,
          keyNode: item.keyNode,
          keyRange: this.rangeOf(item.keyNode),
          entry: item,
          view: this.viewOf(item.rawValue, item.via),
        });
      }
    }
    this.sections.set(section, result);
    return result;
  }

  // ---- node helpers ---------------------------------------------------------------------------

  private resolverFor(node: Node | null | undefined): Resolver | undefined {
    if (this.documents.length === 1) return this.documents[0].resolver;
    const offset = node?.range?.[0];
    if (offset === undefined) return this.documents[0]?.resolver;
    return (this.documents.find((d) => offset >= d.start && offset < d.end) ?? this.documents[this.documents.length - 1])?.resolver;
  }

  deref(node: Node | null | undefined): Node | null {
    if (!node) return null;
    if (!isAlias(node)) return node;
    return this.resolverFor(node)?.deref(node) ?? null;
  }

  viewOf(value: Node | null | undefined, via: ViaStep[] = []): MapView | undefined {
    return value ? this.resolverFor(value)?.viewOfValue(value, via) : undefined;
  }

  items(value: Node | null | undefined, via: ViaStep[] = []): SequenceItem[] {
    if (!value) return [];
    const resolver = this.resolverFor(value);
    if (!resolver) return [];
    let path = via;
    let seq: Node | null = value;
    if (isAlias(value)) {
      seq = resolver.deref(value);
      path = via.concat(resolver.aliasStep(value));
    }
    if (!isSeq(seq)) return [];
    const result: SequenceItem[] = [];
    (seq.items as (Node | null)[]).forEach((raw, index) => {
      if (isAlias(raw)) {
        result.push({ node: resolver.deref(raw), raw, index, seq: seq as YAMLSeq, via: path.concat(resolver.aliasStep(raw)) });
      } else {
        result.push({ node: raw, raw, index, seq: seq as YAMLSeq, via: path });
      }
    });
    return result;
  }

  entryItems(entry: MapEntry): SequenceItem[] {
    return this.items(entry.rawValue, entry.via);
  }

  scalar(node: Node | null | undefined): ScalarInfo | undefined {
    const target = this.deref(node);
    if (!isScalar(target)) return undefined;
    const cached = this.scalars.get(target);
    if (cached) return cached;
    const info = this.describeScalar(target);
    this.scalars.set(target, info);
    return info;
  }

  private describeScalar(node: Scalar): ScalarInfo {
    const value = node.value;
    const range = node.range;
    const written = range ? this.source.text.slice(range[0], range[1]) : '';
    const isNull = value === null || value === undefined;
    const nonString = typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint';
    let text: string;
    if (typeof value === 'string') text = value;
    else if (isNull) text = '';
    else if (node.type === 'PLAIN' && written) text = written;
    else text = String(value);
    const quote = node.type === 'QUOTE_DOUBLE' ? '"' : node.type === 'QUOTE_SINGLE' ? "'" : node.type === 'PLAIN' ? '' : undefined;
    let verbatim = false;
    if (quote === '' && range) verbatim = written === text;
    else if (quote && range) {
      const end = contentEnd(node, this.source);
      verbatim = this.source.text.slice(range[0] + 1, end - 1) === text && !text.includes('\n');
    }
    const interpolated = interpolate(text, this.variables);
    let boolean: boolean | undefined;
    if (typeof value === 'boolean') boolean = value;
    else if (typeof value === 'string' && interpolated.known) boolean = booleanOf(interpolated.value!);
    return { node, text, interpolated, boolean, isNull, quote, verbatim, nonString };
  }

  rangeOf(node: Node): Range {
    const start = node.range ? node.range[0] : 0;
    return this.source.rangeOf(start, Math.max(start, contentEnd(node, this.source)));
  }

  hasReferencedAnchor(node: Node | null | undefined): boolean {
    return this.resolverFor(node)?.anchors.hasReferencedAnchor(node) ?? false;
  }

  // ---- ignore-comment placement -----------------------------------------------------------------

  /** First line of the innermost block-style entry (`key: value` pair or `- item`) containing `line`. */
  statementStart(line: number): number {
    if (line < 0 || line >= this.source.lineCount) return Math.max(0, Math.min(line, this.source.lineCount - 1));
    const offset = this.source.lineStarts[line];
    const document = this.documents.find((d) => offset >= d.start && offset < d.end) ?? this.documents[this.documents.length - 1];
    let node = document?.doc.contents as Node | null;
    let best = line;
    for (let depth = 0; node && depth < LIMITS.descendDepth; depth++) {
      let next: Node | null = null;
      // Entries are in document order: binary-search the last one starting at or before `line`
      // (a linear scan per finding made large files quadratic).
      if (isMap(node) && !node.flow) {
        const pairs = node.items as Pair<unknown, unknown>[];
        const index = lastStartingAtOrBefore(pairs.length, line, (i) => {
          const key = pairs[i].key as Node | null;
          return key?.range ? this.lineAt(nodeStart(key, this.source)) : undefined;
        });
        const pair = index >= 0 ? pairs[index] : undefined;
        const key = pair?.key as Node | null | undefined;
        if (pair && key?.range) {
          const first = this.lineAt(nodeStart(key, this.source));
          const value = pair.value as Node | null;
          const last = this.lineAt(value?.range ? Math.max(contentEnd(value, this.source), key.range[1]) : key.range[1]);
          if (first <= line && line <= last) {
            best = first;
            next = value;
          }
        }
      } else if (isSeq(node) && !node.flow) {
        const seq = node;
        const items = seq.items as (Node | null)[];
        const dashLine = (i: number) => {
          const dash = seqDashOffset(seq, i, this.source);
          return dash === undefined ? undefined : this.lineAt(dash);
        };
        const index = lastStartingAtOrBefore(items.length, line, dashLine);
        const dash = index >= 0 ? seqDashOffset(seq, index, this.source) : undefined;
        if (dash !== undefined) {
          const item = items[index];
          const first = this.lineAt(dash);
          const last = this.lineAt(item?.range ? Math.max(dash, contentEnd(item, this.source)) : dash);
          if (first <= line && line <= last) {
            best = first;
            next = item;
          }
        }
      }
      node = next;
    }
    return best;
  }

  private lineAt(offset: number): number {
    return this.source.positionAt(offset).line;
  }
}

/**
 * The view of a service written again in a later document: the later definition's keys replace the
 * earlier ones (a `!reset` value removes the key), new keys come after. Keys are replaced whole, lists and
 * mappings included: Compose would merge `environment` or append `ports`, a refinement left for later.
 */
function mergeViews(earlier: MapView | undefined, later: MapView | undefined): MapView | undefined {
  if (!later) return earlier;
  if (!earlier) return later;
  const entries = earlier.entries.filter((entry) => !later.has(entry.key));
  for (const entry of later.entries) if ((entry.rawValue as { tag?: string } | null)?.tag !== '!reset') entries.push(entry);
  return new MapView(earlier.node, entries);
}

function firstLine(message: string): string {
  const line = message.split(/\r?\n/)[0];
  return line.replace(/ at line \d+, column \d+:?$/, '');
}

export { keyString };

/**
 * Index of the last of `count` ordered entries whose start line is at or before `line` (-1: none).
 * Entries without a position (`undefined`) are skipped towards lower indexes.
 */
function lastStartingAtOrBefore(count: number, line: number, startLine: (index: number) => number | undefined): number {
  let low = 0;
  let high = count - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    let probe = mid;
    let start = startLine(probe);
    while (start === undefined && probe > low) start = startLine(--probe);
    if (start === undefined || start > line) {
      high = mid - 1;
    } else {
      found = probe;
      low = mid + 1;
    }
  }
  return found;
}

/**
 * The deepest nesting of flow collections (`[`, `{`) and where it is first reached, skipping quoted
 * scalars and comments. Cheap and approximate; it only guards the parser against pathological text.
 */
function flowNesting(text: string): { depth: number; offset: number } {
  let depth = 0;
  let deepest = 0;
  let offset = 0;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = '';
      else if (ch === '\\' && quote === '"') i++;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (ch === '[' || ch === '{') {
      if (++depth > deepest) {
        deepest = depth;
        offset = i;
      }
    } else if ((ch === ']' || ch === '}') && depth > 0) depth--;
  }
  return { depth: deepest, offset };
}
