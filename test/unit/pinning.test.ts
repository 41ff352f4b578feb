// Image pinning, offline parts: references normalised as Docker does, "newest first" tag order,
// where a file names images and how a pin is written there, the answer cache, Docker's credentials
// file, the WWW-Authenticate and Link parsers.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { imageLocations, locationAt, locationOfRange, pinnedText, type ImageLocation } from '../../server/src/engine/image-locations';
import { parseCompose } from '../../server/src/engine/compose/model';
import { parseDockerfile } from '../../server/src/engine/dockerfile/model';
import { analyze } from '../../server/src/engine/engine';
import { applyEdits } from '../../server/src/engine/text';
import { TtlCache } from '../../server/src/registry/cache';
import { nextLink, parseChallenge } from '../../server/src/registry/client';
import { DockerCredentials, defaultDockerConfigPath } from '../../server/src/registry/credentials';
import {
  apiHost,
  canonicalString,
  familiarString,
  InvalidReferenceError,
  isLoopback,
  parseReference,
} from '../../server/src/registry/reference';
import { sortTags, tagVariant } from '../../server/src/registry/tags';
import { dockerConfigDir } from './registry-kit';
import { lines, range } from './kit';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('references are normalised as Docker normalises them', () => {
  const cases: [string, string, string][] = [
    // written, canonical, familiar
    ['node', 'docker.io/library/node', 'node'],
    ['node:22-bookworm-slim', 'docker.io/library/node:22-bookworm-slim', 'node:22-bookworm-slim'],
    ['library/node:22', 'docker.io/library/node:22', 'node:22'],
    ['docker.io/node', 'docker.io/library/node', 'node'],
    ['index.docker.io/library/node:22', 'docker.io/library/node:22', 'node:22'],
    ['grafana/grafana:11.1.0', 'docker.io/grafana/grafana:11.1.0', 'grafana/grafana:11.1.0'],
    ['ghcr.io/owner/app:1.2', 'ghcr.io/owner/app:1.2', 'ghcr.io/owner/app:1.2'],
    ['localhost/app', 'localhost/app', 'localhost/app'],
    ['localhost:5000/team/app:v1', 'localhost:5000/team/app:v1', 'localhost:5000/team/app:v1'],
    ['registry:5000/app', 'registry:5000/app', 'registry:5000/app'],
    ['127.0.0.1:5000/app@' + DIGEST, '127.0.0.1:5000/app@' + DIGEST, '127.0.0.1:5000/app@' + DIGEST],
    ['node:22@' + DIGEST, 'docker.io/library/node:22@' + DIGEST, 'node:22@' + DIGEST],
    ['[::1]:5000/app:1', '[::1]:5000/app:1', '[::1]:5000/app:1'],
    // An upper-case first component is a registry host (Docker's rule), not a Hub namespace.
    ['Example/app', 'Example/app', 'Example/app'],
    // Hub's API host is not Hub's name: no `library/` for it.
    ['registry-1.docker.io/node', 'registry-1.docker.io/node', 'registry-1.docker.io/node'],
  ];
  for (const [written, canonical, familiar] of cases) {
    test(written, () => {
      const ref = parseReference(written);
      assert.equal(canonicalString(ref), canonical);
      assert.equal(familiarString(ref), familiar);
    });
  }

  test('the tag is only looked for after the last slash; a port is not a tag', () => {
    assert.deepEqual(parseReference('reg:5000/app'), { domain: 'reg:5000', path: 'app', tag: null, digest: null });
    assert.deepEqual(parseReference('reg:5000/app:1.0'), { domain: 'reg:5000', path: 'app', tag: '1.0', digest: null });
  });

  test('Docker refuses these, with its reasons', () => {
    const refused: [string, RegExp][] = [
      ['Node:22', /repository name \(library\/Node\) must be lowercase/],
      ['a'.repeat(64), /cannot specify 64-byte hexadecimal strings/],
      ['node:', /invalid reference format/],
      ['node@sha256:abc', /invalid reference format/],
      [`node@md5:${'a'.repeat(32)}`, /unsupported digest algorithm: md5/],
      [`node@sha256:${'A'.repeat(64)}`, /invalid checksum digest format/],
      [`node@sha256:${'a'.repeat(63)}`, /invalid checksum digest format/],
      ['-node', /invalid reference format/],
      [`${'a'.repeat(250)}/b`, /must not be more than 255 characters/],
    ];
    for (const [written, reason] of refused) assert.throws(() => parseReference(written), (error: unknown) => error instanceof InvalidReferenceError && reason.test(error.message), written);
  });

  test('Docker Hub is served by registry-1.docker.io; only loopback registries are plain HTTP', () => {
    assert.equal(apiHost('docker.io'), 'registry-1.docker.io');
    assert.equal(apiHost('ghcr.io'), 'ghcr.io');
    for (const host of ['localhost', 'localhost:5000', '127.0.0.1:5000', '127.1.2.3', '[::1]:5000', 'registry.localhost']) assert.equal(isLoopback(host), true, host);
    for (const host of ['ghcr.io', 'localhost.example.com', '10.0.0.1:5000', '128.0.0.1', 'docker.io']) assert.equal(isLoopback(host), false, host);
  });
});

describe('tags, newest first', () => {
  const nodeTags = [
    'latest', 'lts-alpine', '22', '22-alpine', '22-bookworm-slim', '22.12.0-bookworm-slim', '22.9.0-bookworm-slim',
    '22.12-bookworm-slim', '20-bookworm-slim', '20.18.1-bookworm-slim', '22.12.0', '22.12.0-alpine', 'bookworm', 'alpine',
    'current-alpine', 'stable', `sha256-${'c'.repeat(64)}.sig`, 'v23.0.0-bookworm-slim',
  ];

  test('the current tag\'s variant first, versions descending (more specific first), named tags, floating words last', () => {
    assert.deepEqual(sortTags(nodeTags, '22-bookworm-slim'), [
      'v23.0.0-bookworm-slim',
      '22.12.0-bookworm-slim',
      '22.12-bookworm-slim',
      '22.9.0-bookworm-slim',
      '22-bookworm-slim',
      '20.18.1-bookworm-slim',
      '20-bookworm-slim',
      '22.12.0',
      '22.12.0-alpine',
      '22',
      '22-alpine',
      'alpine',
      'bookworm',
      'current-alpine',
      'latest',
      'lts-alpine',
      'stable',
    ]);
  });

  test('a floating or missing tag asks for the plain versions; `lts-alpine` asks for the alpine ones', () => {
    assert.deepEqual(sortTags(nodeTags, null).slice(0, 3), ['22.12.0', '22', 'v23.0.0-bookworm-slim']);
    assert.deepEqual(sortTags(nodeTags, 'latest').slice(0, 2), ['22.12.0', '22']);
    assert.deepEqual(sortTags(nodeTags, 'lts-alpine').slice(0, 2), ['22.12.0-alpine', '22-alpine']);
    assert.equal(tagVariant('lts-alpine'), 'alpine');
    assert.equal(tagVariant('22.12.0-bookworm-slim'), 'bookworm-slim');
    assert.equal(tagVariant('latest'), '');
    assert.equal(tagVariant('alpine'), 'alpine');
  });

  test('cosign signatures and duplicates are not offered', () => {
    assert.deepEqual(sortTags(['1.0', '1.0', `sha256-${'d'.repeat(64)}.att`], '1.0'), ['1.0']);
  });
});

describe('image locations: where a file names images and how a pin is written', () => {
  function locations(text: string): ImageLocation[] {
    return imageLocations(parseDockerfile(text), 'dockerfile');
  }
  function pin(text: string, location: ImageLocation, tag?: string): string {
    assert.ok(location.edit);
    return applyEdits(text, [{ range: location.edit.range, newText: pinnedText(location.edit.text, DIGEST, tag) }]);
  }

  test('FROM, COPY --from, RUN --mount from= and # syntax=, with exact ranges; stages, indexes and scratch are not images', () => {
    const text = lines(
      '# syntax=docker/dockerfile:1.7',
      'FROM node:22-slim AS build',
      'COPY --from=build /a /b',
      'COPY --from=0 /a /b',
      'COPY --from=nginx:1.27 /etc/nginx /etc/nginx',
      'RUN --mount=type=bind,from=ghcr.io/a/tools:2,target=/t true',
      'FROM scratch',
    );
    const found = locations(text);
    assert.deepEqual(
      found.map((l) => [l.use, l.reference, l.range]),
      [
        ['syntax', 'docker/dockerfile:1.7', range(0, 9, 0, 30)],
        ['from', 'node:22-slim', range(1, 5, 1, 17)],
        ['copy-from', 'nginx:1.27', range(4, 12, 4, 22)],
        ['mount-from', 'ghcr.io/a/tools:2', range(5, 27, 5, 44)],
      ],
    );
    assert.equal(
      pin(text, found[3]),
      text.replace('from=ghcr.io/a/tools:2,', `from=ghcr.io/a/tools:2@${DIGEST},`),
    );
    assert.equal(pin(text, found[0]), text.replace('# syntax=docker/dockerfile:1.7', `# syntax=docker/dockerfile:1.7@${DIGEST}`));
  });

  test('an ARG default image is pinned on the ARG line, inside its quotes', () => {
    const text = lines('ARG BASE="node:22-slim"', 'ARG TOOLS=alpine', 'FROM ${BASE}', 'FROM $TOOLS', 'FROM node:${V:-22}');
    const found = locations(text);
    assert.deepEqual(
      found.map((l) => [l.reference, l.arg, l.range, l.edit?.range]),
      [
        ['node:22-slim', 'BASE', range(2, 5, 2, 12), range(0, 10, 0, 22)],
        ['alpine', 'TOOLS', range(3, 5, 3, 11), range(1, 10, 1, 16)],
        // Built from a variable in the middle: looked up, but not edited (which text would it change?).
        ['node:22', undefined, range(4, 5, 4, 18), undefined],
      ],
    );
    assert.equal(pin(text, found[0]), text.replace('"node:22-slim"', `"node:22-slim@${DIGEST}"`));
    const pinned = pin(text, found[1], '3.20');
    assert.equal(pinned, text.replace('TOOLS=alpine', `TOOLS=alpine:3.20@${DIGEST}`));
    // The pinned file has no pinning finding left on that FROM.
    const after = analyze(pinned, { kind: 'dockerfile' }).findings.filter((f) => f.range.start.line === 3);
    assert.deepEqual(after.map((f) => f.ruleId).filter((id) => /CG-D00[1235]/.test(id)), []);
  });

  test('pinnedText keeps the tag, replaces a written digest, keeps the name as written', () => {
    assert.equal(pinnedText('node:22-slim', DIGEST), `node:22-slim@${DIGEST}`);
    assert.equal(pinnedText('node', DIGEST), `node@${DIGEST}`);
    assert.equal(pinnedText('node', DIGEST, '22.12.0-bookworm-slim'), `node:22.12.0-bookworm-slim@${DIGEST}`);
    assert.equal(pinnedText(`localhost:5000/app:1@sha256:${'0'.repeat(64)}`, DIGEST), `localhost:5000/app:1@${DIGEST}`);
    assert.equal(pinnedText('docker.io/library/node:22', DIGEST), `docker.io/library/node:22@${DIGEST}`);
  });

  test('Compose image: in place (inside quotes), once per written node for anchors, not for build services or interpolation', () => {
    const text = lines(
      'x-base: &base',
      '  image: "redis:7.2"',
      'services:',
      '  a:',
      '    <<: *base',
      '  b:',
      '    <<: *base',
      '  web:',
      '    image: nginx',
      '  app:',
      '    build: .',
      '    image: me/app:1',
      '  env:',
      '    image: ${IMG:-postgres:16}',
    );
    const found = imageLocations(parseCompose(text), 'compose');
    assert.deepEqual(
      found.map((l) => [l.reference, l.services, l.range, l.edit?.range]),
      [
        ['redis:7.2', ['a', 'b'], range(1, 9, 1, 20), range(1, 10, 1, 19)],
        ['nginx', ['web'], range(8, 11, 8, 16), range(8, 11, 8, 16)],
        ['postgres:16', ['env'], range(13, 11, 13, 30), undefined],
      ],
    );
    assert.equal(pin(text, found[0]), text.replace('"redis:7.2"', `"redis:7.2@${DIGEST}"`));
    assert.equal(locationAt(found, { line: 8, character: 13 })?.reference, 'nginx');
    assert.equal(locationAt(found, { line: 9, character: 2 }), undefined);
    // A finding on the tag only (C001 points at `latest`) is matched to its reference.
    assert.equal(locationOfRange(found, range(1, 16, 1, 19))?.reference, 'redis:7.2');
  });
});

describe('the answer cache', () => {
  test('reuses an answer until it expires, shares one lookup, and forgets failures at once', async () => {
    let now = 1000;
    const cache = new TtlCache<string>({ ttlMs: 100, now: () => now, maxEntries: 2 });
    let calls = 0;
    const compute = async () => `answer ${++calls}`;
    assert.equal(await cache.get('a', compute), 'answer 1');
    assert.equal(await cache.get('a', compute), 'answer 1');
    const [x, y] = await Promise.all([cache.get('b', compute), cache.get('b', compute)]);
    assert.deepEqual([x, y, calls], ['answer 2', 'answer 2', 2]);
    now += 100;
    assert.equal(await cache.get('a', compute), 'answer 3');
    await assert.rejects(cache.get('c', () => Promise.reject(new Error('offline'))), /offline/);
    await Promise.resolve();
    assert.equal(await cache.get('c', compute), 'answer 4');
    // At most two entries: the oldest went.
    assert.equal(cache.size, 2);
  });
});

describe("Docker's credentials file", () => {
  test('auths by host (Docker Hub under index.docker.io), helpers are reported and not run, identity tokens are not used', () => {
    const dir = dockerConfigDir({
      auths: {
        'https://index.docker.io/v1/': { auth: Buffer.from('hubuser:hubpass').toString('base64') },
        'localhost:5000': { username: 'local', password: 'pw' },
        'https://quay.io': { identitytoken: 'opaque' },
      },
      credHelpers: { 'ghcr.io': 'gh' },
    });
    try {
      const credentials = new DockerCredentials(path.join(dir, 'config.json'));
      assert.deepEqual(credentials.lookup('docker.io'), { kind: 'basic', credentials: { username: 'hubuser', password: 'hubpass' } });
      assert.deepEqual(credentials.lookup('localhost:5000'), { kind: 'basic', credentials: { username: 'local', password: 'pw' } });
      assert.deepEqual(credentials.lookup('localhost:5001'), { kind: 'none' });
      assert.deepEqual(credentials.lookup('ghcr.io'), { kind: 'helper', helper: 'gh' });
      assert.equal(credentials.lookup('quay.io').kind, 'unsupported');
      fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ credsStore: 'desktop', auths: { 'localhost:5000': {} } }));
      assert.deepEqual(credentials.lookup('localhost:5000'), { kind: 'helper', helper: 'desktop' });
      fs.writeFileSync(path.join(dir, 'config.json'), '{ not json');
      assert.deepEqual(credentials.lookup('docker.io'), { kind: 'none' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the file is $DOCKER_CONFIG/config.json, else ~/.docker/config.json', () => {
    assert.equal(defaultDockerConfigPath({ DOCKER_CONFIG: '/tmp/x' }), path.join('/tmp/x', 'config.json'));
    assert.match(defaultDockerConfigPath({}), /[/\\]\.docker[/\\]config\.json$/);
  });
});

describe('WWW-Authenticate and Link headers', () => {
  test('a Bearer challenge with a quoted scope holding a comma', () => {
    assert.deepEqual(parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/node:pull,push"'), {
      scheme: 'bearer',
      params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/node:pull,push' },
    });
    assert.deepEqual(parseChallenge('Basic realm="Registry Realm"'), { scheme: 'basic', params: { realm: 'Registry Realm' } });
    assert.equal(parseChallenge(null), undefined);
  });

  test('the next page of a tag list', () => {
    assert.equal(nextLink('</v2/app/tags/list?last=b&n=2>; rel="next"'), '/v2/app/tags/list?last=b&n=2');
    assert.equal(nextLink('<https://x/y>; rel="prev", </v2/a/tags/list?last=z>; rel="next"'), '/v2/a/tags/list?last=z');
    assert.equal(nextLink(null), undefined);
  });
});
