// Shared by absence rules ("hardening is missing"): where a service gets a new key.
import type { TextEdit } from 'vscode-languageserver-types';
import { isAlias } from 'yaml';
import type { ComposeModel, ComposeService, MapEntry } from './model';
import { insertPair, type NewValue } from './edits';
import { isMergeKey, type Node, type Pair, type ViaStep } from './yaml-ast';

/**
 * Inserts `key: value` into the service's own mapping: right after its last `<<` merge key when it has
 * one (catalogue §4.7: "next to `<<:`"), else after its last key. Undefined when the service has no
 * mapping of its own (its value is an alias), so there is nowhere to write only for it.
 */
export function insertIntoService(model: ComposeModel, service: ComposeService, key: string, value: NewValue): TextEdit | undefined {
  const own = service.ownMap;
  if (!own) return undefined;
  const merges = (own.items as Pair<unknown, unknown>[]).filter(isMergeKey);
  return insertPair(model.source, model.style, own, key, value, { after: merges[merges.length - 1] });
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
