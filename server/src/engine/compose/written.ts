// Presence findings are reported where a value is *written* (catalogue §4.7): a value inside an anchor
// gives one finding there, with related information to the merge key or alias of every service that
// receives it. These helpers group per-service hits by the written node.
import type { RelatedInfo } from '../types';
import type { ComposeService } from './model';
import type { Node, ViaStep } from './yaml-ast';

export interface Hit<T> {
  /** Where the offending value is written. */
  node: Node;
  service: ComposeService;
  /** How the value reached the service (empty: written in the service itself). */
  via: ViaStep[];
  data: T;
}

export interface WrittenGroup<T> {
  node: Node;
  /** Every service that receives the written value, in file order. */
  hits: Hit<T>[];
  /** The first hit's data (the same written node gives the same data). */
  data: T;
}

/** Groups hits by written node, ordered by position in the file. */
export function groupByWritten<T>(hits: Hit<T>[]): WrittenGroup<T>[] {
  const groups = new Map<Node, WrittenGroup<T>>();
  for (const hit of hits) {
    let group = groups.get(hit.node);
    if (!group) groups.set(hit.node, (group = { node: hit.node, hits: [], data: hit.data }));
    if (!group.hits.some((h) => h.service === hit.service)) group.hits.push(hit);
  }
  return [...groups.values()].sort((a, b) => (a.node.range?.[0] ?? 0) - (b.node.range?.[0] ?? 0));
}

/** Related information: the merge key or alias through which each receiving service gets the value. */
export function receiversInfo<T>(group: WrittenGroup<T>): RelatedInfo[] | undefined {
  const related: RelatedInfo[] = [];
  for (const hit of group.hits) {
    const step = hit.via[0];
    if (!step) continue;
    const how = step.kind === 'merge' ? 'this merge key' : 'this alias';
    related.push({ range: step.range, message: `Service "${hit.service.name}" receives the value through ${how}.` });
  }
  return related.length > 0 ? related : undefined;
}

/** Whether any receiving service gets the value through a merge key or alias (it is written in an anchor). */
export function isShared<T>(group: WrittenGroup<T>): boolean {
  return group.hits.some((hit) => hit.via.length > 0);
}

/** `service "web"` / `services "web", "api"`. */
export function serviceNames<T>(group: WrittenGroup<T>): string {
  const names = group.hits.map((hit) => `"${hit.service.name}"`);
  return `${names.length === 1 ? 'service' : 'services'} ${names.join(', ')}`;
}
