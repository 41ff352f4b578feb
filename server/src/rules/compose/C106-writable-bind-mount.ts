// CG-C106: a bind mount of a host path that is not read-only (short form without `:ro`, long form
// `type: bind` without `read_only: true`). Sensitive paths and docker.sock are CG-C051's and CG-C043's.
import { isMap } from 'yaml';
import type { ComposeModel, ScalarInfo } from '../../engine/compose/model';
import { insertPair, replaceNode } from '../../engine/compose/edits';
import { UNKNOWN } from '../../engine/compose/interpolate';
import { capitalize } from '../../engine/compose/presence';
import { isDockerSocket, isHostPath, parseShortVolume } from '../../engine/compose/volumes';
import { groupByWritten, isShared, receiversInfo, serviceNames, type Hit } from '../../engine/compose/written';
import type { Fix, RuleFinding, Rule, TextEdit } from '../../engine/types';
import type { Node, YAMLMap } from '../../engine/compose/yaml-ast';
import { homeAwareSource, sensitiveMount } from '../../engine/compose/host-paths';
import { serviceVolumes } from '../../engine/compose/service-volumes';

interface Data {
  /** The host path as written (trimmed). */
  path: string;
  target: string;
  long: boolean;
  /** Makes the mount read-only; undefined when the value cannot be rewritten safely. */
  edit: TextEdit | undefined;
}

export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C106',
    title: 'Writable bind mount',
    description:
      'A service bind-mounts a host directory or file read-write: the container can change (or plant files in) that part of the host. Mount it read-only unless the service must write there.',
    kind: 'compose',
    severity: 'hint',
    strictSeverity: 'info',
    equivalents: [],
    fixable: true,
  },
  check(model) {
    const hits: Hit<Data>[] = [];
    for (const { service, item, node, editable } of serviceVolumes(model)) {
      const found = isMap(node) ? readLong(model, node, editable) : readShort(model, node, editable);
      if (found) hits.push({ node: found.at, service, via: item.via, data: found.data });
    }
    const findings: RuleFinding[] = [];
    for (const group of groupByWritten(hits)) {
      const { path, target, long, edit } = group.data;
      const n = group.hits.length;
      const fixes: Fix[] = [];
      if (edit) {
        const title = long ? 'Make the mount read-only (read_only: true)' : "Make the mount read-only (':ro')";
        // The service may need to write there: offered, never applied unattended.
        fixes.push({ title: isShared(group) ? `${title} in the anchor (affects ${n} service${n === 1 ? '' : 's'})` : title, edits: [edit], isPreferred: false });
      }
      findings.push({
        message: `${capitalize(serviceNames(group))} bind-mount${n === 1 ? 's' : ''} the host path "${path}" at "${target}" read-write: the container can change or add files on the host there. Mount it read-only unless the service writes to it.`,
        range: model.rangeOf(group.node),
        related: receiversInfo(group),
        fixes,
      });
    }
    return findings;
  },
};

/** Whether another rule already reports a read-write mount of this host path (docker.sock: C043; sensitive: C051's tiers). */
function reportedElsewhere(path: string): boolean {
  return isDockerSocket(path) || sensitiveMount(path, false) !== undefined;
}

type Read = { at: Node; data: Data } | undefined;

function readShort(model: ComposeModel, node: Node, editable: boolean): Read {
  const scalar: ScalarInfo | undefined = model.scalar(node);
  if (!scalar) return undefined;
  const text = scalar.interpolated.text.trim();
  const volume = parseShortVolume(text);
  if (volume.source === undefined || !isHostPath(volume.source)) return undefined;
  // Unresolved options may hold `ro`.
  if (volume.options.includes(UNKNOWN)) return undefined;
  const options = volume.options.split(',').map((o) => o.trim());
  if (options.includes('ro')) return undefined;
  if (reportedElsewhere(homeAwareSource(scalar.text, volume.source))) return undefined;
  let edit: TextEdit | undefined;
  if (editable && scalar.interpolated.known && scalar.text === text && scalar.quote !== undefined && scalar.verbatim) {
    const rest = volume.options === '' ? ['ro'] : options.includes('rw') ? options.map((o) => (o === 'rw' ? 'ro' : o)) : options.concat('ro');
    edit = replaceNode(model.source, node, `${scalar.quote}${volume.source}:${volume.target}:${rest.join(',')}${scalar.quote}`);
  }
  return { at: node, data: { path: shown(volume.source), target: shown(volume.target), long: false, edit } };
}

function readLong(model: ComposeModel, node: YAMLMap, editable: boolean): Read {
  const view = model.viewOf(node);
  const type = model.scalar(view?.get('type')?.value)?.interpolated;
  if (!type?.known || type.value!.trim().toLowerCase() !== 'bind') return undefined;
  const source = view?.get('source');
  const sourceScalar = model.scalar(source?.value);
  const sourceText = sourceScalar?.interpolated.text.trim() ?? '';
  if (!source?.value || sourceText === '') return undefined;
  const readOnlyEntry = view?.get('read_only');
  const readOnly = model.scalar(readOnlyEntry?.value);
  // `read_only: ${RO}` may be true.
  if (readOnly?.boolean === true || (readOnly && !readOnly.isNull && !readOnly.interpolated.known)) return undefined;
  if (reportedElsewhere(homeAwareSource(sourceScalar!.text, sourceText))) return undefined;
  let edit: TextEdit | undefined;
  if (editable) {
    if (!readOnlyEntry) edit = insertPair(model.source, model.style, node, 'read_only', { scalar: 'true' });
    else if (readOnlyEntry.via.length === 0 && readOnlyEntry.value && readOnly && !readOnly.isNull && readOnly.quote !== undefined) edit = replaceNode(model.source, readOnlyEntry.value, 'true');
  }
  const target = model.scalar(view?.get('target')?.value)?.interpolated.text.trim() ?? '';
  return { at: source.value, data: { path: shown(sourceText), target: shown(target), long: true, edit } };
}

function shown(text: string): string {
  return text.split(UNKNOWN).join('${…}');
}
