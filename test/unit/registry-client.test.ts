// The OCI distribution client against real registries: Debian's docker-registry on 127.0.0.1 (one
// open, one with token auth whose token endpoint these tests serve, so the Bearer flow runs for real),
// a port where nothing listens, and a server that accepts and never answers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_TIMEOUT_MS, RegistryClient, RegistryError, MEDIA_TYPES } from '../../server/src/registry/client';
import { DockerCredentials } from '../../server/src/registry/credentials';
import { parseReference } from '../../server/src/registry/reference';
import { dockerConfigDir, freePort, Registry, registryMissing, SilentServer, TokenServer } from './registry-kit';

const skip = registryMissing();

function isError(kind: RegistryError['kind'], message: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof RegistryError, String(error));
    assert.equal(error.kind, kind, error.message);
    assert.match(error.message, message);
    return true;
  };
}

describe('registry client against docker-registry', { skip }, () => {
  const registry = new Registry();
  const client = new RegistryClient();
  let single: string;
  let oci: string;
  let index: { digest: string; manifests: string[] };

  before(async () => {
    await registry.start();
    [single, oci, index] = await Promise.all([
      registry.pushImage('library/node', '22-bookworm-slim'),
      registry.pushImage('team/app', '1.0', { oci: true }),
      registry.pushIndex('team/app', '2.0', ['linux/amd64', 'linux/arm64']),
      ...['22.12.0-bookworm-slim', '22.12.0-alpine', 'latest', '20-bookworm-slim'].map((tag) => registry.pushImage('library/node', tag)),
    ]);
  });
  after(() => registry.stop());

  test('a Docker v2 manifest resolves to its digest (HEAD), the tag is kept in the reference', async () => {
    const result = await client.resolveDigest(parseReference(`${registry.host}/library/node:22-bookworm-slim`));
    assert.deepEqual(result, { digest: single, mediaType: MEDIA_TYPES.dockerManifest, multiPlatform: false });
  });

  test('an OCI manifest, and a multi-platform OCI index resolves to the index digest, not a platform', async () => {
    assert.equal((await client.resolveDigest(parseReference(`${registry.host}/team/app:1.0`))).digest, oci);
    const result = await client.resolveDigest(parseReference(`${registry.host}/team/app:2.0`));
    assert.deepEqual(result, { digest: index.digest, mediaType: MEDIA_TYPES.ociIndex, multiPlatform: true });
    assert.ok(!index.manifests.includes(result.digest));
  });

  test('no tag means latest; a moved tag gives the new digest', async () => {
    const latest = await client.resolveDigest(parseReference(`${registry.host}/library/node`));
    const moved = await registry.pushImage('library/node', 'latest');
    assert.notEqual(latest.digest, moved);
    assert.equal((await client.resolveDigest(parseReference(`${registry.host}/library/node`))).digest, moved);
  });

  test('GET when the HEAD gives no digest: the body is hashed and checked against Docker-Content-Digest', async () => {
    // A registry whose HEAD answers without the header, in front of the real one.
    const headless = new RegistryClient({
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        if (init?.method !== 'HEAD') return response;
        const headers = new Headers(response.headers);
        headers.delete('docker-content-digest');
        return new Response(null, { status: response.status, headers });
      },
    });
    assert.equal((await headless.resolveDigest(parseReference(`${registry.host}/team/app:2.0`))).digest, index.digest);
    const lying = new RegistryClient({
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        const headers = new Headers(response.headers);
        if (init?.method === 'HEAD') headers.delete('docker-content-digest');
        else headers.set('docker-content-digest', `sha256:${'0'.repeat(64)}`);
        return new Response(init?.method === 'HEAD' ? null : await response.arrayBuffer(), { status: response.status, headers });
      },
    });
    await assert.rejects(lying.resolveDigest(parseReference(`${registry.host}/team/app:2.0`)), isError('protocol', /does not match its Docker-Content-Digest/));
  });

  test('an unknown tag or repository is a 404 with one readable sentence', async () => {
    await assert.rejects(client.resolveDigest(parseReference(`${registry.host}/library/node:99`)), isError('not-found', /^The tag "99" of library\/node on 127\.0\.0\.1:\d+ was not found \(404\)\.$/));
    await assert.rejects(client.listTags(parseReference(`${registry.host}/nobody/here`)), isError('not-found', /^The tags of nobody\/here on .* was not found \(404\)\.$/));
  });

  test('tags are listed across Link pages', async () => {
    const tags = await client.listTags(parseReference(`${registry.host}/library/node:22-bookworm-slim`));
    assert.deepEqual([...tags].sort(), ['20-bookworm-slim', '22-bookworm-slim', '22.12.0-alpine', '22.12.0-bookworm-slim', 'latest']);
    // distribution 2.8 answers in one page; a registry that pages (distribution 3, Docker Hub, GHCR) sends
    // `Link: <…?last=…&n=2>; rel="next"`. Here the real answer is served two tags a page.
    const pages: string[] = [];
    const paged = new RegistryClient({
      fetch: async (input, init) => {
        const url = new URL(String(input));
        pages.push(url.search);
        const all = ((await (await fetch(`${url.origin}${url.pathname}`, init)).json()) as { tags: string[] }).tags.sort();
        const from = url.searchParams.has('last') ? all.indexOf(url.searchParams.get('last')!) + 1 : 0;
        const page = all.slice(from, from + 2);
        const more = from + 2 < all.length;
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (more) headers.link = `<${url.pathname}?last=${page[page.length - 1]}&n=2>; rel="next"`;
        return new Response(JSON.stringify({ name: 'library/node', tags: page }), { status: 200, headers });
      },
    });
    assert.deepEqual((await paged.listTags(parseReference(`${registry.host}/library/node`))).sort(), [...tags].sort());
    assert.deepEqual(pages, ['', '?last=22-bookworm-slim&n=2', '?last=22.12.0-bookworm-slim&n=2']);
  });
});

describe('registry client with token auth', { skip }, () => {
  let dir: string;
  let token: TokenServer;
  let registry: Registry;
  let digest: string;
  let configDir: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-token-'));
    token = new TokenServer(dir);
    await token.start();
    registry = new Registry({ token });
    await registry.start();
    digest = await registry.pushImage('team/app', '1.0');
    await registry.pushImage('private/app', '1.0');
    token.protectedRepositories.add('private/app');
    configDir = dockerConfigDir({ auths: { [registry.host]: { auth: Buffer.from(`${token.username}:${token.password}`).toString('base64') } } });
  });
  after(async () => {
    await registry.stop();
    await token.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(configDir, { recursive: true, force: true });
  });

  test('the anonymous Bearer flow: 401 with WWW-Authenticate, a token for the scope from the realm, the retry', async () => {
    token.requests.length = 0;
    const client = new RegistryClient();
    assert.equal((await client.resolveDigest(parseReference(`${registry.host}/team/app:1.0`))).digest, digest);
    assert.deepEqual(token.requests, [{ service: token.service, scope: 'repository:team/app:pull', authorization: undefined, host: `127.0.0.1:${token.port}` }]);
    // The token is reused for the same repository until it expires.
    assert.deepEqual(await client.listTags(parseReference(`${registry.host}/team/app`)), ['1.0']);
    assert.equal(token.requests.length, 1);
  });

  test('a private repository: refused anonymously with the way out named; Basic credentials from the config file go to the realm on the same host', async () => {
    await assert.rejects(
      new RegistryClient().resolveDigest(parseReference(`${registry.host}/private/app:1.0`)),
      isError('unauthorized', /refused access to private\/app on 127\.0\.0\.1:\d+ \(401\): the repository does not exist or needs credentials\. If it is private, log in with "docker login 127\.0\.0\.1:\d+"/),
    );
    token.requests.length = 0;
    const client = new RegistryClient({ credentials: new DockerCredentials(path.join(configDir, 'config.json')) });
    assert.match((await client.resolveDigest(parseReference(`${registry.host}/private/app:1.0`))).digest, /^sha256:[0-9a-f]{64}$/);
    assert.equal(token.requests[0].authorization, `Basic ${Buffer.from('user:secret').toString('base64')}`);
  });

  test('a credential helper is not run: anonymous, and the message says so', async () => {
    const helperDir = dockerConfigDir({ credHelpers: { [registry.host]: 'secretservice' } });
    try {
      const client = new RegistryClient({ credentials: new DockerCredentials(path.join(helperDir, 'config.json')) });
      await assert.rejects(client.resolveDigest(parseReference(`${registry.host}/private/app:1.0`)), isError('unauthorized', /credential helper "secretservice", which Container Guard does not run/));
    } finally {
      fs.rmSync(helperDir, { recursive: true, force: true });
    }
  });
});

describe('registry client: credentials stay with their registry', { skip }, () => {
  let dir: string;
  let token: TokenServer;
  let registry: Registry;
  let configDir: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-token-'));
    // The realm is on another host (127.0.0.2): it must not get the registry's credentials.
    token = new TokenServer(dir, '127.0.0.2');
    await token.start();
    registry = new Registry({ token });
    await registry.start();
    await registry.pushImage('team/app', '1.0');
    configDir = dockerConfigDir({ auths: { [registry.host]: { username: 'user', password: 'secret' } } });
  });
  after(async () => {
    await registry.stop();
    await token.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(configDir, { recursive: true, force: true });
  });

  test('a token realm on another host is asked anonymously', async () => {
    const client = new RegistryClient({ credentials: new DockerCredentials(path.join(configDir, 'config.json')) });
    await client.resolveDigest(parseReference(`${registry.host}/team/app:1.0`));
    assert.equal(token.requests.length, 1);
    assert.equal(token.requests[0].authorization, undefined);
  });
});

describe('registries that fail', () => {
  test('nothing listens: refused at once', async () => {
    const port = await freePort();
    const started = Date.now();
    await assert.rejects(new RegistryClient().resolveDigest(parseReference(`127.0.0.1:${port}/app:1`)), isError('refused', new RegExp(`^127\\.0\\.0\\.1:${port} refused the connection`)));
    assert.ok(Date.now() - started < 1000);
  });

  test('a registry that never answers ends at the deadline (5 s by default)', async () => {
    assert.equal(DEFAULT_TIMEOUT_MS, 5000);
    const silent = new SilentServer();
    await silent.start();
    try {
      const started = Date.now();
      await assert.rejects(new RegistryClient({ timeoutMs: 300 }).resolveDigest(parseReference(`${silent.host}/app:1`)), isError('timeout', /^127\.0\.0\.1:\d+ did not answer within 0\.3 s\.$/));
      const waited = Date.now() - started;
      assert.ok(waited >= 290 && waited < 1500, `waited ${waited} ms`);
      assert.equal(silent.connections, 1);
      // A tag list may span many pages, but each page must answer within the same deadline.
      await assert.rejects(new RegistryClient({ timeoutMs: 300 }).listTags(parseReference(`${silent.host}/app`)), isError('timeout', /did not answer within 0\.3 s\.$/));
      assert.ok(Date.now() - started < 2500);
    } finally {
      await silent.stop();
    }
  });

  test('DNS failure (the .invalid top-level domain never resolves)', async () => {
    await assert.rejects(new RegistryClient().resolveDigest(parseReference('registry.invalid/app:1')), isError('dns', /^Could not resolve registry\.invalid: you may be offline, or the registry name is wrong\.$/));
  });

  test('429 and other statuses', async () => {
    const answering = (status: number, headers: Record<string, string> = {}) => new RegistryClient({ fetch: async () => new Response(null, { status, headers }) });
    await assert.rejects(answering(429, { 'retry-after': '30' }).resolveDigest(parseReference('127.0.0.1:1/app:1')), isError('rate-limited', /^127\.0\.0\.1:1 is limiting requests \(429 Too Many Requests\); try again in 30 s\.$/));
    await assert.rejects(answering(503).resolveDigest(parseReference('127.0.0.1:1/app:1')), isError('http', /^127\.0\.0\.1:1 answered 503 when asked for the tag "1" of app on 127\.0\.0\.1:1\.$/));
    await assert.rejects(answering(401).resolveDigest(parseReference('127.0.0.1:1/app:1')), isError('unauthorized', /refused access/));
  });

  test('never plain HTTP to a registry that is not this machine, nor credentials across a redirect', async () => {
    const seen: { url: string; authorization: string | null }[] = [];
    const client = new RegistryClient({
      fetch: async (input, init) => {
        const url = String(input);
        seen.push({ url, authorization: new Headers(init?.headers).get('authorization') });
        if (url.startsWith('https://registry.example/v2/')) return new Response(null, { status: 307, headers: { location: 'http://cdn.example/blob' } });
        return new Response(null, { status: 404 });
      },
      credentials: { lookup: () => ({ kind: 'basic', credentials: { username: 'u', password: 'p' } }) },
    });
    await assert.rejects(client.resolveDigest(parseReference('registry.example/app:1')), isError('insecure', /redirected to http:\/\/cdn\.example, which is not HTTPS/));
    assert.deepEqual(seen.map((s) => s.url), ['https://registry.example/v2/app/manifests/1']);
  });
});
