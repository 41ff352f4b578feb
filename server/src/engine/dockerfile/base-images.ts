// What we know offline about a base image: its distribution family (which decides how a user
// is created), the non-root user it already runs as, and a non-root user it ships but does not
// switch to. Only facts we are sure of are listed; everything else is `unknown`.
import type { ImageRef } from './image-ref';

export type BaseImageFamily =
  | 'debian' // Debian, Ubuntu and the official images built on them: groupadd/useradd
  | 'alpine' // Alpine and BusyBox: addgroup/adduser
  | 'rhel' // Fedora, CentOS, Rocky, Alma, UBI, Amazon Linux, Oracle Linux: groupadd/useradd
  | 'distroless' // no shell and no user tools: numeric USER only
  | 'scratch'
  | 'windows'
  | 'unknown';

export interface BaseImageInfo {
  family: BaseImageFamily;
  /** Human-readable name of what was recognised (`debian`, `node (Debian)`, `gcr.io/distroless`). */
  label: string;
  /** Non-root user the image already runs as (its config's `User`), when known. */
  defaultUser?: string;
  /** Non-root user the image ships without switching to it (`node` in the official node images). */
  shippedUser?: string;
  /** Whether a `RUN` can create users (a shell and the family's user tools are present). */
  canCreateUser: boolean;
}

const DEBIAN_OS = new Set(['debian', 'ubuntu', 'buildpack-deps']);
const ALPINE_OS = new Set(['alpine', 'busybox']);
/** Docker Hub official images built on Debian/Ubuntu unless their tag says otherwise. */
const DEBIAN_BASED_OFFICIAL = new Set([
  'node', 'python', 'golang', 'ruby', 'openjdk', 'eclipse-temurin', 'php', 'perl', 'rust', 'maven',
  'gradle', 'elixir', 'erlang', 'haskell', 'julia', 'r-base', 'clojure', 'groovy', 'nginx', 'httpd',
  'redis', 'postgres', 'mongo', 'rabbitmq', 'memcached', 'tomcat', 'jetty', 'ibmjava', 'pypy',
  'swift', 'dart', 'composer', 'wordpress', 'drupal', 'ghost', 'nextcloud', 'sonarqube',
]);
const RHEL_OS = new Set(['fedora', 'centos', 'rockylinux', 'almalinux', 'amazonlinux', 'oraclelinux', 'quay.io/centos/centos', 'rockylinux/rockylinux', 'almalinux/almalinux']);
/** Images whose config already sets a non-root user. */
const DEFAULT_USER: Record<string, string> = {
  'nginxinc/nginx-unprivileged': '101',
  'jenkins/jenkins': 'jenkins',
  // The official image ends with `USER memcache`: it neither runs as root nor needs to drop.
  memcached: 'memcache',
};
/** Official images that ship a non-root user but start as root. */
const SHIPPED_USER: Record<string, string> = { node: 'node' };

const UNKNOWN: BaseImageInfo = { family: 'unknown', label: 'unknown', canCreateUser: false };

export function scratchInfo(): BaseImageInfo {
  return { family: 'scratch', label: 'scratch', canCreateUser: false };
}

/** Classifies a resolved base image reference. */
export function classifyBaseImage(ref: ImageRef | null): BaseImageInfo {
  if (!ref) return UNKNOWN;
  const repo = ref.repository;
  const tag = (ref.tag ?? '').toLowerCase();
  const last = repo.slice(repo.lastIndexOf('/') + 1);

  if (repo === 'scratch') return scratchInfo();

  // Distroless and Chainguard: no shell in the default variants; numeric USER works everywhere.
  if (repo.startsWith('gcr.io/distroless/') || repo.startsWith('cgr.dev/chainguard/')) {
    const nonroot = tag === 'nonroot' || tag.endsWith('-nonroot');
    const label = repo.startsWith('gcr.io/') ? 'gcr.io/distroless' : 'cgr.dev/chainguard';
    return nonroot && repo.startsWith('gcr.io/')
      ? { family: 'distroless', label, defaultUser: '65532', canCreateUser: false }
      : { family: 'distroless', label, canCreateUser: false };
  }

  // Red Hat UBI: ubi-minimal has no useradd, ubi-micro has no shell.
  if (/^registry\.(access\.)?redhat\.(io|com)\/ubi\d+/.test(repo) || /^(redhat\/)?ubi\d+/.test(repo)) {
    if (/-micro$/.test(repo) || /\/ubi-micro$/.test(repo)) return { family: 'distroless', label: 'ubi-micro', canCreateUser: false };
    if (/-minimal$/.test(repo) || /\/ubi-minimal$/.test(repo)) return { family: 'rhel', label: 'ubi-minimal', canCreateUser: false };
    return { family: 'rhel', label: 'ubi', canCreateUser: true };
  }

  if (repo.startsWith('mcr.microsoft.com/windows') || /nanoserver|windowsservercore|ltsc20\d\d/.test(tag)) {
    // Nano Server runs as ContainerUser; Server Core as ContainerAdministrator.
    const nano = repo.includes('nanoserver') || tag.includes('nanoserver');
    return nano
      ? { family: 'windows', label: 'windows nanoserver', defaultUser: 'ContainerUser', canCreateUser: false }
      : { family: 'windows', label: 'windows', canCreateUser: false };
  }

  const defaultUser = DEFAULT_USER[repo];
  if (defaultUser) {
    return { family: 'unknown', label: repo, defaultUser, canCreateUser: false };
  }

  if (ref.dockerHub) {
    if (ALPINE_OS.has(repo)) return { family: 'alpine', label: repo, canCreateUser: true };
    if (DEBIAN_OS.has(repo)) return { family: 'debian', label: repo, canCreateUser: true };
    if (RHEL_OS.has(repo)) return { family: 'rhel', label: repo, canCreateUser: true };
    if (DEBIAN_BASED_OFFICIAL.has(repo) || SHIPPED_USER[repo]) {
      const shippedUser = SHIPPED_USER[repo];
      const byTag = familyFromTag(tag);
      if (byTag === 'windows') return { family: 'windows', label: `${repo} (Windows)`, canCreateUser: false };
      const family = byTag ?? 'debian';
      const label = `${repo} (${family === 'alpine' ? 'Alpine' : family === 'rhel' ? 'RHEL-like' : 'Debian'})`;
      return shippedUser ? { family, label, shippedUser, canCreateUser: true } : { family, label, canCreateUser: true };
    }
    if (last === 'amazoncorretto' || repo === 'amazoncorretto') {
      const byTag = familyFromTag(tag);
      return { family: byTag ?? 'rhel', label: 'amazoncorretto', canCreateUser: true };
    }
  } else if (RHEL_OS.has(repo)) {
    return { family: 'rhel', label: repo, canCreateUser: true };
  }
  return UNKNOWN;
}

/** The OS a tag names, for official images whose variants differ by tag. */
function familyFromTag(tag: string): BaseImageFamily | null {
  if (/(^|[-.])alpine/.test(tag)) return 'alpine';
  if (/windowsservercore|nanoserver/.test(tag)) return 'windows';
  if (/(^|-)(al2|al2023|amazonlinux|ubi\d*|oraclelinux|oracle)(\b|-|$)/.test(tag)) return 'rhel';
  if (/(bookworm|bullseye|buster|trixie|stretch|slim|jammy|focal|noble|bionic)/.test(tag)) return 'debian';
  return null;
}

// ---- images that start as root and drop privileges at runtime (catalogue §6.3) --------------------

/**
 * Docker Hub official images whose entrypoint starts as root, prepares its data directory and then
 * runs the service as an unprivileged user (`gosu postgres …`, `su-exec redis …`), or whose server
 * drops privileges itself (httpd, nginx and PHP-FPM keep a root master and run their workers as
 * `www-data`/`nginx`; mosquitto switches to `mosquitto`). A `USER` line would break their entrypoint.
 */
const ROOT_THEN_DROP_OFFICIAL = new Set([
  'postgres', 'mysql', 'mariadb', 'mongo', 'redis', 'rabbitmq', 'elasticsearch', 'httpd', 'nginx',
  'wordpress', 'cassandra', 'couchdb', 'ghost', 'redmine', 'zookeeper', 'eclipse-mosquitto',
]);
/** The same images under other names: Elastic's own registry, PostGIS (built on postgres). */
const ROOT_THEN_DROP_ELSEWHERE = new Set(['docker.elastic.co/elasticsearch/elasticsearch', 'postgis/postgis']);
/** LinuxServer.io images start as root under s6-overlay and run the app as `PUID`/`PGID`. */
const LINUXSERVER_PREFIXES = ['linuxserver/', 'lscr.io/linuxserver/', 'ghcr.io/linuxserver/'];

/**
 * Whether a base image is known to start as root and drop to an unprivileged user at runtime. For
 * `php`, only the Apache and FPM variants (tags `*-apache`, `*-fpm`): the CLI variants run as root.
 */
export function startsAsRootThenDrops(ref: ImageRef | null): boolean {
  if (!ref) return false;
  const repo = ref.repository;
  if (LINUXSERVER_PREFIXES.some((prefix) => repo.startsWith(prefix))) return true;
  if (ROOT_THEN_DROP_ELSEWHERE.has(repo)) return true;
  if (!ref.dockerHub) return false;
  if (ROOT_THEN_DROP_OFFICIAL.has(repo)) return true;
  return repo === 'php' && /(^|-)(apache|fpm)(-|$)/.test((ref.tag ?? '').toLowerCase());
}
