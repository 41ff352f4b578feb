// Every `volumes:` item of every service, the walk several mount rules share (C043, C051, C052, C106),
// and the host path a volume item bind-mounts (C102, C105).
import { isMap, type Node } from 'yaml';
import type { ComposeModel, ComposeService, SequenceItem } from './model';
import { homeAwareSource } from './host-paths';
import { isHostPath, parseShortVolume } from './volumes';

export interface ServiceVolume {
  service: ComposeService;
  item: SequenceItem;
  /** The item with an alias followed. */
  node: Node;
  /** Whether the item's own text may be edited: written in place, and no alias elsewhere points into it. */
  editable: boolean;
}

export function* serviceVolumes(model: ComposeModel): Generator<ServiceVolume> {
  for (const service of model.services) {
    const entry = service.view?.get('volumes');
    if (!entry) continue;
    for (const item of model.entryItems(entry)) {
      const node = item.node;
      if (!node) continue;
      yield { service, item, node, editable: item.raw === node && !model.hasReferencedAnchor(item.raw) };
    }
  }
}

export interface BindSource {
  /** Where the source is written: the short-syntax item, or the long syntax's `source` value. */
  at: Node;
  /** The host path after interpolation (unknown parts as `UNKNOWN`), trimmed; `$HOME/…` reads as `~/…`. */
  path: string;
  /** `:ro` in the short syntax, `read_only: true` in the long one. */
  readOnly: boolean;
}

/**
 * The host path a `volumes:` item bind-mounts: the short syntax with a path-like source, or the long syntax
 * with `type: bind` (or no `type` and a path-like `source`). Undefined for named and anonymous volumes.
 */
export function bindSource(model: ComposeModel, node: Node): BindSource | undefined {
  if (isMap(node)) {
    const view = model.viewOf(node);
    const source = view?.get('source');
    const scalar = model.scalar(source?.value);
    const path = scalar?.interpolated.text.trim() ?? '';
    if (!source?.value || !scalar || path === '') return undefined;
    const type = model.scalar(view?.get('type')?.value)?.interpolated.text.trim().toLowerCase();
    if (!(type === 'bind' || (type === undefined && isHostPath(path)))) return undefined;
    const readOnly = model.scalar(view?.get('read_only')?.value)?.boolean === true;
    return { at: source.value, path: homeAwareSource(scalar.text, path), readOnly };
  }
  const scalar = model.scalar(node);
  if (!scalar || scalar.isNull) return undefined;
  const volume = parseShortVolume(scalar.interpolated.text.trim());
  if (volume.source === undefined || !isHostPath(volume.source)) return undefined;
  const readOnly = volume.options.split(',').some((option) => option.trim() === 'ro');
  return { at: node, path: homeAwareSource(scalar.text, volume.source), readOnly };
}
