// Shared by presence rules ("a dangerous value is written"): hits for one service-level scalar key
// whose interpolated value matches, and the usual fixes on such a key (catalogue §4.7, §4.8).
import type { ComposeModel, MapEntry, ScalarInfo } from './model';
import { deletePair, insertPair } from './edits';
import { UNKNOWN } from './interpolate';
import { isShared, serviceNames, type Hit, type WrittenGroup } from './written';
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
    const data = entry && valueHit(model, entry, matches, options);
    if (data) hits.push({ node: entry!.value!, service, via: entry!.via, data });
  }
  return hits;
}

/** Whether the scalar value of `entry` matches (see `scalarKeyHits`), with what a finding needs. */
function valueHit(model: ComposeModel, entry: MapEntry, matches: (value: string) => boolean, options: ValueHitOptions): ValueHit | undefined {
  if (!entry.value) return undefined;
  const scalar = model.scalar(entry.value);
  if (!scalar || scalar.isNull) return undefined;
  const { interpolated } = scalar;
  if (interpolated.known) return matches(interpolated.value!.trim()) ? { entry, scalar } : undefined;
  if (options.unknownMayMatch && interpolated.hasVariables && interpolated.text.trim() === UNKNOWN) {
    return { entry, scalar, variables: interpolated.variables };
  }
  if (options.judgePartlyUnknown && interpolated.text.trim() !== UNKNOWN && matches(interpolated.text.trim())) return { entry, scalar };
  return undefined;
}

/** Parts of a service that run with settings of their own: its build, and each lifecycle hook. */
export type ServicePart = 'build' | 'post_start' | 'pre_stop';

export interface PartValueHit extends ValueHit {
  part: ServicePart;
}

/**
 * Like `scalarKeyHits`, for `key` inside the parts of every service: the `build` mapping (`build.privileged`),
 * and each item of the `post_start` / `pre_stop` lifecycle hooks (`privileged`, `user`). The hit's node is
 * the value where it is written.
 */
export function partKeyHits(
  model: ComposeModel,
  parts: ServicePart[],
  key: string,
  matches: (value: string) => boolean,
  options: ValueHitOptions = {},
): Hit<PartValueHit>[] {
  const hits: Hit<PartValueHit>[] = [];
  for (const service of model.services) {
    for (const part of parts) {
      const entry = service.view?.get(part);
      if (!entry) continue;
      const views = part === 'build' ? [model.viewOf(entry.rawValue, entry.via)] : model.entryItems(entry).map((item) => model.viewOf(item.node, item.via));
      for (const view of views) {
        const inner = view?.get(key);
        const data = inner && valueHit(model, inner, matches, options);
        if (data) hits.push({ node: inner!.value!, service, via: inner!.via, data: { ...data, part } });
      }
    }
  }
  return hits;
}

/** `the build of service "web"` / `a post_start hook of services "a", "b"`, for messages. */
export function partOf(part: ServicePart, group: WrittenGroup<unknown>): string {
  return part === 'build' ? `the build of ${serviceNames(group)}` : `a ${part} hook of ${serviceNames(group)}`;
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
    // The merge key is in another definition of the service (another YAML document of the file).
    if (!mergePair) continue;
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
