// Host paths of bind mounts: normalisation and how sensitive a path is (catalogue CG-C051 as amended by
// §6.3). Shared by the mount rules: C051 reports the tiers, C106 leaves those paths to C051, C105 tells
// whether a `volumes_from` target reaches the host, C102 looks for `/`, `/dev` and `/sys`.
import { posix } from 'node:path';
import { UNKNOWN } from './interpolate';

export type Tier = 'error' | 'warning';

export interface Sensitivity {
  tier: Tier;
  /** The location that matched (the path itself or a path it lies under), normalised like the path. */
  listed: string;
}

/** The roots of the catalogue row: an Error when mounted themselves (`/lib*` is matched apart). */
const ERROR_ROOTS = ['/etc', '/proc', '/sys', '/dev', '/boot', '/root', '/usr', '/bin', '/sbin', '/var/lib/docker', '/run', '/var/run'];

/**
 * Credential and control locations (§6.3): an Error, with everything under them. `/etc/sudoers*` is matched
 * apart. `/etc/gshadow` goes with `/etc/shadow`, and `/usr/lib/modules` is `/lib/modules` on merged-/usr
 * systems. Docker sockets under `/run` and `/var/run` are CG-C043's, never this table's (see `isDockerSocket`).
 */
const ERROR_LOCATIONS = [
  '/etc/shadow', '/etc/gshadow', '/etc/passwd', '/etc/group', '/etc/ssh', '/etc/ssl/private', '/etc/docker',
  '/etc/kubernetes', '/root', '/var/lib/docker', '/run', '/var/run', '/proc', '/sys', '/dev', '/boot',
  '/lib/modules', '/usr/lib/modules',
];

/** Any other path under these is a Warning (`/lib*` is matched apart; `/bin` and `/sbin` are `/usr/…` today). */
const WARNING_TREES = ['/etc', '/usr', '/var', '/bin', '/sbin'];

/** A Warning when mounted themselves; a directory below them is application data, not reported. */
const WARNING_ROOTS = ['/home', '/mnt', '/media', '/srv'];

/** Folders of a home directory that hold credentials: an Error, with everything under them. */
const HOME_CREDENTIALS = ['.ssh', '.aws', '.kube', '.docker', '.gnupg'];

/** Mounted read-only, these (and what lies under them) are routine: time zone, name resolution, CA certificates. */
const READ_ONLY_EXEMPT = [
  '/etc/localtime',
  '/etc/timezone',
  '/usr/share/zoneinfo',
  '/etc/hosts',
  '/etc/resolv.conf',
  '/etc/ssl/certs',
  '/etc/ca-certificates',
  '/etc/pki/ca-trust',
];

/** Whether `path` is `base` or lies under it, by segment (`/etc/nginx` is under `/etc`, `/etcd` is not). */
export function isUnder(path: string, base: string): boolean {
  return path === base || path.startsWith(base === '/' ? '/' : `${base}/`);
}

/**
 * The host path a bind source names, normalised (`//etc/./x/` → `/etc/x`, `..` resolved). A path in the
 * user's own home directory keeps its `~` (`~`, `~/.ssh`); `~bob/x` is `/home/bob/x`. Undefined for
 * relative, Windows and unresolved paths.
 */
export function normalizeHostPath(path: string): string | undefined {
  let p = path.trim();
  if (p.includes(UNKNOWN) || p.includes('\\')) return undefined;
  // `~` is not a user-name character, so `/home/~` stands for the user's own home while normalising.
  const own = p === '~' || p.startsWith('~/');
  if (own) p = `/home/~${p.slice(1)}`;
  else if (/^~[^/]/.test(p)) p = `/home/${p.slice(1)}`;
  if (!p.startsWith('/')) return undefined;
  let normal = posix.normalize(p).replace(/\/+$/, '');
  if (normal === '') normal = '/';
  if (own && isUnder(normal, '/home/~')) return `~${normal.slice('/home/~'.length)}`;
  return normal;
}

/** The tier of a normalised host path (see `normalizeHostPath`) and the location it matched; undefined when not reported. */
export function sensitivity(path: string): Sensitivity | undefined {
  if (path === '/') return { tier: 'error', listed: '/' };
  const home = homeSensitivity(path);
  if (home !== null) return home;
  const first = `/${path.split('/')[1] ?? ''}`;
  const lib = first.startsWith('/lib') ? first : undefined;
  const location = ERROR_LOCATIONS.find((base) => isUnder(path, base));
  if (location) return { tier: 'error', listed: location };
  if (/^\/etc\/sudoers[^/]*/.test(path)) return { tier: 'error', listed: /^\/etc\/sudoers[^/]*/.exec(path)![0] };
  if (ERROR_ROOTS.includes(path) || path === lib) return { tier: 'error', listed: path };
  const tree = lib ?? WARNING_TREES.find((base) => isUnder(path, base));
  if (tree) return { tier: 'warning', listed: tree };
  if (WARNING_ROOTS.includes(path)) return { tier: 'warning', listed: path };
  return undefined;
}

/**
 * Paths in a home directory (`~…` or `/home/<user>…`): the whole home is a Warning, its credential folders
 * an Error, other dotfiles a Warning, other folders not reported (undefined). Null when the path is not
 * in a home directory (`/home` itself is a plain Warning root).
 */
function homeSensitivity(path: string): Sensitivity | undefined | null {
  let home: string;
  if (path === '~' || path.startsWith('~/')) home = '~';
  else {
    const match = /^\/home\/[^/]+/.exec(path);
    if (!match) return null;
    home = match[0];
  }
  if (path === home) return { tier: 'warning', listed: home };
  const first = path.slice(home.length + 1).split('/')[0];
  const listed = `${home}/${first}`;
  if (HOME_CREDENTIALS.includes(first)) return { tier: 'error', listed };
  if (first.startsWith('.')) return { tier: 'warning', listed };
  return undefined;
}

/** Whether a read-only mount of the normalised path is routine (time zone, name resolution, CA certificates). */
export function isReadOnlyExempt(path: string): boolean {
  return READ_ONLY_EXEMPT.some((base) => isUnder(path, base));
}

/**
 * The host source of a mount for judging it: a source written as `$HOME/…` or `${HOME}/…` (unknown to the
 * linter) counts as `~/…`. `written` is the scalar as written, `source` its interpolated form.
 */
export function homeAwareSource(written: string, source: string): string {
  return source.startsWith(UNKNOWN) && /^\$\{?HOME\}?(?![A-Za-z0-9_])/.test(written.trim()) ? `~${source.slice(UNKNOWN.length)}` : source;
}

/**
 * CG-C051's condition on a bind source: its normalised path and tier, or undefined when it is not reported
 * (not sensitive, unresolved, or a read-only mount of a routine path). Docker sockets are not excluded here:
 * callers that leave them to CG-C043 check `isDockerSocket` first.
 */
export function sensitiveMount(source: string, readOnly: boolean): (Sensitivity & { path: string }) | undefined {
  const path = normalizeHostPath(source);
  if (path === undefined) return undefined;
  const found = sensitivity(path);
  if (!found || (readOnly && isReadOnlyExempt(path))) return undefined;
  return { path, ...found };
}
