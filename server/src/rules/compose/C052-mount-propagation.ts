// CG-C052: a volume with shared or slave mount propagation (`:rshared`, `bind.propagation: rslave` …).
import { isMap } from 'yaml';
import type { ComposeModel } from '../../engine/compose/model';
import { deletePair, replaceNode } from '../../engine/compose/edits';
import { capitalize } from '../../engine/compose/presence';
import { parseShortVolume } from '../../engine/compose/volumes';
import { groupByWritten, isShared, receiversInfo, serviceNames, type Hit } from '../../engine/compose/written';
import type { Fix, RuleFinding, Rule, TextEdit } from '../../engine/types';
import type { Node, ViaStep } from '../../engine/compose/yaml-ast';
import { serviceVolumes } from '../../engine/compose/service-volumes';

const PROPAGATION = new Set(['shared', 'rshared', 'slave', 'rslave']);

interface Data {
  mode: string;
  edit: TextEdit | undefined;
  fixTitle: string;
}

interface Found {
  at: Node;
  /** Steps from the volume item to where the value is written. */
  via?: ViaStep[];
  data: Data;
}

export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C052',
    title: 'Shared mount propagation',
    description:
      'A volume uses shared or slave mount propagation (`shared`, `rshared`, `slave`, `rslave`): mounts made on the host (slave) or also in the container (shared) propagate across the boundary.',
    kind: 'compose',
    severity: 'warning',
    equivalents: ['KICS baa452f0-1f21-4a25-ace5-844e7a5f410d', 'CIS 5.20'],
    fixable: true,
  },
  check(model) {
    const hits: Hit<Data>[] = [];
    for (const { service, item, node, editable } of serviceVolumes(model)) {
      const found = isMap(node) ? checkLong(model, node, editable) : checkShort(model, node, editable);
      if (found) hits.push({ node: found.at, service, via: item.via.concat(found.via ?? []), data: found.data });
    }
    const findings: RuleFinding[] = [];
    for (const group of groupByWritten(hits)) {
      const { mode, edit, fixTitle } = group.data;
      const fixes: Fix[] = [];
      if (edit) {
        const n = group.hits.length;
        // The default (rprivate) may break a tool that watches host mounts: never applied unattended.
        fixes.push({ title: isShared(group) ? `${fixTitle} in the anchor (affects ${n} service${n === 1 ? '' : 's'})` : fixTitle, edits: [edit], isPreferred: false });
      }
      const direction = mode.endsWith('slave') ? 'host mounts under it appear in the container' : 'mounts propagate both ways between host and container';
      findings.push({
        message: `${capitalize(serviceNames(group))} mount${group.hits.length === 1 ? 's' : ''} a volume with "${mode}" propagation: ${direction}. Use the default (rprivate) unless the service manages mounts.`,
        range: model.rangeOf(group.node),
        related: receiversInfo(group),
        fixes,
      });
    }
    return findings;
  },
};

/** Short syntax: the propagation word among the comma-separated options after the second `:`. */
function checkShort(model: ComposeModel, node: Node, editable: boolean): Found | undefined {
  const scalar = model.scalar(node);
  if (!scalar) return undefined;
  const text = scalar.interpolated.text;
  const volume = parseShortVolume(text);
  if (volume.source === undefined || volume.options === '') return undefined;
  const options = volume.options.split(',');
  const index = options.findIndex((option) => PROPAGATION.has(option.trim()));
  if (index < 0) return undefined;
  const mode = options[index].trim();
  let edit: TextEdit | undefined;
  // Rewrite only a value whose text is exactly what is written (no variables, quotes kept).
  if (editable && scalar.interpolated.known && scalar.text === text && scalar.quote !== undefined && scalar.verbatim) {
    const rest = options.filter((_, i) => i !== index);
    const spec = `${volume.source}:${volume.target}${rest.length > 0 ? `:${rest.join(',')}` : ''}`;
    edit = replaceNode(model.source, node, `${scalar.quote}${spec}${scalar.quote}`);
  }
  return { at: node, data: { mode, edit, fixTitle: `Remove the "${mode}" option` } };
}

/** Long syntax: `bind: {propagation: rshared}`; the finding sits on the value. */
function checkLong(model: ComposeModel, node: Node, editable: boolean): Found | undefined {
  const bind = model.viewOf(node)?.get('bind');
  const entry = model.viewOf(bind?.rawValue, bind?.via)?.get('propagation');
  const scalar = model.scalar(entry?.value);
  if (!entry?.value || !scalar || !scalar.interpolated.known) return undefined;
  const mode = scalar.interpolated.value!.trim();
  if (!PROPAGATION.has(mode)) return undefined;
  const removable = editable && entry.via.length === 0 && !model.hasReferencedAnchor(entry.pair.value as never);
  const edit = removable ? deletePair(model.source, entry.map, entry.pair) : undefined;
  // Written in an anchor merged into the item or its `bind:` (`bind: *b`): the steps lead there.
  return { at: entry.value, via: entry.via, data: { mode, edit, fixTitle: 'Remove "propagation" (default rprivate)' } };
}
