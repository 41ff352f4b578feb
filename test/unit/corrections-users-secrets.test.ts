// Catalogue §6.2 and §6.3 corrections: privilege-dropping entrypoints (CG-D020/D021 at Info, no USER
// fix), checksums and key fingerprints are not secrets (CG-D030/D031/D032/C030), one risk one finding
// for image pinning (CG-D003 / CG-C101 stay silent where D001/D002/C001's condition holds) and the
// Hint/Warning severity of a tag without a digest (D003, C101, D106's syntax directive).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/engine/engine';
import { startsAsRootThenDrops } from '../../server/src/engine/dockerfile/base-images';
import { hasMovingTag, parseImageRef } from '../../server/src/engine/dockerfile/image-ref';
import { parseDockerfile } from '../../server/src/engine/dockerfile/model';
import { privilegeDrop, toolNamed } from '../../server/src/engine/dockerfile/privilege-drop';
import { isChecksumName, isKeyFingerprint, isLiteralSecretValue, isSecretAssignment, isSecretName } from '../../server/src/engine/secrets';
import { defaultSettings } from '../../server/src/engine/settings';
import type { Severity } from '../../server/src/engine/types';
import { isRootUser, isRootUserSpec } from '../../server/src/engine/users';
import { rule as C030 } from '../../server/src/rules/compose/C030-literal-secret';
import { rule as C101 } from '../../server/src/rules/compose/C101-image-digest';
import { rule as D003 } from '../../server/src/rules/dockerfile/D003-digest-not-pinned';
import { rule as D020 } from '../../server/src/rules/dockerfile/D020-missing-user';
import { rule as D021 } from '../../server/src/rules/dockerfile/D021-root-user';
import { rule as D030 } from '../../server/src/rules/dockerfile/D030-secret-build-arg';
import { rule as D031 } from '../../server/src/rules/dockerfile/D031-secret-env';
import { rule as D032 } from '../../server/src/rules/dockerfile/D032-hardcoded-credential';
import { checkCompose, checkDockerfile as check, lines, range } from './kit';

const HEX64 = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
const HEX40 = 'B97B0AFCAA1A47F044F244A07FCC7D46ACCC4CF8';
const DIGEST = `sha256:${HEX64}`;

/** Findings of one rule through the whole engine, with the given profile and rule settings. */
function diagnosed(kind: 'dockerfile' | 'compose', id: string, text: string, profile: 'baseline' | 'strict' = 'baseline', rules: Record<string, Severity> = {}) {
  return analyze(text, { kind, settings: { ...defaultSettings, profile, rules } }).findings.filter((f) => f.ruleId === id);
}

describe('§6.3 privilege-dropping entrypoints: CG-D020 / CG-D021 at Info, no USER fix', () => {
  const ENTRY = ['COPY docker-entrypoint.sh /usr/local/bin/', 'ENTRYPOINT ["docker-entrypoint.sh"]', 'CMD ["server"]'];

  it('reports D020 at Info with no fix when the stage installs gosu, pointing at the install', () => {
    const text = lines('FROM debian:bookworm-slim', 'RUN apt-get update && apt-get install -y --no-install-recommends gosu=1.14-1', ...ENTRY);
    const findings = check(D020, text);
    assert.equal(findings.length, 1);
    const [finding] = findings;
    assert.equal(finding.severity, 'info');
    assert.deepEqual(finding.range, range(0, 5, 0, 25));
    assert.equal(
      finding.message,
      'No USER is set in stage #1, so the container starts as root, which looks intended: it installs gosu, the tool an entrypoint uses to switch from root to an unprivileged user. Check that the service does end up running as an unprivileged user; a USER line here would break the start-up.',
    );
    assert.deepEqual(finding.fixes, []);
    assert.deepEqual(finding.related, [
      { range: range(1, 0, 1, 3), message: 'Starting as root is intended here: it installs gosu, the tool an entrypoint uses to switch from root to an unprivileged user.' },
    ]);
  });

  it('stays Info under the strict profile (the finding carries its severity)', () => {
    const text = lines('FROM alpine:3.20', "RUN apk add --no-cache 'su-exec>=0.2' bash", ...ENTRY);
    assert.deepEqual(diagnosed('dockerfile', 'CG-D020', text, 'strict').map((f) => f.severity), ['info']);
    assert.deepEqual(diagnosed('dockerfile', 'CG-D020', 'FROM alpine:3.20\nCMD ["x"]\n', 'strict').map((f) => f.severity), ['error']);
  });

  it('recognises installs, downloads and copies of each tool', () => {
    const cases: [string, string][] = [
      ["RUN apk add --no-cache 'su-exec>=0.2'", 'su-exec'],
      ['RUN dnf install -y setpriv', 'setpriv'],
      ['RUN apk add runuser', 'runuser'],
      ['RUN curl -fsSL -o /usr/local/bin/gosu "https://github.com/tianon/gosu/releases/download/1.17/gosu-amd64" && chmod +x /usr/local/bin/gosu', 'gosu'],
      ['RUN wget --output-document=/usr/local/bin/gosu https://example.com/dl/gosu-arm64', 'gosu'],
      ['COPY --from=tianon/gosu:1.17 /gosu /usr/local/bin/', 'gosu'],
      ['ADD https://github.com/just-containers/s6-overlay/releases/download/v3.2.0.2/s6-overlay-noarch.tar.xz /tmp', 's6-overlay'],
      ['COPY rootfs/etc/s6-overlay/ /etc/s6-overlay/', 's6-overlay'],
      ['COPY ["bin/s6-setuidgid", "/usr/bin/"]', 's6-setuidgid'],
    ];
    for (const [line, tool] of cases) {
      const model = parseDockerfile(lines('FROM alpine:3.20', line));
      const drop = privilegeDrop(model, model.stages[0]);
      assert.equal(drop?.kind, 'installs', line);
      assert.equal(drop?.tool, tool, line);
      assert.deepEqual(drop?.range.start, { line: 1, character: 0 }, line);
      const [finding] = check(D020, lines('FROM alpine:3.20', line));
      assert.equal(finding.severity, 'info', line);
      assert.deepEqual(finding.fixes, [], line);
    }
  });

  it('recognises an ENTRYPOINT or CMD that calls a tool, also through sh -c and a path', () => {
    const cases: [string, string, string][] = [
      ['ENTRYPOINT ["gosu", "app", "server"]', 'ENTRYPOINT', 'gosu'],
      ['ENTRYPOINT ["/sbin/tini", "--", "/usr/bin/chpst", "-u", "app", "server"]', 'ENTRYPOINT', 'chpst'],
      ['CMD exec su-exec app:app server --port 80', 'CMD', 'su-exec'],
      ['CMD ["sh", "-c", "setpriv --reuid=app --init-groups server"]', 'CMD', 'setpriv'],
    ];
    for (const [line, keyword, tool] of cases) {
      const text = lines('FROM example.com/base:1', line);
      const [finding] = check(D020, text);
      assert.equal(finding.severity, 'info', line);
      assert.match(finding.message, new RegExp(`: its ${keyword} switches from root to an unprivileged user with ${tool}\\. `), line);
      assert.equal(finding.related?.[0].range.start.line, 1, line);
      assert.deepEqual(finding.fixes, [], line);
    }
  });

  it('recognises known root-then-drop base images, and only those', () => {
    const text = lines('FROM postgres:16-alpine', 'COPY init.sql /docker-entrypoint-initdb.d/');
    const [finding] = check(D020, text);
    assert.equal(
      finding.message,
      "No USER is set in stage #1, so the container starts as root, which looks intended: its base image 'postgres:16-alpine' starts as root and runs its service as an unprivileged user. Check that the service does end up running as an unprivileged user; a USER line here would break the start-up.",
    );
    assert.equal(finding.severity, 'info');
    assert.equal(finding.related, undefined, 'the evidence is the finding range itself');
    assert.deepEqual(finding.fixes, []);
    const dropping = ['mysql:8.4', 'mariadb:11', 'mongo:7', 'redis:7', 'rabbitmq:4.0-management', 'elasticsearch:8.15.0', 'httpd:2.4', 'nginx:1.27-alpine',
      'wordpress:6-php8.3-fpm', 'php:8.3-apache', 'php:8.2-fpm-alpine', 'docker.io/library/postgres:16', 'linuxserver/sonarr:4.0.0', 'lscr.io/linuxserver/radarr:5.2.6',
      'ghcr.io/linuxserver/plex:1.40.0'];
    for (const image of dropping) {
      assert.ok(startsAsRootThenDrops(parseImageRef(image)), image);
      assert.equal(check(D020, `FROM ${image}\n`)[0]?.severity, 'info', image);
    }
    for (const image of ['php:8.3-cli', 'php:8.3', 'ruby:3.3', 'debian:12', 'example.com/postgres:16', 'node:22']) {
      assert.ok(!startsAsRootThenDrops(parseImageRef(image)), image);
      const [plain] = check(D020, `FROM ${image}\n`);
      assert.equal(plain.severity, undefined, image);
      assert.equal(plain.fixes.length, 1, image);
    }
    // memcached's official image sets USER memcache itself: not root at all.
    assert.ok(!startsAsRootThenDrops(parseImageRef('memcached:1.6')));
    assert.deepEqual(check(D020, 'FROM memcached:1.6\n'), []);
  });

  it('inherits through FROM <stage>, with related information on the parent', () => {
    const fromStage = lines('FROM debian:12 AS base', 'RUN apt-get install -y gosu', 'FROM base', 'CMD ["server"]');
    const [finding] = check(D020, fromStage);
    assert.equal(finding.severity, 'info');
    assert.deepEqual(finding.range, range(2, 5, 2, 9));
    assert.deepEqual(finding.related?.map((r) => r.range), [range(1, 0, 1, 3)]);
    assert.match(finding.message, /^No USER is set in stage #2 or the stages it builds on, so the container starts as root/);
    const fromDb = lines('FROM postgres:16 AS db', 'FROM db', 'COPY x /x');
    const [inherited] = check(D020, fromDb);
    assert.equal(inherited.severity, 'info');
    assert.deepEqual(inherited.related?.map((r) => r.range), [range(0, 5, 0, 16)]);
  });

  it('does not count running, removing or naming the tool, nor a stage the shipped one does not build on', () => {
    const plain = [
      lines('FROM debian:12', 'RUN gosu nobody true', 'CMD ["server"]'),
      lines('FROM debian:12', 'RUN /usr/sbin/runuser -u postgres -- initdb', 'CMD ["server"]'),
      lines('FROM debian:12', 'RUN apt-get purge -y gosu', 'CMD ["server"]'),
      lines('FROM debian:12', 'RUN rm -f /usr/local/bin/gosu && echo gosu', 'CMD ["server"]'),
      lines('FROM debian:12 AS tools', 'RUN apt-get install -y gosu', 'FROM debian:12', 'CMD ["server"]'),
      lines('FROM debian:12', 'RUN apt-get install -y gosu-tools', 'ENV GOSU_VERSION=1.17', 'CMD ["gosu.sh"]'),
    ];
    for (const text of plain) {
      const [finding] = check(D020, text);
      assert.equal(finding.severity, undefined, text);
      assert.equal(finding.fixes.length, 1, text);
    }
    // Copying the tool out of a builder stage brings it in.
    const copied = lines('FROM debian:12 AS tools', 'RUN apt-get install -y gosu', 'FROM debian:12', 'COPY --from=tools /usr/sbin/gosu /usr/local/bin/gosu', 'CMD ["server"]');
    assert.equal(check(D020, copied)[0].severity, 'info');
  });

  it('reports D021 at Info with no fix when the last USER is root in a privilege-dropping image', () => {
    const text = lines('FROM debian:12', 'RUN apt-get install -y gosu', 'USER app', 'RUN make', 'USER root', 'ENTRYPOINT ["entry.sh"]');
    const [finding, ...rest] = check(D021, text);
    assert.equal(rest.length, 0);
    assert.equal(finding.severity, 'info');
    assert.deepEqual(finding.range, range(4, 5, 4, 9));
    assert.equal(
      finding.message,
      'The last USER of the image is root, so the container starts as root, which looks intended: it installs gosu, the tool an entrypoint uses to switch from root to an unprivileged user. Check that the service does end up running as an unprivileged user; a USER line here would break the start-up.',
    );
    assert.deepEqual(finding.related, [
      { range: range(1, 0, 1, 3), message: 'Starting as root is intended here: it installs gosu, the tool an entrypoint uses to switch from root to an unprivileged user.' },
    ]);
    assert.deepEqual(finding.fixes, []);
    // An inherited root USER on a root-then-drop base image.
    const inherited = check(D021, lines('FROM redis:7 AS base', 'USER 0', 'FROM base', 'CMD ["redis-server"]'));
    assert.equal(inherited.length, 1);
    assert.equal(inherited[0].severity, 'info');
    assert.match(inherited[0].message, /^Stage #2 inherits USER 0 from stage 'base', so the container starts as root, which looks intended: its base image 'redis:7'/);
    assert.deepEqual(inherited[0].related?.map((r) => r.range), [range(1, 5, 1, 6), range(0, 5, 0, 12)]);
    // Without a drop, D021 stays an Error with its USER fix.
    const [plain] = check(D021, lines('FROM debian:12', 'USER root', 'CMD ["x"]'));
    assert.equal(plain.severity, undefined);
    assert.equal(plain.fixes.length, 1);
  });

  it('names tools in words: packages with versions, paths, URLs and release files', () => {
    assert.equal(toolNamed('gosu'), 'gosu');
    assert.equal(toolNamed('su-exec>=0.2'), 'su-exec');
    assert.equal(toolNamed('--output=/usr/local/bin/gosu'), 'gosu');
    assert.equal(toolNamed('https://github.com/tianon/gosu/releases/download/1.17/gosu-amd64'), 'gosu');
    assert.equal(toolNamed('/tmp/s6-overlay-x86_64.tar.xz'), 's6-overlay');
    for (const word of ['gosu-tools', 'gosu.sh', '/usr/bin/gosuish', 'mysql', '/docker-entrypoint.sh']) assert.equal(toolNamed(word), undefined, word);
  });
});

describe('engine/users.ts: who counts as root', () => {
  it('reads user names and user[:group] specs', () => {
    for (const user of ['root', '0', '000', 'ContainerAdministrator']) assert.ok(isRootUser(user), user);
    for (const user of ['app', '1000', 'ROOT', 'rooted', '']) assert.ok(!isRootUser(user), user);
    for (const spec of ['root', '0:0', 'root:wheel', ' 0 ', '0:1000']) assert.ok(isRootUserSpec(spec), spec);
    for (const spec of ['1000:0', 'app:root', '${UID}']) assert.ok(!isRootUserSpec(spec), spec);
  });
});

describe('§6.3 checksums and key fingerprints are not secrets', () => {
  it('a name ending in a checksum or fingerprint word is not a secret name', () => {
    for (const name of ['NODE_SHA256', 'KEY_SHA256', 'SECRET_SHA', 'TOKEN_SHA1', 'API_KEY_SHA512', 'PASSWORD_SUM', 'secret_sha256sum', 'TOKEN_CHECKSUM',
      'SECRET_DIGEST', 'SSH_KEY_FINGERPRINT', 'PYTHON_GPG_KEY', 'GPG_KEYS', 'RELEASE_PGP_KEY', 'signingGpgKey']) {
      assert.ok(isChecksumName(name), name);
      assert.ok(!isSecretName(name), name);
    }
    for (const name of ['JWT_SECRET', 'SECRET_KEY', 'API_TOKEN', 'DB_PASSWORD', 'SHA_SECRET', 'DIGEST_TOKEN']) {
      assert.ok(!isChecksumName(name), name);
      assert.ok(isSecretName(name), name);
    }
    assert.ok(isSecretName('AWS_ACCESS_KEY_ID'), 'AWS_ACCESS_KEY_ID keeps its exception');
  });

  it('a key fingerprint as gpg or ssh-keygen print it is not a literal secret', () => {
    const gpg = 'BCA4 3417 C3B4 85DD 128E  C6D4 B7B3 B788 A8D3 785C';
    const ssh = '43:51:43:a1:b5:fc:8b:b7:0a:3a:a9:b1:0f:66:73:a8';
    assert.ok(isKeyFingerprint(gpg));
    assert.ok(isKeyFingerprint(ssh));
    assert.ok(!isLiteralSecretValue(gpg));
    for (const value of [HEX40, 'BCA4 3417', 'BCA4 3417 C3B4 85DD 128E C6D4 B7B3 B788 A8D3 785Z', 'correct horse battery staple', 'ab:cd']) {
      assert.ok(!isKeyFingerprint(value), value);
    }
    assert.ok(!isSecretAssignment('key', gpg));
    // A pure-hex value under a secret name is still a generated secret.
    assert.ok(isSecretAssignment('JWT_SECRET', HEX64));
    assert.ok(isSecretAssignment('key', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4'), 'a secret name keeps a 40-hex value');
    assert.ok(!isSecretAssignment('NODE_SHA256', HEX64));
  });

  it('CG-D030 and CG-D031 skip checksum names; JWT_SECRET=<64 hex> stays an Error', () => {
    assert.deepEqual(check(D030, lines('FROM alpine:3.20', 'ARG TOKEN_SHA256', 'ARG API_KEY')).map((f) => f.range), [range(2, 4, 2, 11)]);
    const text = lines('FROM alpine:3.20', `ENV SECRET_KEY_SHA256=${HEX64} GPG_KEYS="${HEX40}"`, `ENV JWT_SECRET=${HEX64}`, 'ENV AWS_ACCESS_KEY_ID=AKIA0123456789ABCDEF');
    const findings = check(D031, text);
    assert.deepEqual(findings.map((f) => [f.range, f.severity]), [
      [range(2, 4, 2, 14), undefined],
      [range(3, 4, 3, 21), undefined],
    ]);
    assert.deepEqual(diagnosed('dockerfile', 'CG-D031', text).map((f) => f.severity), ['error', 'error']);
  });

  it('CG-D032 skips key fingerprints and checksum names, and keeps secret-named hex values', () => {
    const text = lines(
      'FROM alpine:3.20',
      "RUN key='BCA4 3417 C3B4 85DD 128E  C6D4 B7B3 B788 A8D3 785C'; \\",
      '  gpg --batch --recv-keys "$key"',
      `RUN TOKEN_SHA256=${HEX64} ./verify && curl --api-key-fingerprint ${HEX40} https://x`,
      `RUN JWT_SECRET=${HEX64} ./migrate`,
    );
    const findings = check(D032, text);
    assert.equal(findings.length, 1);
    assert.deepEqual(findings[0].range, range(4, 15, 4, 79));
    assert.equal(
      findings[0].message,
      'This looks like a high-entropy value for JWT_SECRET, hard-coded in the Dockerfile: it is committed with the source and ends up in the image or its build cache. Revoke it, then pass it as a build secret (RUN --mount=type=secret).',
    );
  });

  it('CG-C030 skips checksum names and fingerprints, and keeps JWT_SECRET=<64 hex>', () => {
    const text = lines(
      'services:',
      '  app:',
      '    image: app:1',
      '    environment:',
      `      ARCHIVE_SHA256: "${HEX64}"`,
      `      SIGNING_KEY_FINGERPRINT: "${DIGEST}"`,
      "      SIGNING_KEY: 'BCA4 3417 C3B4 85DD 128E  C6D4 B7B3 B788 A8D3 785C'",
      `      JWT_SECRET: "${HEX64}"`,
      '    build:',
      '      context: .',
      '      args:',
      `        - RELEASE_GPG_KEY=${HEX40}`,
    );
    const findings = checkCompose(C030, text);
    assert.deepEqual(findings.map((f) => f.range), [range(7, 18, 7, 84)]);
    assert.match(findings[0].message, /^"JWT_SECRET" in the environment of service "app" has a literal secret value/);
  });
});

describe('§6.2 one risk, one finding: digest rules stay silent where a tag rule applies', () => {
  it('D003 is not reported where D001 or D002 reports, even when those are off or suppressed', () => {
    for (const image of ['node', 'node:latest', 'node:lts-alpine', 'example.com/team/app:stable']) {
      assert.deepEqual(check(D003, `FROM ${image}\n`), [], image);
      assert.deepEqual(diagnosed('dockerfile', 'CG-D003', `FROM ${image}\n`, 'strict', { 'CG-D001': 'off', 'CG-D002': 'off' }), [], image);
    }
    assert.deepEqual(diagnosed('dockerfile', 'CG-D003', lines('# container-guard ignore=CG-D001', 'FROM node')), []);
    assert.deepEqual(diagnosed('dockerfile', 'CG-D003', 'ARG BASE=node:latest\nFROM $BASE\n'), []);
    // A fixed tag without a digest is D003's; a malformed digest stays an Error whatever the tag.
    assert.deepEqual(check(D003, 'FROM node:22\n').map((f) => f.range), [range(0, 5, 0, 12)]);
    assert.deepEqual(check(D003, 'FROM node:latest@sha256:abc\n').map((f) => f.severity), ['error']);
    assert.ok(!hasMovingTag(parseImageRef(`node@${DIGEST}`)));
    assert.ok(hasMovingTag(parseImageRef('reg:5000/app')));
  });

  it('D003 is a Hint in baseline and a Warning in strict', () => {
    assert.equal(D003.meta.severity, 'hint');
    assert.equal(D003.meta.strictSeverity, 'warning');
    assert.deepEqual(diagnosed('dockerfile', 'CG-D003', 'FROM node:22-slim\n').map((f) => f.severity), ['hint']);
    assert.deepEqual(diagnosed('dockerfile', 'CG-D003', 'FROM node:22-slim\n', 'strict').map((f) => f.severity), ['warning']);
  });

  it('C101 is not reported where C001 reports, even when C001 is off or suppressed', () => {
    for (const image of ['nginx', 'nginx:latest', 'nginx:stable-alpine', 'ghcr.io/acme/web:edge']) {
      const text = lines('services:', '  web:', `    image: ${image}`);
      assert.deepEqual(checkCompose(C101, text), [], image);
      assert.deepEqual(diagnosed('compose', 'CG-C001', text).length, 1, image);
      assert.deepEqual(diagnosed('compose', 'CG-C101', text, 'strict', { 'CG-C001': 'off' }), [], image);
    }
    const suppressed = lines('services:', '  web:', '    # container-guard ignore=CG-C001', '    image: nginx');
    assert.deepEqual(diagnosed('compose', 'CG-C101', suppressed), []);
    const fixed = lines('services:', '  web:', '    image: nginx:1.27');
    assert.deepEqual(diagnosed('compose', 'CG-C101', fixed).map((f) => f.severity), ['hint']);
    assert.deepEqual(diagnosed('compose', 'CG-C101', fixed, 'strict').map((f) => f.severity), ['warning']);
    assert.deepEqual(diagnosed('compose', 'CG-C001', fixed), []);
  });

  it("D106's syntax directive without a digest is a Hint in baseline and a Warning in strict", () => {
    const text = lines('# syntax=docker/dockerfile:1', 'FROM alpine:3.20@' + DIGEST, 'USER 10001');
    assert.deepEqual(diagnosed('dockerfile', 'CG-D106', text).map((f) => [f.severity, f.range]), [['hint', range(0, 9, 0, 28)]]);
    assert.deepEqual(diagnosed('dockerfile', 'CG-D106', text, 'strict').map((f) => f.severity), ['warning']);
    // COPY --from without a tag keeps the rule's Warning.
    assert.deepEqual(diagnosed('dockerfile', 'CG-D106', 'FROM alpine:3.20\nCOPY --from=nginx /a /a\n').map((f) => f.severity), ['warning']);
  });
});
