// Compose's merge of several files (catalogue §4.9, compose-spec "Merge", compose-go `override/merge.go`
// and `override/uncity.go`), on a small value tree that remembers which file wrote each value.
//
// * mappings merge key by key; scalars are replaced;
// * sequences are appended, except the "unique resources": `volumes`, `secrets`, `configs` and `devices`
//   merge by target, `ports` by their whole spec, and `cap_add`, `cap_drop`, `dns`, `expose`,
//   `profiles`, `security_opt`, `tmpfs` … by value (a value written twice is kept once);
// * `environment`, `labels`, `sysctls`, `extra_hosts`, `build.args` … (list or mapping) merge by name;
// * `command`, `entrypoint` and `healthcheck.test` are replaced; `logging` options merge only when
//   both files use the same driver; `build: ./dir` is `build: {context: ./dir}`;
// * `!reset` removes the value (whatever the later file writes with it), `!override` replaces it whole.
import { isMap, isScalar, isSeq } from 'yaml';
import type { ComposeModel } from './model';
import type { Node } from './yaml-ast';
import { parseShortVolume } from './volumes';

export type ScalarValue = string | number | boolean | null;

/** A value of the merged tree and the file that wrote it (absolute path). */
export type MergeNode =
  | { kind: 'map'; entries: Map<string, MergeNode>; file: string; tag?: MergeTag }
  | { kind: 'seq'; items: MergeNode[]; file: string; tag?: MergeTag }
  | { kind: 'scalar'; value: ScalarValue; file: string; tag?: MergeTag };

export type MergeTag = 'reset' | 'override';
export type MapNode = Extract<MergeNode, { kind: 'map' }>;

/** Nodes converted per project (alias bombs and huge files stay cheap). */
export interface Budget {
  left: number;
  exhausted: boolean;
}

export function newBudget(nodes = 200_000): Budget {
  return { left: nodes, exhausted: false };
}

function tagOf(node: Node | null | undefined): MergeTag | undefined {
  const tag = (node as { tag?: string } | null | undefined)?.tag;
  return tag === '!reset' ? 'reset' : tag === '!override' ? 'override' : undefined;
}

/** The value tree of a YAML node of `model` (aliases and `<<` merge keys resolved), written in `file`. */
export function fromYaml(model: ComposeModel, raw: Node | null | undefined, file: string, budget: Budget): MergeNode {
  const tag = tagOf(raw) ?? tagOf(model.deref(raw));
  if (--budget.left < 0) {
    budget.exhausted = true;
    return { kind: 'scalar', value: null, file, tag };
  }
  const node = model.deref(raw);
  if (isMap(node)) {
    const entries = new Map<string, MergeNode>();
    for (const entry of model.viewOf(raw)?.entries ?? []) entries.set(entry.key, fromYaml(model, entry.rawValue, file, budget));
    return { kind: 'map', entries, file, tag };
  }
  if (isSeq(node)) return { kind: 'seq', items: model.items(raw).map((item) => fromYaml(model, item.raw, file, budget)), file, tag };
  if (isScalar(node)) {
    const value = node.value;
    const scalar: ScalarValue = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : value === null || value === undefined ? null : String(value);
    return { kind: 'scalar', value: scalar, file, tag };
  }
  return { kind: 'scalar', value: null, file, tag };
}

/** The node without tags: `!reset` children are dropped (nothing to reset), `!override` is a plain value. */
export function settle(node: MergeNode): MergeNode | undefined {
  if (node.tag === 'reset') return undefined;
  if (node.kind === 'map') {
    const entries = new Map<string, MergeNode>();
    for (const [key, value] of node.entries) {
      const settled = settle(value);
      if (settled) entries.set(key, settled);
    }
    return { kind: 'map', entries, file: node.file };
  }
  if (node.kind === 'seq') return { kind: 'seq', items: node.items.map(settle).filter((item): item is MergeNode => item !== undefined), file: node.file };
  return { kind: 'scalar', value: node.value, file: node.file };
}

/** Replaced whole by a later file. */
const REPLACED = new Set(['command', 'entrypoint', 'healthcheck.test']);
/** Lists of `NAME=value` or mappings: merged by name. */
const BY_NAME = new Set([
  'environment', 'labels', 'annotations', 'sysctls', 'extra_hosts', 'build.args', 'build.labels', 'build.extra_hosts', 'build.additional_contexts',
  'deploy.labels',
]);
/** Lists whose items are kept once each. */
const UNIQUE = new Set(['cap_add', 'cap_drop', 'dns', 'dns_opt', 'dns_search', 'expose', 'profiles', 'security_opt', 'tmpfs', 'group_add', 'links', 'external_links', 'env_file', 'build.tags', 'build.platforms']);
/** Lists or mappings of names (`networks: [a]` ≡ `networks: {a: null}`). */
const NAMES_OR_MAPPING = new Set(['networks', 'depends_on']);

/** The key under which an item of a unique-resource list merges (compose-go `uncity.go` indexers). */
const BY_TARGET: Record<string, (item: MergeNode) => string | undefined> = {
  volumes: (item) => (item.kind === 'scalar' ? parseShortVolume(String(item.value ?? '')).target : stringAt(item, 'target')),
  devices: (item) => {
    if (item.kind !== 'scalar') return stringAt(item, 'target') ?? stringAt(item, 'source');
    const parts = String(item.value ?? '').split(':');
    return parts[1] ?? parts[0];
  },
  secrets: (item) => (item.kind === 'scalar' ? `/run/secrets/${item.value}` : stringAt(item, 'target') ?? `/run/secrets/${stringAt(item, 'source')}`),
  configs: (item) => (item.kind === 'scalar' ? `/${item.value}` : stringAt(item, 'target') ?? `/${stringAt(item, 'source')}`),
  ports: fingerprint,
};

/** A text that is equal for equal values (mapping keys sorted). */
export function fingerprint(node: MergeNode): string {
  if (node.kind === 'scalar') return String(node.value);
  if (node.kind === 'seq') return `[${node.items.map(fingerprint).join(',')}]`;
  return `{${[...node.entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, value]) => `${key}:${fingerprint(value)}`).join(',')}}`;
}

export function stringAt(node: MergeNode | undefined, key: string): string | undefined {
  const value = node?.kind === 'map' ? node.entries.get(key) : undefined;
  return value?.kind === 'scalar' && value.value !== null ? String(value.value) : undefined;
}

/**
 * A later file's service (or top-level entry) merged over an earlier one, as Compose merges them.
 * `path` is the key path inside the service (`['deploy', 'resources']`); undefined when the result is
 * removed (`!reset`).
 */
export function mergeNodes(base: MergeNode | undefined, over: MergeNode, path: string[] = []): MergeNode | undefined {
  if (over.tag === 'reset') return undefined;
  if (over.tag === 'override' || base === undefined) return settle(over);
  const at = path.join('.');
  if (REPLACED.has(at)) return settle(over);
  if (at === 'build') return mergeMaps(buildMap(base), buildMap(over), path);
  if (at === 'logging' && base.kind === 'map' && over.kind === 'map') {
    const before = stringAt(base, 'driver');
    const after = stringAt(over, 'driver');
    if (before !== undefined && after !== undefined && before !== after) return settle(over);
  }
  if (path.length === 2 && path[0] === 'ulimits' && !(base.kind === 'map' && over.kind === 'map')) return settle(over);
  if (BY_NAME.has(at) || NAMES_OR_MAPPING.has(at)) {
    if (base.kind !== 'map' || over.kind !== 'map') {
      if (base.kind === 'seq' && over.kind === 'seq') return appendUnique(base, over, (item) => nameOf(item, NAMES_OR_MAPPING.has(at)));
      return mergeMaps(asMapping(base, NAMES_OR_MAPPING.has(at)), asMapping(over, NAMES_OR_MAPPING.has(at)), path);
    }
  }
  const byTarget = path.length === 1 ? BY_TARGET[at] : undefined;
  if (byTarget && base.kind === 'seq' && over.kind === 'seq') return appendUnique(base, over, byTarget);
  if (UNIQUE.has(at) && base.kind === 'seq' && over.kind === 'seq') return appendUnique(base, over, fingerprint);
  if (base.kind === 'map' && over.kind === 'map') return mergeMaps(base, over, path);
  if (base.kind === 'seq' && over.kind === 'seq') {
    const items = [...base.items, ...over.items.map(settle).filter((item): item is MergeNode => item !== undefined)];
    return { kind: 'seq', items, file: over.file };
  }
  return settle(over);
}

function mergeMaps(base: MergeNode, over: MergeNode, path: string[]): MergeNode {
  if (base.kind !== 'map' || over.kind !== 'map') return settle(over) ?? over;
  const entries = new Map(base.entries);
  for (const [key, value] of over.entries) {
    // Extension fields are replaced whole (compose-go), like scalars.
    const merged = key.startsWith('x-') ? settle(value) : mergeNodes(entries.get(key), value, path.concat(key));
    if (merged) entries.set(key, merged);
    else entries.delete(key);
  }
  return { kind: 'map', entries, file: over.file };
}

/** Items of `over` replace the item of `base` with the same key (at its place); others are appended. */
function appendUnique(base: MergeNode & { kind: 'seq' }, over: MergeNode & { kind: 'seq' }, keyOf: (item: MergeNode) => string | undefined): MergeNode {
  const items = [...base.items];
  const index = new Map<string, number>();
  items.forEach((item, i) => {
    const key = keyOf(item);
    if (key !== undefined && !index.has(key)) index.set(key, i);
  });
  for (const raw of over.items) {
    const item = settle(raw);
    if (!item) continue;
    const key = keyOf(item);
    const at = key === undefined ? undefined : index.get(key);
    if (at !== undefined) items[at] = item;
    else {
      if (key !== undefined) index.set(key, items.length);
      items.push(item);
    }
  }
  return { kind: 'seq', items, file: over.file };
}

/** `NAME=value` → NAME; a mapping item of a names list (`- name: x`) has no name. */
function nameOf(item: MergeNode, namesOnly: boolean): string | undefined {
  if (item.kind !== 'scalar' || item.value === null) return undefined;
  const text = String(item.value);
  return namesOnly ? text : text.split('=')[0];
}

/** A list of `NAME=value` (or of names) as a mapping; a mapping stays as it is. */
function asMapping(node: MergeNode, namesOnly: boolean): MergeNode {
  if (node.kind !== 'seq') return node;
  const entries = new Map<string, MergeNode>();
  for (const item of node.items) {
    const name = nameOf(item, namesOnly);
    if (name === undefined) continue;
    const text = String((item as { value: ScalarValue }).value);
    const equals = text.indexOf('=');
    const value: ScalarValue = namesOnly || equals < 0 ? null : text.slice(equals + 1);
    entries.set(name, { kind: 'scalar', value, file: item.file });
  }
  return { kind: 'map', entries, file: node.file, tag: node.tag };
}

/** `build: ./dir` as `build: {context: ./dir}`. */
function buildMap(node: MergeNode): MergeNode {
  if (node.kind !== 'scalar') return node;
  return { kind: 'map', entries: new Map([['context', { kind: 'scalar', value: node.value, file: node.file }]]), file: node.file, tag: node.tag };
}

/** Plain data for serialization (tags settled beforehand). */
export type Plain = ScalarValue | Plain[] | Map<string, Plain>;

export function plain(node: MergeNode): Plain {
  if (node.kind === 'map') return new Map([...node.entries].map(([key, value]) => [key, plain(value)]));
  if (node.kind === 'seq') return node.items.map(plain);
  return node.value;
}

/** Whether `file` wrote any part of the node. */
export function writtenBy(node: MergeNode | undefined, file: string, depth = 0): boolean {
  if (!node || depth > 64) return false;
  if (node.file === file && (node.kind === 'scalar' || (node.kind === 'map' ? node.entries.size : node.items.length) === 0)) return true;
  if (node.kind === 'map') return [...node.entries.values()].some((value) => writtenBy(value, file, depth + 1));
  if (node.kind === 'seq') return node.items.some((item) => writtenBy(item, file, depth + 1));
  return false;
}
