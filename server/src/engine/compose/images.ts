// The `image:` of every service that pulls one (C001, C101): services with `build:` are skipped,
// because there `image:` names the build's output and the base image is judged in the Dockerfile.
import type { Node } from 'yaml';
import type { MapEntry, ComposeModel, ComposeService, ScalarInfo } from './model';
import { UNKNOWN } from './interpolate';

export interface PulledImage {
  service: ComposeService;
  entry: MapEntry;
  /** The `image:` value node. */
  node: Node;
  scalar: ScalarInfo;
  /** The interpolated reference, trimmed; unknown variables appear as `UNKNOWN`. */
  text: string;
  /** Whether the part after the last `/` (where the tag and digest live) holds an unknown variable. */
  unknownTagOrDigest: boolean;
  /** The reference for messages, unknown parts shown as `${…}`. */
  shown: string;
}

export function pulledImages(model: ComposeModel): PulledImage[] {
  const images: PulledImage[] = [];
  for (const service of model.services) {
    const view = service.view;
    if (!view || view.has('build')) continue;
    const entry = view.get('image');
    const scalar = model.scalar(entry?.value);
    if (!entry?.value || !scalar || scalar.isNull) continue;
    const text = scalar.interpolated.text.trim();
    if (text === '') continue;
    const last = text.slice(text.lastIndexOf('/') + 1);
    images.push({ service, entry, node: entry.value, scalar, text, unknownTagOrDigest: last.includes(UNKNOWN), shown: text.split(UNKNOWN).join('${…}') });
  }
  return images;
}
