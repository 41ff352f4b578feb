// Registry credentials from Docker's client configuration (`~/.docker/config.json`, or
// `$DOCKER_CONFIG/config.json` as the docker CLI reads it): the `auths` entries that `docker login`
// writes when no credential helper is configured. Credential helpers (`credsStore`, `credHelpers`)
// are programs; we never run them, so their registries are asked anonymously and the caller can say so.
// The file is read when a lookup needs it (lookups happen only on request), never cached, never logged.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DOCKER_HUB_API_HOST, DOCKER_HUB_DOMAIN } from './reference';

export interface BasicCredentials {
  username: string;
  password: string;
}

/** What the configuration says about one registry. */
export type CredentialLookup =
  | { kind: 'basic'; credentials: BasicCredentials }
  /** A credential helper (`docker-credential-<name>`) holds them: not run, so anonymous. */
  | { kind: 'helper'; helper: string }
  /** An entry we cannot use (an identity token); anonymous. */
  | { kind: 'unsupported'; reason: string }
  | { kind: 'none' };

/** Where the docker CLI reads its configuration: `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. */
export function defaultDockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.DOCKER_CONFIG && env.DOCKER_CONFIG !== '' ? env.DOCKER_CONFIG : path.join(os.homedir(), '.docker');
  return path.join(dir, 'config.json');
}

/** The host an `auths` key names: `https://index.docker.io/v1/` → `index.docker.io`, `reg:5000` → `reg:5000`. */
function keyHost(key: string): string {
  const withoutScheme = key.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  return withoutScheme.split('/')[0].toLowerCase();
}

/** Docker Hub's credentials live under `index.docker.io` (`https://index.docker.io/v1/`). */
const DOCKER_HUB_KEYS = new Set(['index.docker.io', DOCKER_HUB_DOMAIN, DOCKER_HUB_API_HOST]);

function sameRegistry(keyHostName: string, registry: string): boolean {
  const wanted = registry.toLowerCase();
  if (DOCKER_HUB_KEYS.has(wanted)) return DOCKER_HUB_KEYS.has(keyHostName);
  return keyHostName === wanted;
}

function decodeAuth(entry: Record<string, unknown>): BasicCredentials | undefined {
  if (typeof entry.auth === 'string' && entry.auth !== '') {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (typeof entry.username === 'string' && typeof entry.password === 'string' && entry.username !== '') {
    return { username: entry.username, password: entry.password };
  }
  return undefined;
}

export class DockerCredentials {
  constructor(private readonly configPath: string = defaultDockerConfigPath()) {}

  /** The credentials for a registry (`docker.io`, `ghcr.io`, `localhost:5000`), by Docker's precedence. */
  lookup(registry: string): CredentialLookup {
    const config = this.read();
    if (!config) return { kind: 'none' };
    const hub = DOCKER_HUB_KEYS.has(registry.toLowerCase());
    const helpers = config.credHelpers && typeof config.credHelpers === 'object' ? (config.credHelpers as Record<string, unknown>) : {};
    for (const [key, helper] of Object.entries(helpers)) {
      if (typeof helper === 'string' && sameRegistry(keyHost(key), registry)) return { kind: 'helper', helper };
    }
    if (typeof config.credsStore === 'string' && config.credsStore !== '') return { kind: 'helper', helper: config.credsStore };
    const auths = config.auths && typeof config.auths === 'object' ? (config.auths as Record<string, unknown>) : {};
    for (const [key, value] of Object.entries(auths)) {
      if (!sameRegistry(keyHost(key), hub ? 'index.docker.io' : registry) || !value || typeof value !== 'object') continue;
      const entry = value as Record<string, unknown>;
      const credentials = decodeAuth(entry);
      if (credentials) return { kind: 'basic', credentials };
      if (typeof entry.identitytoken === 'string' && entry.identitytoken !== '') {
        return { kind: 'unsupported', reason: 'its entry holds an identity token, which Container Guard does not use' };
      }
    }
    return { kind: 'none' };
  }

  private read(): Record<string, unknown> | undefined {
    try {
      const parsed: unknown = JSON.parse(fs.readFileSync(this.configPath, 'utf8'));
      return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
    } catch {
      // No file, or one we cannot read: anonymous, as the docker CLI would be without a login.
      return undefined;
    }
  }
}
