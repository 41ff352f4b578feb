// Image references as written in FROM, `COPY --from=` and `# syntax=`:
// `[registry[:port]/]path[:tag][@algorithm:hex]`.
//
// The tag is only looked for after the last `/`, so `reg:5000/app` has a registry with a port
// and no tag (§4.4 of the catalogue). Offsets are into `raw`, so callers that know where the
// token starts in the document can turn them into ranges.

export interface ImageRef {
  /** The reference exactly as given to the parser. */
  raw: string;
  /** Registry host (with port) when the first path component is one (`gcr.io`, `reg:5000`, `localhost`). */
  registry: string | null;
  /** Repository path as written, without registry, tag or digest (`library/node`, `distroless/static`). */
  path: string;
  /** Registry and path as written (everything before the tag and digest). */
  name: string;
  /**
   * Normalised repository for lookups: Docker Hub references lose `docker.io/` and `library/`
   * (`docker.io/library/node` → `node`), others keep their registry (`gcr.io/distroless/static`).
   * Lower-cased.
   */
  repository: string;
  /** True when the reference points at Docker Hub (no registry, or docker.io and its aliases). */
  dockerHub: boolean;
  /** The tag, or null when none is written. An empty tag (`node:`) counts as none. */
  tag: string | null;
  /** Offset of the first tag character in `raw` (after the `:`), -1 when there is no tag. */
  tagStart: number;
  /** The full digest (`sha256:abc…`), or null. */
  digest: string | null;
  /** Offset of the first digest character in `raw` (after the `@`), -1 when there is no digest. */
  digestStart: number;
  /** Whether the digest is well formed: `sha256:` + 64 hex, `sha384:` + 96, `sha512:` + 128. */
  digestValid: boolean;
}

const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);
const DIGEST_LENGTHS: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

/** Whether a first path component names a registry host rather than a Docker Hub namespace. */
export function isRegistryComponent(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost';
}

export function parseImageRef(raw: string): ImageRef {
  let rest = raw;
  let digest: string | null = null;
  let digestStart = -1;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    digestStart = at + 1;
    rest = rest.slice(0, at);
  }
  let tag: string | null = null;
  let tagStart = -1;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.indexOf(':', lastSlash + 1);
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    tagStart = colon + 1;
    rest = rest.slice(0, colon);
    if (tag === '') {
      tag = null;
      tagStart = -1;
    }
  }
  const name = rest;
  let registry: string | null = null;
  let path = rest;
  const firstSlash = rest.indexOf('/');
  if (firstSlash > 0 && isRegistryComponent(rest.slice(0, firstSlash))) {
    registry = rest.slice(0, firstSlash);
    path = rest.slice(firstSlash + 1);
  }
  const dockerHub = registry === null || DOCKER_HUB_HOSTS.has(registry.toLowerCase());
  let repository = path.toLowerCase();
  if (dockerHub) {
    if (repository.startsWith('library/')) repository = repository.slice('library/'.length);
  } else {
    repository = `${registry!.toLowerCase()}/${repository}`;
  }
  let digestValid = false;
  if (digest !== null) {
    const m = /^([a-z0-9]+):([0-9a-f]+)$/.exec(digest);
    digestValid = !!m && DIGEST_LENGTHS[m[1]] === m[2].length;
  }
  return { raw, registry, path, name, repository, dockerHub, tag, tagStart, digest, digestStart, digestValid };
}

// ---- validity and pinning (shared by the Dockerfile and Compose pinning rules) -------------------

/**
 * The reference grammar of distribution/reference: `[host[:port]/]component(/component)*[:tag][@digest]`,
 * lower-case path components, a tag of at most 128 word characters, dots and dashes.
 */
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const HOST = '(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\\[[0-9A-Fa-f:]+\\])(?::[0-9]+)?';
const REFERENCE = new RegExp(`^(?:${HOST}/)?${COMPONENT}(?:/${COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$`);

/** Whether a resolved reference is a valid image reference (a stage name and `scratch` are too). */
export function isValidReference(value: string): boolean {
  return REFERENCE.test(value);
}

/** The catalogue's default list of channel tags (CG-D002, also CG-C001 and CG-D106). */
export const FLOATING_TAGS = ['latest', 'stable', 'edge', 'nightly', 'dev', 'beta', 'canary', 'lts', 'current', 'rolling', 'mainline'];

/** A listed word, or a listed word followed by `-` (`lts-alpine`, `stable-slim`). */
export function isFloatingTag(tag: string, words: readonly string[] = FLOATING_TAGS): boolean {
  const lower = tag.toLowerCase();
  return words.some((word) => lower === word || lower.startsWith(`${word}-`));
}

/**
 * No digest, and no tag (it means `:latest`) or a floating tag: the condition of CG-D001/D002 (FROM)
 * and CG-C001 (Compose `image:`). Where it holds, the reference moves with its channel, which is the
 * one risk reported there; the digest rules (CG-D003, CG-C101) stay silent (catalogue §6.2).
 */
export function hasMovingTag(ref: ImageRef): boolean {
  return ref.digest === null && (ref.tag === null || isFloatingTag(ref.tag));
}
