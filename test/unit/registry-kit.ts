// Real registries for the pinning tests: Debian's `docker-registry` (distribution 2.8) started on
// 127.0.0.1 with a temporary storage folder, optionally configured for token auth against a token
// endpoint served here (JWTs signed with a throwaway key whose certificate the registry trusts); images
// pushed through the registry HTTP API; a closed port and a server that accepts and never answers.
// Not a test file itself: the unit and protocol tests import from it. Everything started is stopped by
// its `stop()`, and temporary folders are removed.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, sign } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const REGISTRY_BINARY = '/usr/bin/docker-registry';

/**
 * Why the registry tests cannot run here, or false when they can. In CI (`CI=true`) they must run: a
 * missing package is then a failure, not a skip (.ci/run installs `docker-registry`).
 */
export function registryMissing(): string | false {
  if (fs.existsSync(REGISTRY_BINARY)) return false;
  if (process.env.CI) throw new Error(`${REGISTRY_BINARY} is missing: .ci/run installs the Debian package docker-registry`);
  return 'docker-registry is not installed (apt-get install docker-registry)';
}

export const MEDIA = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
};

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** A port nothing listens on right now (bound, then released). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// ---------------------------------------------------------------- token endpoint

export interface TokenRequest {
  service: string | null;
  scope: string | null;
  /** The Authorization header the client sent, if any. */
  authorization: string | undefined;
  host: string | undefined;
}

/**
 * A token endpoint for the registry's `auth: token:` configuration: it issues ES256 JWTs with an `x5c`
 * header holding a self-signed certificate that the registry trusts (`rootcertbundle`). Repositories
 * in `protectedRepositories` get a token only with the Basic credentials `user:secret`.
 */
export class TokenServer {
  readonly issuer = 'container-guard-test';
  readonly service = 'container-guard-registry';
  readonly requests: TokenRequest[] = [];
  readonly protectedRepositories = new Set<string>();
  readonly username = 'user';
  readonly password = 'secret';
  readonly certFile: string;
  private readonly key: string;
  private readonly certDer: string;
  private server: http.Server | undefined;
  port = 0;

  constructor(private readonly dir: string, private readonly host = '127.0.0.1') {
    const keyFile = path.join(dir, 'token.key');
    this.certFile = path.join(dir, 'token.crt');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', this.certFile, '-days', '2', '-subj', '/CN=container-guard-test'], { stdio: 'ignore' });
    this.key = fs.readFileSync(keyFile, 'utf8');
    this.certDer = fs.readFileSync(this.certFile, 'utf8').replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  }

  get realm(): string {
    return `http://${this.host}:${this.port}/token`;
  }

  async start(): Promise<void> {
    this.server = http.createServer((request, response) => this.handle(request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, this.host, resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  /** A signed token granting `actions` on `repository`. */
  issue(repository: string, actions: string[]): string {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const header = encode({ typ: 'JWT', alg: 'ES256', x5c: [this.certDer] });
    const claims = encode({
      iss: this.issuer,
      sub: 'tester',
      aud: this.service,
      exp: now + 300,
      nbf: now - 10,
      iat: now - 10,
      jti: randomBytes(8).toString('hex'),
      access: [{ type: 'repository', name: repository, actions }],
    });
    const signature = sign('sha256', Buffer.from(`${header}.${claims}`), { key: this.key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    return `${header}.${claims}.${signature}`;
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    const url = new URL(request.url ?? '/', `http://${request.headers.host}`);
    const scope = url.searchParams.get('scope');
    this.requests.push({ service: url.searchParams.get('service'), scope, authorization: request.headers.authorization, host: request.headers.host });
    const match = /^repository:([^:]+):(.+)$/.exec(scope ?? '');
    const repository = match?.[1] ?? '';
    const basic = `Basic ${Buffer.from(`${this.username}:${this.password}`).toString('base64')}`;
    if (this.protectedRepositories.has(repository) && request.headers.authorization !== basic) {
      response.writeHead(401, { 'Content-Type': 'application/json' }).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
      return;
    }
    const token = this.issue(repository, match ? match[2].split(',') : []);
    response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ token, expires_in: 300 }));
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

// ---------------------------------------------------------------- registry

export interface RegistryOptions {
  /** Token auth against this endpoint. */
  token?: TokenServer;
}

/** `docker-registry serve` on 127.0.0.1 with a temporary storage folder. */
export class Registry {
  private dir = '';
  port = 0;
  private process: ChildProcess | undefined;
  private log = '';

  constructor(private readonly options: RegistryOptions = {}) {}

  /** `127.0.0.1:<port>`, as an image reference names it. */
  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  get url(): string {
    return `http://${this.host}`;
  }

  async start(): Promise<void> {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-registry-'));
    this.port = await freePort();
    const storage = path.join(this.dir, 'storage');
    fs.mkdirSync(storage);
    const token = this.options.token;
    const auth = token
      ? ['auth:', '  token:', `    realm: ${token.realm}`, `    service: ${token.service}`, `    issuer: ${token.issuer}`, `    rootcertbundle: ${token.certFile}`]
      : [];
    const config = [
      'version: 0.1',
      'log:',
      '  level: info',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${storage}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: 127.0.0.1:${this.port}`,
      `  secret: ${randomBytes(16).toString('hex')}`,
      ...auth,
      '',
    ].join('\n');
    const configFile = path.join(this.dir, 'config.yml');
    fs.writeFileSync(configFile, config);
    const child = spawn(REGISTRY_BINARY, ['serve', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.process = child;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`docker-registry did not start:\n${this.log}`)), 15000);
      const onData = (chunk: Buffer) => {
        this.log += String(chunk);
        if (this.log.includes('listening on')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`docker-registry exited with ${code}:\n${this.log}`));
      });
    });
  }

  async stop(): Promise<void> {
    const child = this.process;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    }
    if (this.dir !== '') fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** Headers for a push: a push token from the token server when the registry wants one. */
  private headers(repository: string, extra: Record<string, string> = {}): Record<string, string> {
    const token = this.options.token;
    return token ? { ...extra, Authorization: `Bearer ${token.issue(repository, ['pull', 'push'])}` } : extra;
  }

  /** Uploads a blob: POST an upload session, then PUT the content with its digest. */
  async pushBlob(repository: string, content: Buffer): Promise<{ digest: string; size: number }> {
    const digest = sha256(content);
    const started = await fetch(`${this.url}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers: this.headers(repository) });
    if (started.status !== 202) throw new Error(`upload start: ${started.status} ${await started.text()}`);
    const location = new URL(started.headers.get('location')!, this.url);
    location.searchParams.set('digest', digest);
    const put = await fetch(location, { method: 'PUT', headers: this.headers(repository, { 'Content-Type': 'application/octet-stream' }), body: content });
    if (put.status !== 201) throw new Error(`upload: ${put.status} ${await put.text()}`);
    return { digest, size: content.length };
  }

  /** PUTs a manifest or index under a tag or digest; returns its digest as the registry computed it. */
  async pushManifest(repository: string, reference: string, mediaType: string, body: string): Promise<string> {
    const response = await fetch(`${this.url}/v2/${repository}/manifests/${reference}`, {
      method: 'PUT',
      headers: this.headers(repository, { 'Content-Type': mediaType }),
      body,
    });
    if (response.status !== 201) throw new Error(`manifest ${repository}:${reference}: ${response.status} ${await response.text()}`);
    const digest = response.headers.get('docker-content-digest')!;
    if (digest !== sha256(body)) throw new Error('the registry computed another digest');
    return digest;
  }

  /**
   * A single-platform image (Docker v2 schema 2, or OCI with `oci`) under `tag`. Every push has new
   * content, so pushing a tag again moves it to a new digest.
   */
  async pushImage(repository: string, tag: string, options: { oci?: boolean; platform?: string } = {}): Promise<string> {
    const body = this.manifestBody(await this.imageParts(repository, options.platform ?? 'linux/amd64'), options.oci ?? false);
    return this.pushManifest(repository, tag, options.oci ? MEDIA.ociManifest : MEDIA.dockerManifest, body);
  }

  /** A multi-platform image: one OCI manifest per platform (pushed by digest) and an OCI index under `tag`. */
  async pushIndex(repository: string, tag: string, platforms: string[]): Promise<{ digest: string; manifests: string[] }> {
    const entries = [];
    for (const platform of platforms) {
      const body = this.manifestBody(await this.imageParts(repository, platform), true);
      const digest = await this.pushManifest(repository, sha256(body), MEDIA.ociManifest, body);
      const [os, architecture] = platform.split('/');
      entries.push({ mediaType: MEDIA.ociManifest, size: Buffer.byteLength(body), digest, platform: { architecture, os } });
    }
    const index = JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.ociIndex, manifests: entries });
    return { digest: await this.pushManifest(repository, tag, MEDIA.ociIndex, index), manifests: entries.map((entry) => entry.digest) };
  }

  private async imageParts(repository: string, platform: string) {
    const [os, architecture] = platform.split('/');
    const layer = await this.pushBlob(repository, randomBytes(64));
    const config = Buffer.from(JSON.stringify({ architecture, os, rootfs: { type: 'layers', diff_ids: [layer.digest] }, config: { Labels: { nonce: randomBytes(8).toString('hex') } } }));
    return { layer, config: await this.pushBlob(repository, config) };
  }

  private manifestBody(parts: { layer: { digest: string; size: number }; config: { digest: string; size: number } }, oci: boolean): string {
    return JSON.stringify({
      schemaVersion: 2,
      mediaType: oci ? MEDIA.ociManifest : MEDIA.dockerManifest,
      config: { mediaType: oci ? MEDIA.ociConfig : MEDIA.dockerConfig, ...parts.config },
      layers: [{ mediaType: oci ? MEDIA.ociLayer : MEDIA.dockerLayer, ...parts.layer }],
    });
  }
}

// ---------------------------------------------------------------- registries that fail

/** A TCP server that accepts connections and never answers (the client's deadline must end the wait). */
export class SilentServer {
  private readonly sockets = new Set<net.Socket>();
  private readonly server = net.createServer((socket) => {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  port = 0;
  connections = 0;

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server.on('connection', () => this.connections++);
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** An HTTP server that counts every request (to prove that nothing asked a registry) and answers 404. */
export class SpyServer {
  readonly requests: string[] = [];
  private readonly server = http.createServer((request, response) => {
    this.requests.push(`${request.method} ${request.url}`);
    response.writeHead(404).end();
  });
  port = 0;

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A folder with a Docker `config.json` (for `DOCKER_CONFIG` or `DockerCredentials`); removed by the caller. */
export function dockerConfigDir(config: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-docker-config-'));
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}
