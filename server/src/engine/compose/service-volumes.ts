// Every `volumes:` item of every service, the walk several mount rules share (C043, C051, C052, C106).
import type { Node } from 'yaml';
import type { ComposeModel, ComposeService, SequenceItem } from './model';

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
