// Shared by presence rules ("a dangerous value is written"): hits for one service-level scalar key
// whose interpolated value matches, and the usual fixes on such a key (catalogue §4.7, §4.8).
import type { ComposeModel, MapEntry, ScalarInfo } from './model';
import { deletePair, insertPair } from './edits';
import { UNKNOWN } from './interpolate';
import { isShared, type Hit, type WrittenGroup } from './written';
import type { Fix } from '../types';

export interface ValueHit {
  entry: MapEntry;
  scalar: ScalarInfo;
  /** Set when the value is entirely an unknown variable that could match; the variables then. */
  variables?: string[];
}

export interface ValueHitOptions {
  /**
   * Report a value that is entirely one unknown variable (`pid: ${PID}`) as a possible match, as
   * CG-C040 does for the high-impact keys of catalogue §4.8. A variable next to literal text
   * (`service:${DB}`) can never match a fixed word and is not reported.
   */
  unknownMayMatch?: boolean;
  /**
   * Also judge a value that is only partly unknown: `matches` gets the text with each unresolved
   * reference as `UNKNOWN` and decides whether it matches whatever the variables hold.
   */
  judgePartlyUnknown?: boolean;
}

/**
 * One hit per service whose resolved `key` is a scalar that `matches` after interpolation (defaults
 * substituted, the value trimmed). The hit's node is the value where it is written (inside an anchor
 * when it comes from one), so `groupByWritten` gives one finding per written value.
 */
export function scalarKeyHits(
  model: ComposeModel,
  key: string,
  matches: (value: string) => boolean,
  options: ValueHitOptions = {},
): Hit<ValueHit>[] {
  const hits: Hit<ValueHit>[] = [];
  for (const service of model.services) {
    const entry = service.view?.get(key);
    if (!entry?.value) continue;
    const scalar = model.scalar(entry.value);
    if (!scalar || scalar.isNull) continue;
    const { interpolated } = scalar;
    if (interpolated.known) {
      if (matches(interpolated.value!.trim())) hits.push({ node: entry.value, service, via: entry.via, data: { entry, scalar } });
    } else if (options.unknownMayMatch && interpolated.hasVariables && interpolated.text.trim() === UNKNOWN) {
      hits.push({ node: entry.value, service, via: entry.via, data: { entry, scalar, variables: interpolated.variables } });
    } else if (options.judgePartlyUnknown && interpolated.text.trim() !== UNKNOWN && matches(interpolated.text.trim())) {
      hits.push({ node: entry.value, service, via: entry.via, data: { entry, scalar } });
    }
  }
  return hits;
}

/** `host` in any letter case, as CG-C040 reads `network_mode`. */
export function isHostValue(value: string): boolean {
  return value.toLowerCase() === 'host';
}

/** `${A}, ${B}` for messages. */
export function variableList(variables: string[]): string {
  return variables.map((v) => `\${${v}}`).join(', ');
}

/**
 * Fixes for a written `key: value` pair: delete it (in the anchor when shared, with the number of
 * services it affects), and for every service that receives it through `<<:` a "only in <service>"
 * override `key: !reset null` on the line after that merge key (compose-go `loader/reset.go` removes
 * the key). Neither is preferred: the service may depend on the setting.
 */
export function removeKeyFixes(model: ComposeModel, group: WrittenGroup<ValueHit>, key: string, what: string): Fix[] {
  const { entry } = group.data;
  const fixes: Fix[] = [];
  const removal = model.hasReferencedAnchor(entry.pair.value as never) ? undefined : deletePair(model.source, entry.map, entry.pair);
  if (removal) {
    const n = group.hits.length;
    fixes.push({
      title: isShared(group) ? `Remove "${key}" in the anchor (affects ${n} service${n === 1 ? '' : 's'})` : `Remove "${what}"`,
      edits: [removal],
      isPreferred: false,
    });
  }
  for (const hit of group.hits) {
    const step = hit.via[0];
    const own = hit.service.ownMap;
    if (step?.kind !== 'merge' || !own) continue;
    const mergePair = own.items.find((pair) => pair.key === step.node);
    const edit = insertPair(model.source, model.style, own, key, { scalar: '!reset null' }, { after: mergePair as never });
    if (edit) fixes.push({ title: `Reset "${key}" only in service "${hit.service.name}"`, edits: [edit], isPreferred: false });
  }
  return fixes;
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "s" for a verb whose subject is one service ("shares"), "" for several. */
export function verbS(group: WrittenGroup<unknown>): string {
  return group.hits.length === 1 ? 's' : '';
}
