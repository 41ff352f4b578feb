// A client of the OCI distribution API (the "registry v2" API every registry serves: Docker Hub,
// GHCR, Quay, ECR, the `registry` image…) on Node's `fetch`. It does two things: resolve a tag to
// the digest of what it points at (manifest HEAD, GET when the HEAD gives no digest), and list a
// repository's tags (following `Link` pagination). It speaks the anonymous Bearer token flow from
// `WWW-Authenticate` (realm, service, scope) and Basic credentials from Docker's config file.
//
// Where credentials go is deliberately narrow: only over HTTPS (plain HTTP only to a loopback
// registry), only to their own registry, and to its token realm only when that is the same host or,
// for Docker Hub, `auth.docker.io`. A redirect to another origin drops them. Nothing here logs, and
// no error message contains a header.
//
// Every request must answer within 5 s (by default), body included, and an operation (a digest: token,
// HEAD, maybe GET; a tag list: every page) has an overall deadline too; failures become a RegistryError
// with one readable sentence.
import { createHash } from 'node:crypto';
import type { CredentialLookup } from './credentials';
import { apiHost, DOCKER_HUB_DOMAIN, familiarName, hostName, isLoopback, tagOrLatest, type Reference } from './reference';

export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;

/** What we ask a registry for: an index first, so a multi-platform image resolves to its index digest. */
export const MANIFEST_ACCEPT = [MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerManifestList, MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest].join(', ');
const ACCEPTED = new Set<string>(Object.values(MEDIA_TYPES));
const MULTI_PLATFORM = new Set<string>([MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerManifestList]);

export const DEFAULT_TIMEOUT_MS = 5000;
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const MAX_JSON_BYTES = 16 * 1024 * 1024;
const MAX_REDIRECTS = 5;
const MAX_TAG_PAGES = 100;
/** An operation's deadline, in request deadlines: a digest takes up to 4 requests (HEAD, token, HEAD, GET). */
const DIGEST_DEADLINE_FACTOR = 2;
const TAG_LIST_DEADLINE_FACTOR = 6;
const USER_AGENT = 'container-guard';

export type RegistryErrorKind =
  | 'dns'
  | 'offline'
  | 'refused'
  | 'timeout'
  | 'tls'
  | 'unauthorized'
  | 'not-found'
  | 'rate-limited'
  | 'http'
  | 'protocol'
  | 'insecure'
  | 'cancelled';

/** A failed lookup; `message` is one sentence meant for the user. */
export class RegistryError extends Error {
  constructor(readonly kind: RegistryErrorKind, message: string) {
    super(message);
  }
}

export interface ManifestDigest {
  /** `sha256:…` of the manifest or index the tag points at. */
  digest: string;
  mediaType: string;
  /** An OCI index or a Docker manifest list: a multi-platform image, pinned by its index digest. */
  multiPlatform: boolean;
}

export interface CredentialSource {
  lookup(registry: string): CredentialLookup;
}

export interface RegistryClientOptions {
  /** How long one request may take, body included. */
  timeoutMs?: number;
  /** Docker's configuration; none means anonymous only. */
  credentials?: CredentialSource;
  /** For tests; Node's `fetch` otherwise. */
  fetch?: typeof fetch;
}

export interface OperationOptions {
  /** Cancels the operation (e.g. an LSP request was cancelled). */
  signal?: AbortSignal;
}

/** One lookup against one repository: its deadlines and where it goes. */
interface Operation {
  signal: AbortSignal;
  /** The whole operation's deadline. */
  deadline: AbortSignal;
  deadlineMs: number;
  /** The deadline of the request sent last (its body is read under it too). */
  requestDeadline?: AbortSignal;
  ref: Reference;
  /** `docker.io`, `ghcr.io`, `127.0.0.1:5000` (as the reference names it). */
  registry: string;
  /** The host that serves the API (`registry-1.docker.io` for Docker Hub). */
  host: string;
  base: string;
  credentials: CredentialLookup;
}

interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** `Bearer realm="…",service="…",scope="repository:a:pull,push"` → its scheme and parameters. */
export function parseChallenge(header: string | null): Challenge | undefined {
  if (!header) return undefined;
  const match = /^\s*([A-Za-z]+)\s*(.*)$/s.exec(header);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  const pattern = /([A-Za-z_][A-Za-z0-9_-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  for (let param = pattern.exec(match[2]); param; param = pattern.exec(match[2])) {
    params[param[1].toLowerCase()] = param[2] !== undefined ? param[2].replace(/\\(.)/g, '$1') : param[3];
  }
  return { scheme: match[1].toLowerCase(), params };
}

/** The `rel="next"` target of a `Link` header, if any. */
export function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (match && /;\s*rel="?next"?/i.test(match[2])) return match[1];
  }
  return undefined;
}

function describeRepository(op: Operation): string {
  return op.registry === DOCKER_HUB_DOMAIN ? `${familiarName(op.ref)} on Docker Hub` : `${op.ref.path} on ${op.registry}`;
}

/** What the error of a refused request adds about credentials. */
function credentialHint(op: Operation): string {
  switch (op.credentials.kind) {
    case 'helper':
      return ` Its credentials are kept by the credential helper "${op.credentials.helper}", which Container Guard does not run, so it asked anonymously.`;
    case 'unsupported':
      return ` Container Guard asked anonymously: ${op.credentials.reason}.`;
    case 'basic':
      return ' The credentials in your Docker configuration were refused.';
    default:
      return ` If it is private, log in with "docker login${op.registry === DOCKER_HUB_DOMAIN ? '' : ` ${op.registry}`}" (Container Guard reads the credentials it saves, not credential helpers).`;
  }
}

function basicAuthorization(credentials: { username: string; password: string }): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64')}`;
}

function digestOf(algorithm: string, body: Buffer): string | undefined {
  if (algorithm !== 'sha256' && algorithm !== 'sha384' && algorithm !== 'sha512') return undefined;
  return `${algorithm}:${createHash(algorithm).update(body).digest('hex')}`;
}

function isDigest(value: string | null): value is string {
  return value !== null && /^(sha256:[0-9a-f]{64}|sha384:[0-9a-f]{96}|sha512:[0-9a-f]{128})$/.test(value);
}

function mediaTypeOf(header: string | null): string {
  return (header ?? '').split(';')[0].trim().toLowerCase();
}

async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}

export class RegistryClient {
  private readonly timeoutMs: number;
  private readonly credentials: CredentialSource | undefined;
  private readonly fetch: typeof fetch;
  /** Bearer tokens by registry, realm, service and scope, until they expire. */
  private readonly tokens = new Map<string, { authorization: string; expires: number }>();

  constructor(options: RegistryClientOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.credentials = options.credentials;
    this.fetch = options.fetch ?? fetch;
  }

  /**
   * The digest of what the reference's tag (`latest` when none) points at now: a multi-platform
   * image gives its index digest. HEAD first (Docker Hub does not count it against pull limits),
   * GET when the HEAD gives no digest; a fetched body is hashed and must match `Docker-Content-Digest`.
   */
  async resolveDigest(ref: Reference, options: OperationOptions = {}): Promise<ManifestDigest> {
    return this.run(ref, options, this.timeoutMs * DIGEST_DEADLINE_FACTOR, async (op) => {
      const url = new URL(`${op.base}/v2/${op.ref.path}/manifests/${encodeURIComponent(tagOrLatest(op.ref))}`);
      const head = await this.authorized(op, url, 'HEAD', MANIFEST_ACCEPT);
      await discard(head);
      if (head.ok) {
        const digest = head.headers.get('docker-content-digest');
        const mediaType = mediaTypeOf(head.headers.get('content-type'));
        if (isDigest(digest) && ACCEPTED.has(mediaType)) return { digest, mediaType, multiPlatform: MULTI_PLATFORM.has(mediaType) };
      } else if (head.status !== 405) {
        this.failOnStatus(op, head, `the tag "${tagOrLatest(op.ref)}" of ${describeRepository(op)}`);
      }
      const response = await this.authorized(op, url, 'GET', MANIFEST_ACCEPT);
      if (!response.ok) this.failOnStatus(op, response, `the tag "${tagOrLatest(op.ref)}" of ${describeRepository(op)}`);
      const body = await this.readBody(op, response, MAX_MANIFEST_BYTES);
      let mediaType = mediaTypeOf(response.headers.get('content-type'));
      if (!ACCEPTED.has(mediaType)) {
        try {
          const declared = (JSON.parse(body.toString('utf8')) as { mediaType?: unknown }).mediaType;
          if (typeof declared === 'string') mediaType = declared;
        } catch {
          // not JSON: reported below
        }
      }
      if (!ACCEPTED.has(mediaType)) {
        throw new RegistryError('protocol', `${op.registry} serves ${describeRepository(op)} only as "${mediaType || 'an unknown type'}", not as an OCI or Docker v2 manifest, so it cannot be pinned.`);
      }
      const header = response.headers.get('docker-content-digest');
      const computed = digestOf(header?.split(':')[0] ?? 'sha256', body) ?? digestOf('sha256', body)!;
      if (header !== null && header !== computed) {
        throw new RegistryError('protocol', `${op.registry} sent a manifest whose content does not match its Docker-Content-Digest ${header}; not pinning to it.`);
      }
      return { digest: computed, mediaType, multiPlatform: MULTI_PLATFORM.has(mediaType) };
    });
  }

  /** Every tag of the reference's repository, in the registry's order (all pages). */
  async listTags(ref: Reference, options: OperationOptions = {}): Promise<string[]> {
    // Large repositories span many pages: each page has the request deadline, all of them a longer one.
    return this.run(ref, options, this.timeoutMs * TAG_LIST_DEADLINE_FACTOR, async (op) => {
      const tags: string[] = [];
      let url: URL | undefined = new URL(`${op.base}/v2/${op.ref.path}/tags/list`);
      for (let page = 0; url && page < MAX_TAG_PAGES; page++) {
        const response = await this.authorized(op, url, 'GET', 'application/json');
        if (!response.ok) this.failOnStatus(op, response, `the tags of ${describeRepository(op)}`);
        const body = await this.readBody(op, response, MAX_JSON_BYTES);
        let parsed: { tags?: unknown };
        try {
          parsed = JSON.parse(body.toString('utf8')) as { tags?: unknown };
        } catch {
          throw new RegistryError('protocol', `${op.registry} answered the tag list of ${describeRepository(op)} with something that is not JSON.`);
        }
        if (Array.isArray(parsed.tags)) tags.push(...parsed.tags.filter((tag): tag is string => typeof tag === 'string'));
        const next = nextLink(response.headers.get('link'));
        url = next ? new URL(next, url) : undefined;
        // A next page on another origin would get our token: only the same registry is followed.
        if (url && url.origin !== new URL(op.base).origin) url = undefined;
      }
      return tags;
    });
  }

  /** Sets up one operation (deadline, where it goes, credentials) and turns failures into RegistryErrors. */
  private async run<T>(ref: Reference, options: OperationOptions, deadlineMs: number, body: (op: Operation) => Promise<T>): Promise<T> {
    const deadline = AbortSignal.timeout(deadlineMs);
    const signal = options.signal ? AbortSignal.any([deadline, options.signal]) : deadline;
    const host = apiHost(ref.domain);
    const op: Operation = {
      signal,
      deadline,
      deadlineMs,
      ref,
      registry: ref.domain,
      host,
      base: `${isLoopback(host) ? 'http' : 'https'}://${host}`,
      credentials: this.credentials?.lookup(ref.domain) ?? { kind: 'none' },
    };
    try {
      return await body(op);
    } catch (error) {
      if (error instanceof RegistryError) throw error;
      throw this.networkError(op, error);
    }
  }

  /** One request with the token flow: on a 401, get a Bearer token (or use Basic credentials) and retry once. */
  private async authorized(op: Operation, url: URL, method: 'GET' | 'HEAD', accept: string): Promise<Response> {
    const scope = `repository:${op.ref.path}:pull`;
    const cached = this.cachedToken(op, scope);
    const first = await this.send(op, url, method, { Accept: accept, ...(cached ? { Authorization: cached } : {}) });
    if (first.status !== 401) return first;
    await discard(first);
    const challenge = parseChallenge(first.headers.get('www-authenticate'));
    let authorization: string | undefined;
    if (challenge?.scheme === 'bearer') authorization = await this.token(op, challenge, scope);
    else if (challenge?.scheme === 'basic' && op.credentials.kind === 'basic') authorization = basicAuthorization(op.credentials.credentials);
    if (!authorization) throw this.unauthorized(op, 401);
    const second = await this.send(op, url, method, { Accept: accept, Authorization: authorization });
    if (second.status === 401) {
      await discard(second);
      throw this.unauthorized(op, 401);
    }
    return second;
  }

  private tokenKey(op: Operation, scope: string): string {
    return `${op.host} ${scope}`;
  }

  private cachedToken(op: Operation, scope: string): string | undefined {
    const key = this.tokenKey(op, scope);
    const token = this.tokens.get(key);
    if (token && token.expires > Date.now()) return token.authorization;
    this.tokens.delete(key);
    return undefined;
  }

  /** The anonymous (or Basic-authenticated) Bearer token flow of the distribution spec. */
  private async token(op: Operation, challenge: Challenge, scope: string): Promise<string> {
    const realm = challenge.params.realm;
    let url: URL;
    try {
      url = new URL(realm ?? '');
    } catch {
      throw new RegistryError('protocol', `${op.registry} asked for a token without a usable realm.`);
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.host))) {
      throw new RegistryError('insecure', `${op.registry} sends token requests to ${url.origin}, which is not HTTPS; Container Guard does not ask it.`);
    }
    if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
    const wanted = challenge.params.scope ?? scope;
    url.searchParams.set('scope', wanted);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (op.credentials.kind === 'basic' && this.realmMayGetCredentials(op, url)) headers.Authorization = basicAuthorization(op.credentials.credentials);
    const response = await this.send(op, url, 'GET', headers);
    if (response.status === 401 || response.status === 403) {
      await discard(response);
      throw this.unauthorized(op, response.status);
    }
    if (!response.ok) this.failOnStatus(op, response, `a token for ${describeRepository(op)}`);
    const body = await this.readBody(op, response, MAX_JSON_BYTES);
    let parsed: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
    } catch {
      throw new RegistryError('protocol', `The token service of ${op.registry} answered with something that is not JSON.`);
    }
    const token = typeof parsed.token === 'string' && parsed.token !== '' ? parsed.token : parsed.access_token;
    if (typeof token !== 'string' || token === '') throw new RegistryError('protocol', `The token service of ${op.registry} sent no token.`);
    const authorization = `Bearer ${token}`;
    // The spec's default lifetime is 60 s; renew a little early.
    const lifetime = typeof parsed.expires_in === 'number' && parsed.expires_in > 0 ? parsed.expires_in : 60;
    if (this.tokens.size > 100) this.tokens.clear();
    this.tokens.set(this.tokenKey(op, scope), { authorization, expires: Date.now() + Math.max(0, lifetime - 10) * 1000 });
    return authorization;
  }

  /** Credentials go to a token realm on the registry's own host, or Docker Hub's `auth.docker.io`. */
  private realmMayGetCredentials(op: Operation, realm: URL): boolean {
    const realmHost = hostName(realm.host);
    if (realmHost === hostName(op.host)) return true;
    return op.registry === DOCKER_HUB_DOMAIN && realmHost === 'auth.docker.io';
  }

  /** fetch with our own redirect handling: no downgrade to HTTP, and no credentials to another origin. */
  private async send(op: Operation, start: URL, method: 'GET' | 'HEAD', headers: Record<string, string>): Promise<Response> {
    let url = start;
    const sent: Record<string, string> = { ...headers, 'User-Agent': USER_AGENT };
    for (let hop = 0; ; hop++) {
      if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.host))) {
        throw new RegistryError('insecure', `${op.registry} redirected to ${url.origin}, which is not HTTPS; Container Guard does not follow it.`);
      }
      op.requestDeadline = AbortSignal.timeout(this.timeoutMs);
      const signal = AbortSignal.any([op.signal, op.requestDeadline]);
      const response = await this.fetch(url, { method, headers: sent, redirect: 'manual', signal });
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) return response;
      await discard(response);
      if (hop >= MAX_REDIRECTS) throw new RegistryError('protocol', `${op.registry} redirected too many times.`);
      const next = new URL(location, url);
      if (next.origin !== url.origin) delete sent.Authorization;
      url = next;
    }
  }

  private async readBody(op: Operation, response: Response, limit: number): Promise<Buffer> {
    const length = Number(response.headers.get('content-length') ?? '0');
    if (length > limit) {
      await discard(response);
      throw new RegistryError('protocol', `${op.registry} sent an answer of ${length} bytes, more than the ${limit} expected.`);
    }
    const body = Buffer.from(await response.arrayBuffer());
    if (body.length > limit) throw new RegistryError('protocol', `${op.registry} sent an answer of more than ${limit} bytes.`);
    return body;
  }

  private unauthorized(op: Operation, status: number): RegistryError {
    return new RegistryError('unauthorized', `${op.registry} refused access to ${describeRepository(op)} (${status}): the repository does not exist or needs credentials.${credentialHint(op)}`);
  }

  /** Throws the RegistryError for a non-2xx answer about `what`. */
  private failOnStatus(op: Operation, response: Response, what: string): never {
    void discard(response);
    const status = response.status;
    if (status === 401 || status === 403) throw this.unauthorized(op, status);
    if (status === 404) throw new RegistryError('not-found', `${capitalize(what)} was not found (404).`);
    if (status === 429) {
      const retry = response.headers.get('retry-after');
      throw new RegistryError('rate-limited', `${op.registry} is limiting requests (429 Too Many Requests); try again${retry && /^\d+$/.test(retry) ? ` in ${retry} s` : ' later'}.`);
    }
    throw new RegistryError('http', `${op.registry} answered ${status}${response.statusText ? ` ${response.statusText}` : ''} when asked for ${what}.`);
  }

  /** A fetch that failed before any answer: timeout, cancellation, DNS, refused, TLS… */
  private networkError(op: Operation, error: unknown): RegistryError {
    if (op.requestDeadline?.aborted) {
      return new RegistryError('timeout', `${op.host} did not answer within ${formatSeconds(this.timeoutMs)}.`);
    }
    if (op.deadline.aborted) {
      return new RegistryError('timeout', `${op.registry} did not finish answering within ${formatSeconds(op.deadlineMs)}.`);
    }
    if (op.signal.aborted) return new RegistryError('cancelled', `The lookup on ${op.registry} was cancelled.`);
    const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
    const code = String(cause?.code ?? (error as { code?: unknown } | undefined)?.code ?? '');
    if (['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA'].includes(code)) {
      return new RegistryError('dns', `Could not resolve ${hostName(op.host)}: you may be offline, or the registry name is wrong.`);
    }
    if (code === 'ECONNREFUSED') return new RegistryError('refused', `${op.host} refused the connection: no registry is listening there.`);
    if (['ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'EHOSTDOWN'].includes(code)) {
      return new RegistryError('offline', `No network route to ${op.host}: you may be offline.`);
    }
    if (['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT'].includes(code)) {
      return new RegistryError('timeout', `${op.host} did not answer in time.`);
    }
    if (/CERT|TLS|SSL|SELF_SIGNED/.test(code)) return new RegistryError('tls', `The TLS connection to ${op.host} failed (${code}).`);
    if (['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED'].includes(code)) {
      return new RegistryError('http', `${op.host} closed the connection before answering.`);
    }
    const detail = typeof cause?.message === 'string' ? cause.message : error instanceof Error ? error.message : String(error);
    return new RegistryError('http', `Could not reach ${op.host}: ${detail}.`);
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
