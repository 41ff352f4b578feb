// Shared by absence rules ("hardening is missing"): where a service gets a new key.
import type { TextEdit } from 'vscode-languageserver-types';
import type { Fix, RelatedInfo, RuleFinding } from '../types';
import { withLazyFixes } from '../lazy-fixes';
import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { ComposeModel, ComposeService, MapEntry } from './model';
import { fillEmptyTree, insertPairs, type NewTree, type NewValue } from './edits';
import { isMergeKey, type Node, type Pair, type ViaStep } from './yaml-ast';

/**
 * The finding of a measure a service lacks: on the service key, summarized per service (`absentIn`),
 * its fixes (which insert the measure) built when read while the file is edited (lazy-fixes.ts).
 */
export function missingMeasure(model: ComposeModel, service: ComposeService, message: string, fixes: () => Fix[], related?: RelatedInfo[]): RuleFinding {
  return withLazyFixes({ message, range: service.keyRange, ...(related ? { related } : {}), absentIn: service.name }, fixes, model);
}

/**
 * Inserts `key: value` into the service's own mapping (see `insertPairsIntoService` for where).
 * Undefined when the service has no mapping of its own (its value is an alias), so there is nowhere
 * to write only for it.
 */
export function insertIntoService(model: ComposeModel, service: ComposeService, key: string, value: NewValue): TextEdit | undefined {
  return insertPairsIntoService(model, service, [[key, value]]);
}

/** The `security_opt` item that CG-C023 (and CG-C022, when switched on) asks for. */
export const NO_NEW_PRIVILEGES = 'no-new-privileges:true';

/**
 * The fix for a service without `security_opt`: CG-C023 and CG-C022 offer the very same edit, so a
 * combined hardening (which drops identical edits) inserts the key once.
 */
export function addSecurityOptFixes(model: ComposeModel, service: ComposeService): Fix[] {
  const edit = insertIntoService(model, service, 'security_opt', { sequence: [NO_NEW_PRIVILEGES] });
  return edit ? [{ title: `Add "security_opt: [${NO_NEW_PRIVILEGES}]"`, edits: [edit], isPreferred: false }] : [];
}

/**
 * Where a present-but-weak setting is written: the key itself, or for `key: *alias` the anchored value
 * (so services sharing the alias get one finding there, with the alias as the receiving step).
 */
export function writtenList(model: ComposeModel, entry: MapEntry): { node: Node; via: ViaStep[] } {
  if (isAlias(entry.rawValue) && entry.value) {
    return { node: entry.value, via: entry.via.concat({ kind: 'alias', node: entry.rawValue, range: model.rangeOf(entry.rawValue) }) };
  }
  return { node: entry.keyNode, via: entry.via };
}

/**
 * Like `insertIntoService`, for several pairs (values may nest mappings) written as one block: after the
 * last `<<` merge key, else after the last key whose value is not a block collection, else above the
 * first key. The line after a block collection is where other fixes append to it (`- ALL` to a
 * `cap_drop` list, `host_ip` to a long-form port), so inserting there would make the result depend on
 * the order of fix-all's insertions; after a scalar, every order gives valid YAML.
 */
export function insertPairsIntoService(model: ComposeModel, service: ComposeService, pairs: [string, NewTree][]): TextEdit | undefined {
  const own = service.ownMap;
  if (!own) return undefined;
  const items = own.items as Pair<unknown, unknown>[];
  const merges = items.filter(isMergeKey);
  if (merges.length > 0) return insertPairs(model.source, model.style, own, pairs, { after: merges[merges.length - 1] });
  if (own.flow) return insertPairs(model.source, model.style, own, pairs);
  const safe = [...items].reverse().find((pair) => !isBlockCollection(pair.value as Node | null));
  return insertPairs(model.source, model.style, own, pairs, safe ? { after: safe } : { atStart: true });
}

function isBlockCollection(node: Node | null): boolean {
  return (isMap(node) || isSeq(node)) && !node.flow;
}

function isEmptyValue(node: Node | null): boolean {
  return node === null || (isScalar(node) && node.value === null && (!node.range || node.range[0] === node.range[1]) && !node.tag && !node.anchor);
}

/**
 * Inserts `pairs` at a nested `path` of the service's mapping (`['deploy', 'resources', 'limits']`), merging
 * into the mappings of the path that the service already writes itself and creating the rest
 * (`deploy:` present → `resources:⏎  limits:⏎    memory: 512M` inside it). Undefined when a mapping of
 * the path reaches the service through a merge key or an alias (a key of its own would replace the whole
 * shared mapping, merges being shallow), or when a step holds something other than a mapping.
 */
export function insertAtPathInService(model: ComposeModel, service: ComposeService, path: string[], pairs: [string, NewTree][]): TextEdit | undefined {
  if (!service.ownMap || !service.view || pairs.length === 0) return undefined;
  let view = service.view;
  for (let depth = 0; depth < path.length; depth++) {
    const entry = view.get(path[depth]);
    const rest = path.slice(depth + 1);
    const wrapped = rest.reduceRight<[string, NewTree][]>((inner, key) => [[key, { mapping: inner }]], pairs);
    if (!entry) {
      if (depth === 0) return insertPairsIntoService(model, service, [[path[0], { mapping: wrapped }]]);
      return insertPairs(model.source, model.style, view.node, [[path[depth], { mapping: wrapped }]], { atStart: true });
    }
    if (entry.via.length > 0 || isAlias(entry.rawValue)) return undefined;
    if (isEmptyValue(entry.rawValue)) return fillEmptyTree(model.source, entry.pair, { mapping: wrapped });
    if (!isMap(entry.rawValue)) return undefined;
    const next = model.viewOf(entry.rawValue);
    if (!next) return undefined;
    view = next;
  }
  if (view.node.items.length === 0 && !view.node.flow) return undefined;
  return insertPairs(model.source, model.style, view.node, pairs, { atStart: true });
}

/**
 * A partial override fragment: a service that names neither `image` nor `build` nor `extends` and
 * receives nothing through a merge key or an alias. Such a block (`web: { environment: … }` in
 * `compose.override.yaml`) only adds to a service defined elsewhere, so nothing can be said to be
 * *missing* from it (catalogue §6.1): it gets no absence finding, whatever `summarize` says.
 */
export function isOverrideFragment(service: ComposeService): boolean {
  const view = service.view;
  if (!view) return false;
  if (view.has('image') || view.has('build') || view.has('extends')) return false;
  return service.ownMap !== undefined && view.entries.every((entry) => entry.via.length === 0);
}
