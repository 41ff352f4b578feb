// CG-C053: the same named volume or host path mounted read-write by two or more services.
import { isMap, isScalar } from 'yaml';
import type { ComposeModel, ComposeService, SequenceItem } from '../../engine/compose/model';
import { insertInScalar, insertPair } from '../../engine/compose/edits';
import { UNKNOWN } from '../../engine/compose/interpolate';
import { isDockerSocket, isHostPath, parseShortVolume } from '../../engine/compose/volumes';
import type { RuleFinding, Fix, RelatedInfo, Rule, TextEdit } from '../../engine/types';
import type { Node } from '../../engine/compose/yaml-ast';

/** Related locations and names listed per finding (a volume shared by 200 services must stay cheap). */
const MAX_RELATED = 20;
const MAX_NAMES = 5;

interface Mount {
  service: ComposeService;
  /** The volume item as written (scalar, or the long form's `source` value). */
  node: Node;
  /** `volume:<name>` or `path:<host path>`. */
  key: string;
  label: string;
  /** Makes this mount read-only; undefined when it cannot be done here. */
  readOnly: TextEdit | undefined;
}

export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C053',
    title: 'Volume shared read-write',
    description:
      'The same named volume or host path is mounted read-write by two or more services, so a compromise of one can tamper with the data (or code) the others read.',
    kind: 'compose',
    severity: 'info',
    equivalents: ['KICS 8c978947-0ff6-485c-b0c2-0bfca6026466'],
    fixable: true,
  },
  check(model) {
    const byKey = new Map<string, Mount[]>();
    for (const service of model.services) {
      const entry = service.view?.get('volumes');
      if (!entry) continue;
      for (const item of model.entryItems(entry)) {
        const mount = readWrite(model, service, item);
        if (!mount) continue;
        let list = byKey.get(mount.key);
        if (!list) byKey.set(mount.key, (list = []));
        list.push(mount);
      }
    }
    const findings: RuleFinding[] = [];
    for (const mounts of byKey.values()) {
      const services = [...new Set(mounts.map((m) => m.service))];
      if (services.length < 2) continue;
      const owner = services[0];
      const reported = new Set<Node>();
      for (const mount of mounts) {
        if (reported.has(mount.node)) continue;
        reported.add(mount.node);
        const others = mounts.filter((m) => m.service !== mount.service);
        const related: RelatedInfo[] = others
          .slice(0, MAX_RELATED)
          .map((m) => ({ range: model.rangeOf(m.node), message: `Service "${m.service.name}" mounts it read-write here.` }));
        const fixes: Fix[] = [];
        // The first service (in file order) is taken as the writer; the others are consumers.
        if (mount.service !== owner && mount.readOnly) {
          fixes.push({ title: `Mount ${mount.label} read-only in service "${mount.service.name}"`, edits: [mount.readOnly], isPreferred: false });
        }
        const all = [...new Set(others.map((m) => `"${m.service.name}"`))];
        const names = all.length > MAX_NAMES ? [...all.slice(0, MAX_NAMES), `${all.length - MAX_NAMES} more services`] : all;
        findings.push({
          message: `Service "${mount.service.name}" mounts ${mount.label} read-write, and so do ${names.join(', ')}: a compromise of one can tamper with what the others read. Mount it read-only where the service only reads it.`,
          range: model.rangeOf(mount.node),
          related,
          fixes,
        });
      }
    }
    return findings;
  },
};

function normalPath(path: string): string {
  return path.length > 1 ? path.replace(/[/\\]+$/, '') : path;
}

/** A read-write mount of a named volume or host path; undefined for anything else. */
function readWrite(model: ComposeModel, service: ComposeService, item: SequenceItem): Mount | undefined {
  const node = item.node;
  // Only an item written in this service's own list can be edited for it alone.
  const editable = item.via.length === 0 && item.raw === item.node;
  if (isScalar(node)) {
    const scalar = model.scalar(node)!;
    const volume = parseShortVolume(scalar.interpolated.text.trim());
    if (volume.source === undefined || volume.source === '' || volume.source.includes(UNKNOWN)) return undefined;
    const options = volume.options.split(',').map((o) => o.trim().toLowerCase());
    if (options.includes('ro')) return undefined;
    const host = isHostPath(volume.source);
    if (host && isDockerSocket(volume.source)) return undefined;
    let readOnly: TextEdit | undefined;
    if (editable && scalar.verbatim && !options.includes('rw') && scalar.quote !== undefined) {
      const at = scalar.text.trimEnd().length;
      readOnly = insertInScalar(model.source, scalar.node, at, volume.options === '' ? ':ro' : ',ro');
    }
    const key = host ? `path:${normalPath(volume.source)}` : `volume:${volume.source}`;
    return { service, node: scalar.node, key, label: host ? `host path "${volume.source}"` : `volume "${volume.source}"`, readOnly };
  }
  if (!isMap(node)) return undefined;
  const view = model.viewOf(node);
  const source = view?.get('source');
  const sourceText = model.scalar(source?.value)?.interpolated.text.trim();
  if (!source?.value || !sourceText || sourceText.includes(UNKNOWN)) return undefined;
  const type = model.scalar(view?.get('type')?.value)?.interpolated.text.trim().toLowerCase();
  const host = type === 'bind' || (type === undefined && isHostPath(sourceText));
  if (!host && type !== 'volume' && type !== undefined) return undefined;
  if (host && isDockerSocket(sourceText)) return undefined;
  const flag = view?.get('read_only');
  const flagValue = model.scalar(flag?.value);
  if (flagValue?.boolean === true || (flagValue && !flagValue.interpolated.known)) return undefined;
  const readOnly = editable && !flag ? insertPair(model.source, model.style, node, 'read_only', { scalar: 'true' }) : undefined;
  const key = host ? `path:${normalPath(sourceText)}` : `volume:${sourceText}`;
  return { service, node: source.value, key, label: host ? `host path "${sourceText}"` : `volume "${sourceText}"`, readOnly };
}
