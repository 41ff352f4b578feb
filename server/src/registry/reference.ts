// Image references read exactly as Docker reads them (github.com/distribution/reference:
// `ParseNormalizedNamed`, `splitDockerDomain`, `FamiliarString`): a name without a registry is on
// Docker Hub (`docker.io`), a one-component Hub name is an official image (`library/`),
// `index.docker.io` is the legacy spelling of `docker.io`, and the first component names a registry
// only when it has a `.` or a `:` (a port), is `localhost`, or has upper-case letters.

/** Docker Hub as references spell it. */
export const DOCKER_HUB_DOMAIN = 'docker.io';
/** The host that serves Docker Hub's registry API. */
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io';
const LEGACY_DOCKER_HUB_DOMAIN = 'index.docker.io';
const OFFICIAL_PREFIX = 'library/';
const NAME_TOTAL_LENGTH_MAX = 255;

// The grammar of distribution/reference (regexp.go), anchored.
const ALPHANUMERIC = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALPHANUMERIC}(?:${SEPARATOR}${ALPHANUMERIC})*`;
const DOMAIN_NAME_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_NAME = `${DOMAIN_NAME_COMPONENT}(?:\\.${DOMAIN_NAME_COMPONENT})*`;
const IPV6_ADDRESS = '\\[(?:[a-fA-F0-9:]+)\\]';
const DOMAIN_AND_PORT = `(?:${DOMAIN_NAME}|${IPV6_ADDRESS})(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const REFERENCE = new RegExp(`^((?:${DOMAIN_AND_PORT}/)?${REMOTE_NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const ANCHORED_IDENTIFIER = /^[a-f0-9]{64}$/;
const DIGEST_HEX_LENGTHS: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

/** A normalised reference: `domain/path[:tag][@digest]`. */
export interface Reference {
  /** The registry, with its port: `docker.io`, `ghcr.io`, `localhost:5000`. */
  domain: string;
  /** The repository inside the registry: `library/node`, `team/app`. */
  path: string;
  tag: string | null;
  digest: string | null;
}

/** A reference Docker would refuse, with Docker's reason. */
export class InvalidReferenceError extends Error {}

/** `splitDockerDomain`: where the registry ends and the repository begins, with Hub's defaults. */
function splitDockerDomain(name: string): { domain: string; remainder: string } {
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  let domain: string;
  let remainder: string;
  if (slash === -1 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    domain = DOCKER_HUB_DOMAIN;
    remainder = name;
  } else {
    domain = first;
    remainder = name.slice(slash + 1);
  }
  if (domain === LEGACY_DOCKER_HUB_DOMAIN) domain = DOCKER_HUB_DOMAIN;
  if (domain === DOCKER_HUB_DOMAIN && !remainder.includes('/')) remainder = OFFICIAL_PREFIX + remainder;
  return { domain, remainder };
}

/** `ParseNormalizedNamed`: parses what a user writes (`node:22`, `ghcr.io/a/b@sha256:…`). Throws InvalidReferenceError. */
export function parseReference(written: string): Reference {
  if (ANCHORED_IDENTIFIER.test(written)) {
    throw new InvalidReferenceError(`invalid repository name (${written}), cannot specify 64-byte hexadecimal strings`);
  }
  const { domain, remainder } = splitDockerDomain(written);
  const colon = remainder.indexOf(':');
  const remoteName = colon === -1 ? remainder : remainder.slice(0, colon);
  if (remoteName.toLowerCase() !== remoteName) {
    throw new InvalidReferenceError(`invalid reference format: repository name (${remoteName}) must be lowercase`);
  }
  const match = REFERENCE.exec(`${domain}/${remainder}`);
  if (!match) throw new InvalidReferenceError('invalid reference format');
  const [, name, tag, digest] = match;
  if (name.length > NAME_TOTAL_LENGTH_MAX) throw new InvalidReferenceError(`repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`);
  if (digest !== undefined) {
    const [algorithm, hex] = digest.split(':');
    const expected = DIGEST_HEX_LENGTHS[algorithm];
    if (expected === undefined) throw new InvalidReferenceError(`unsupported digest algorithm: ${algorithm}`);
    if (hex.length !== expected || /[A-F]/.test(hex)) throw new InvalidReferenceError(`invalid checksum digest format: ${digest}`);
  }
  return { domain, path: name.slice(domain.length + 1), tag: tag ?? null, digest: digest ?? null };
}

/** `domain/path` (the canonical name, `docker.io/library/node`). */
export function canonicalName(ref: Reference): string {
  return `${ref.domain}/${ref.path}`;
}

/** The canonical reference: `docker.io/library/node:22@sha256:…`. */
export function canonicalString(ref: Reference): string {
  return canonicalName(ref) + (ref.tag !== null ? `:${ref.tag}` : '') + (ref.digest !== null ? `@${ref.digest}` : '');
}

/** `FamiliarName`: the short name users write (`node`, `grafana/grafana`, `ghcr.io/a/b`). */
export function familiarName(ref: Reference): string {
  if (ref.domain !== DOCKER_HUB_DOMAIN) return canonicalName(ref);
  const rest = ref.path.slice(OFFICIAL_PREFIX.length);
  return ref.path.startsWith(OFFICIAL_PREFIX) && !rest.includes('/') ? rest : ref.path;
}

/** `FamiliarString`: `node:22`, `ghcr.io/a/b@sha256:…`. */
export function familiarString(ref: Reference): string {
  return familiarName(ref) + (ref.tag !== null ? `:${ref.tag}` : '') + (ref.digest !== null ? `@${ref.digest}` : '');
}

/** The tag a lookup asks for: the written one, `latest` when there is none (as `docker pull` does). */
export function tagOrLatest(ref: Reference): string {
  return ref.tag ?? 'latest';
}

/** The host that serves a registry's API (`docker.io` is served by `registry-1.docker.io`). */
export function apiHost(domain: string): string {
  return domain === DOCKER_HUB_DOMAIN ? DOCKER_HUB_API_HOST : domain;
}

/** The host name of `host[:port]` (IPv6 brackets kept), lower-cased. */
export function hostName(host: string): string {
  const bracket = host.startsWith('[') ? host.indexOf(']') : -1;
  if (bracket >= 0) return host.slice(0, bracket + 1).toLowerCase();
  const colon = host.lastIndexOf(':');
  return (colon >= 0 ? host.slice(0, colon) : host).toLowerCase();
}

/**
 * Whether a host is this machine (`localhost`, `127.0.0.0/8`, `[::1]`): the only registries reached
 * over plain HTTP, as Docker treats loopback registries as insecure by default.
 */
export function isLoopback(host: string): boolean {
  const name = hostName(host);
  return name === 'localhost' || name.endsWith('.localhost') || /^127(?:\.\d{1,3}){3}$/.test(name) || name === '[::1]';
}
