// "Newest first" for a list of tag names, as the "Choose a tag…" picker shows them: a version-aware
// descending sort (`22.12.0` before `22.9.1` before `22`… before `21`), the tags with the same variant
// suffix as the current tag first (`-bookworm-slim` when the file says `node:22-bookworm-slim`), then
// other versions, then named tags (`bookworm`, `alpine`), and floating words (`latest`, `stable`) last.
import { FLOATING_TAGS, isFloatingTag } from '../engine/dockerfile/image-ref';

interface TagParts {
  /** The numeric version (`v1.2.3-alpine` → [1, 2, 3]); empty when the tag does not start with one. */
  version: number[];
  /** What follows the version after `-` (`bookworm-slim`), or the whole name of an unversioned tag. */
  variant: string;
}

const VERSION = /^v?(\d+(?:\.\d+)*)(?:-(.*))?$/i;
/** Signatures, attestations and SBOMs that cosign stores as tags: not images to pin. */
const COSIGN_ARTIFACT = /^sha256-[0-9a-f]{64}(?:\.[a-z]+)?$/;

function parts(tag: string): TagParts {
  const match = VERSION.exec(tag);
  if (match) return { version: match[1].split('.').map(Number), variant: (match[2] ?? '').toLowerCase() };
  return { version: [], variant: tag.toLowerCase() };
}

/**
 * The variant a tag asks for: its suffix after the version (`22-bookworm-slim` → `bookworm-slim`),
 * for a floating tag what follows the floating word (`lts-alpine` → `alpine`, `latest` → ''), for
 * another named tag the name itself (`alpine`).
 */
export function tagVariant(tag: string | null): string {
  if (tag === null) return '';
  const lower = tag.toLowerCase();
  if (isFloatingTag(lower)) {
    const word = FLOATING_TAGS.find((floating) => lower === floating || lower.startsWith(`${floating}-`)) ?? lower;
    return lower.slice(word.length + 1);
  }
  return parts(lower).variant;
}

/** Descending by version component; with an equal prefix the longer (more specific) version first. */
function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return b[i] - a[i];
  return b.length - a.length;
}

/** 0: versioned with the same variant, 1: other versioned, 2: named, 3: floating. */
function group(tag: string, tagParts: TagParts, variant: string): number {
  if (isFloatingTag(tag)) return 3;
  if (tagParts.version.length === 0) return 2;
  return tagParts.variant === variant ? 0 : 1;
}

/** The tags to offer, newest first for the current tag's variant (see the top of this file). */
export function sortTags(tags: readonly string[], currentTag: string | null): string[] {
  const variant = tagVariant(currentTag);
  const entries = [...new Set(tags)]
    .filter((tag) => !COSIGN_ARTIFACT.test(tag))
    .map((tag) => {
      const tagParts = parts(tag);
      return { tag, tagParts, group: group(tag, tagParts, variant) };
    });
  entries.sort(
    (a, b) =>
      a.group - b.group ||
      compareVersions(a.tagParts.version, b.tagParts.version) ||
      a.tagParts.variant.localeCompare(b.tagParts.variant) ||
      a.tag.localeCompare(b.tag),
  );
  return entries.map((entry) => entry.tag);
}
