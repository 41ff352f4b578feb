// Unit tests of the Dockerfile rules CG-D001, D002, D020, D021, D060, D073: exact ranges, exact
// text after each fix, the fixed text is clean for the rule, and a second pass offers no fix.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile } from '../../server/src/engine/dockerfile/model';
import { applyEdits } from '../../server/src/engine/text';
import type { RuleContext } from '../../server/src/engine/types';
import { dockerfileRules } from '../../server/src/rules/dockerfile/index';
import { rule as D001 } from '../../server/src/rules/dockerfile/D001-untagged-image';
import { rule as D002 } from '../../server/src/rules/dockerfile/D002-floating-tag';
import { isFloatingTag } from '../../server/src/engine/dockerfile/image-ref';
import { rule as D020 } from '../../server/src/rules/dockerfile/D020-missing-user';
import { rule as D021 } from '../../server/src/rules/dockerfile/D021-root-user';
import { rule as D060 } from '../../server/src/rules/dockerfile/D060-add-instead-of-copy';
import { rule as D073 } from '../../server/src/rules/dockerfile/D073-shell-form-cmd';
import { applyFixExact as applyFix, baseline, checkDockerfile as check, lines, range } from './kit';
import { runRule } from '../../server/src/engine/engine';

describe('rule metadata', () => {
  it('lists the rules in id order with catalogue severities', () => {
    const ids = dockerfileRules.map((r) => r.meta.id);
    assert.deepEqual(ids, [...ids].sort(), 'registered in id order');
    const first = dockerfileRules.filter((r) => ['CG-D001', 'CG-D002', 'CG-D020', 'CG-D021', 'CG-D060', 'CG-D073'].includes(r.meta.id));
    assert.deepEqual(first.map((r) => r.meta.severity), ['warning', 'warning', 'warning', 'error', 'warning', 'info']);
    assert.equal(D020.meta.strictSeverity, 'error');
    assert.ok(D021.meta.equivalents.includes('hadolint DL3002'));
    assert.ok(D021.meta.equivalents.includes('KICS 67fd0c4a-68cf-46d7-8c41-bc9fba7e40ae'));
    assert.ok(D073.meta.equivalents.includes('BuildKit JSONArgsRecommended'));
    for (const rule of dockerfileRules) {
      assert.equal(rule.meta.kind, 'dockerfile');
      assert.ok(rule.meta.title && rule.meta.description);
    }
  });

  it('no rule throws on broken input', () => {
    const inputs = ['', ' - $G\nFROM x', 'FROM a\rRUN <<EOF\rhi\rEOF\r', 'FROM\nUSER\nCMD\nADD\nONBUILD\n', '\u0000\u00ff\n', 'FROM $X AS\nUSER $\nCMD ${'];
    for (const text of inputs) for (const rule of dockerfileRules) runRule(rule, parseDockerfile(text), baseline);
  });
});

describe('CG-D001 untagged image', () => {
  it('flags an image with neither tag nor digest, on the image token', () => {
    const findings = check(D001, 'FROM node\n');
    assert.equal(findings.length, 1);
    assert.deepEqual(findings[0].range, range(0, 5, 0, 9));
    assert.match(findings[0].message, /'node'.*'node:latest'/);
    assert.deepEqual(findings[0].fixes, []);
  });

  it('checks every stage and skips scratch, earlier stage names and tagged or pinned images', () => {
    const text = lines(
      'FROM golang AS Build', // flagged
      'FROM build', // stage ref (case-insensitive)
      'FROM scratch',
      'FROM node:22',
      `FROM node@sha256:${'a'.repeat(64)}`,
      'FROM later', // a later stage's name is an image
      'FROM alpine AS later',
    );
    const findings = check(D001, text);
    assert.deepEqual(findings.map((f) => f.range.start.line), [0, 5, 6]);
  });

  it('handles registries with a port', () => {
    const findings = check(D001, 'FROM reg:5000/app\nFROM reg:5000/app:1.2\n');
    assert.equal(findings.length, 1);
    assert.deepEqual(findings[0].range, range(0, 5, 0, 17));
  });

  it('resolves ARG defaults and points back at them', () => {
    const findings = check(D001, 'ARG IMG=node\nFROM $IMG\n');
    assert.equal(findings.length, 1);
    assert.deepEqual(findings[0].range, range(1, 5, 1, 9));
    assert.deepEqual(findings[0].related?.map((r) => r.range), [range(0, 8, 0, 12)]);
  });

  it('stays silent when the reference is unresolved', () => {
    assert.deepEqual(check(D001, 'ARG IMG\nFROM $IMG\n'), []);
    assert.deepEqual(check(D001, 'FROM $UNDECLARED\n'), []);
    assert.deepEqual(check(D001, 'ARG V\nFROM node:$V\n'), []);
  });

  it('accepts a tag supplied by an ARG', () => {
    assert.deepEqual(check(D001, 'ARG V=22\nFROM node:${V}\n'), []);
  });

  it('works with a BOM and CRLF', () => {
    const findings = check(D001, '\uFEFFFROM node\r\nRUN x\r\n');
    assert.deepEqual(findings[0].range, range(0, 6, 0, 10));
  });
});

describe('CG-D002 floating tag', () => {
  it('knows the list and the word- prefix form', () => {
    for (const tag of ['latest', 'stable', 'edge', 'nightly', 'dev', 'beta', 'canary', 'lts', 'current', 'rolling', 'mainline', 'lts-alpine', 'stable-slim', 'LATEST']) {
      assert.ok(isFloatingTag(tag), tag);
    }
    for (const tag of ['22', '3.20', 'bookworm', 'latestish', 'developer', '1.0-beta']) assert.ok(!isFloatingTag(tag), tag);
  });

  it('reports on the tag itself', () => {
    const findings = check(D002, 'FROM node:latest AS a\nFROM reg:5000/app:lts-alpine\n');
    assert.deepEqual(findings.map((f) => f.range), [range(0, 10, 0, 16), range(1, 18, 1, 28)]);
    assert.deepEqual(findings[0].fixes, []);
  });

  it('skips a reference pinned by digest', () => {
    assert.deepEqual(check(D002, `FROM node:latest@sha256:${'b'.repeat(64)}\n`), []);
  });

  it('reports an ARG-supplied tag on the FROM token with related info on the ARG default', () => {
    const text = 'ARG NODE_TAG=lts\nFROM node:${NODE_TAG}\n';
    const findings = check(D002, text);
    assert.equal(findings.length, 1);
    assert.deepEqual(findings[0].range, range(1, 5, 1, 21));
    assert.deepEqual(findings[0].related?.map((r) => r.range), [range(0, 13, 0, 16)]);
    assert.match(findings[0].related![0].message, /ARG NODE_TAG/);
  });

  it('does not report untagged or unresolved references', () => {
    assert.deepEqual(check(D002, 'ARG T\nFROM node\nFROM node:$T\nFROM scratch\n'), []);
  });
});

describe('CG-D020 missing USER', () => {
  it('inserts a Debian user before the first CMD', () => {
    const text = lines('FROM debian:12-slim', 'RUN apt-get update', 'CMD ["app"]');
    const [finding] = check(D020, text);
    assert.deepEqual(finding.range, range(0, 5, 0, 19));
    assert.equal(finding.fixes[0].isPreferred, false, 'a USER changes who the process runs as: not in fix-all');
    const fixed = applyFix(D020, text, finding);
    assert.equal(
      fixed,
      lines(
        'FROM debian:12-slim',
        'RUN apt-get update',
        'RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --no-create-home --shell /usr/sbin/nologin app',
        'USER 10001:10001',
        'CMD ["app"]',
      ),
    );
    assert.deepEqual(check(D021, fixed), []);
  });

  it('uses the Alpine tools, and appends at the end without CMD', () => {
    const text = lines('FROM python:3.12-alpine', 'COPY . /app');
    const fixed = applyFix(D020, text, check(D020, text)[0]);
    assert.equal(fixed, lines('FROM python:3.12-alpine', 'COPY . /app', 'RUN addgroup -S -g 10001 app && adduser -S -D -H -u 10001 -G app app', 'USER 10001:10001'));
  });

  it('uses /sbin/nologin on RHEL-like images', () => {
    const text = lines('FROM rockylinux:9', 'CMD ["app"]');
    const fixed = applyFix(D020, text, check(D020, text)[0]);
    assert.match(fixed, /useradd --system --uid 10001 --gid app --no-create-home --shell \/sbin\/nologin app\nUSER 10001:10001\nCMD/);
  });

  it('uses the shipped node user on the node images', () => {
    const text = lines('FROM node:22-bookworm-slim', 'WORKDIR /app', 'ENTRYPOINT ["node", "server.js"]');
    const fixed = applyFix(D020, text, check(D020, text)[0]);
    assert.equal(fixed, lines('FROM node:22-bookworm-slim', 'WORKDIR /app', 'USER node', 'ENTRYPOINT ["node", "server.js"]'));
  });

  it('flags FROM scratch and offers the numeric nonroot user', () => {
    const text = 'FROM scratch\nCOPY app /app\nENTRYPOINT ["/app"]';
    const [finding] = check(D020, text);
    assert.match(finding.message, /scratch/);
    const fixed = applyFix(D020, text, finding);
    assert.equal(fixed, 'FROM scratch\nCOPY app /app\nUSER 65532:65532\nENTRYPOINT ["/app"]');
  });

  it('does not flag distroless nonroot images', () => {
    assert.deepEqual(check(D020, 'FROM gcr.io/distroless/static-debian12:nonroot\nCOPY app /app\n'), []);
    assert.deepEqual(check(D020, 'FROM gcr.io/distroless/base:debug-nonroot\n'), []);
    assert.equal(check(D020, 'FROM gcr.io/distroless/static-debian12\n').length, 1);
  });

  it('offers only a non-preferred numeric USER for an unknown base image', () => {
    const text = 'FROM example.com/base:1\nRUN build';
    const [finding] = check(D020, text);
    assert.equal(finding.fixes[0].isPreferred, false);
    // No trailing newline: one is added before the new line.
    assert.equal(applyFix(D020, text, finding), 'FROM example.com/base:1\nRUN build\nUSER 10001:10001');
  });

  it('keeps CRLF line endings and the BOM', () => {
    const text = '\uFEFFFROM alpine:3.20\r\nCMD ["sh"]\r\n';
    const [finding] = check(D020, text);
    assert.deepEqual(finding.range, range(0, 6, 0, 17));
    const fixed = applyFix(D020, text, finding);
    assert.equal(fixed, '\uFEFFFROM alpine:3.20\r\nRUN addgroup -S -g 10001 app && adduser -S -D -H -u 10001 -G app app\r\nUSER 10001:10001\r\nCMD ["sh"]\r\n');
  });

  it('only looks at the shipped chain', () => {
    const text = lines('FROM golang:1.22 AS build', 'RUN go build', 'FROM gcr.io/distroless/static:nonroot', 'COPY --from=build /app /app');
    assert.deepEqual(check(D020, text), []);
    const parentHasUser = lines('FROM alpine:3.20 AS base', 'USER 1000', 'FROM base', 'CMD ["x"]');
    assert.deepEqual(check(D020, parentHasUser), []);
    // COPY --from does not inherit the USER.
    const copyOnly = lines('FROM alpine:3.20 AS base', 'USER 1000', 'FROM alpine:3.20', 'COPY --from=base / /');
    assert.equal(check(D020, copyOnly).length, 1);
  });

  it('follows buildTarget to a middle stage and inserts at the end of that stage', () => {
    const text = lines('FROM debian:12 AS runtime', 'CMD ["app"]', 'FROM runtime AS debug', 'RUN apt-get install -y gdb', 'FROM runtime', 'USER 10001');
    assert.deepEqual(check(D020, text), []);
    const context: RuleContext = { profile: 'baseline', buildTarget: 'debug' };
    const [finding] = check(D020, text, context);
    assert.deepEqual(finding.range, range(2, 5, 2, 12));
    const fixed = applyFix(D020, text, finding, 0, context);
    assert.equal(
      fixed,
      lines(
        'FROM debian:12 AS runtime',
        'CMD ["app"]',
        'FROM runtime AS debug',
        'RUN apt-get install -y gdb',
        'RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --no-create-home --shell /usr/sbin/nologin app',
        'USER 10001:10001',
        'FROM runtime',
        'USER 10001',
      ),
    );
  });

  it('keeps RUN steps after a CMD running as root, and ignore comments attached to their line', () => {
    const text = lines('FROM ubuntu:24.04', 'CMD ["app"]', 'RUN apt-get update', '# container-guard ignore=CG-D073', 'ENTRYPOINT ["tini"]');
    const fixed = applyFix(D020, text, check(D020, text)[0]);
    assert.equal(
      fixed,
      lines(
        'FROM ubuntu:24.04',
        'CMD ["app"]',
        'RUN apt-get update',
        'RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --no-create-home --shell /usr/sbin/nologin app',
        'USER 10001:10001',
        '# container-guard ignore=CG-D073',
        'ENTRYPOINT ["tini"]',
      ),
    );
  });

  it('stays silent while FROM is half-typed and for an unknown target', () => {
    assert.deepEqual(check(D020, 'FROM\n'), []);
    assert.deepEqual(check(D020, 'FROM alpine:3.20\n', { profile: 'baseline', buildTarget: 'missing' }), []);
  });

  it('counts an unresolved USER as set (nothing is guessed)', () => {
    assert.deepEqual(check(D020, 'FROM alpine:3.20\nARG U\nUSER $U\n'), []);
  });
});

describe('CG-D021 root user', () => {
  it('flags a last USER root with the argument as range and switches back to the previous user', () => {
    const text = lines('FROM node:22', 'USER node', 'RUN npm ci', 'USER root', 'RUN apt-get update', 'CMD ["node", "server.js"]');
    const [finding] = check(D021, text);
    assert.deepEqual(finding.range, range(3, 5, 3, 9));
    assert.equal(finding.related, undefined);
    const fixed = applyFix(D021, text, finding);
    assert.equal(fixed, lines('FROM node:22', 'USER node', 'RUN npm ci', 'USER root', 'RUN apt-get update', 'USER node', 'CMD ["node", "server.js"]'));
    assert.deepEqual(check(D020, fixed), []);
    assert.equal(check(D021, fixed).length, 0);
  });

  it('recognises 0, root:group and 0:0', () => {
    for (const user of ['root', '0', 'root:root', '0:0', 'root:1000', '00']) {
      assert.equal(check(D021, `FROM alpine:3.20\nUSER ${user}\n`).length, 1, user);
    }
    for (const user of ['rootless', '1000', 'app:0', 'nobody']) {
      assert.equal(check(D021, `FROM alpine:3.20\nUSER ${user}\n`).length, 0, user);
    }
  });

  it('resolves the USER through ARG defaults and points at them', () => {
    const text = lines('FROM alpine:3.20', 'ARG RUN_AS=root', 'USER ${RUN_AS}');
    const [finding] = check(D021, text);
    assert.deepEqual(finding.range, range(2, 5, 2, 14));
    assert.deepEqual(finding.related?.map((r) => r.range), [range(1, 11, 1, 15)]);
    assert.deepEqual(check(D021, lines('FROM alpine:3.20', 'ARG RUN_AS', 'USER $RUN_AS')), []);
  });

  it('does not flag a builder stage outside the shipped chain (the hadolint false positive)', () => {
    const text = lines('FROM golang:1.22 AS build', 'USER root', 'RUN go build -o /app', 'FROM gcr.io/distroless/static:nonroot', 'COPY --from=build /app /app');
    assert.deepEqual(check(D021, text), []);
  });

  it('flags FROM <stage> inheriting USER root with related information, and fixes it in the shipped stage', () => {
    const text = lines('FROM debian:12 AS base', 'USER root', 'RUN apt-get update', 'FROM base', 'COPY app /app', 'CMD ["/app"]');
    const [finding] = check(D021, text);
    assert.deepEqual(finding.range, range(3, 5, 3, 9));
    assert.deepEqual(finding.related?.map((r) => r.range), [range(1, 5, 1, 9)]);
    assert.match(finding.related![0].message, /stage 'base'/);
    assert.equal(finding.fixes[0].isPreferred, false, 'a USER changes who the process runs as: not in fix-all');
    const fixed = applyFix(D021, text, finding);
    assert.equal(
      fixed,
      lines(
        'FROM debian:12 AS base',
        'USER root',
        'RUN apt-get update',
        'FROM base',
        'COPY app /app',
        'RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --no-create-home --shell /usr/sbin/nologin app',
        'USER 10001:10001',
        'CMD ["/app"]',
      ),
    );
    assert.deepEqual(check(D020, fixed), []);
  });

  it('follows buildTarget to a middle stage', () => {
    const text = lines('FROM node:22 AS app', 'USER node', 'FROM app AS debug', 'USER 0:0', 'FROM app');
    assert.deepEqual(check(D021, text), []);
    const context: RuleContext = { profile: 'baseline', buildTarget: 'Debug' };
    const [finding] = check(D021, text, context);
    assert.deepEqual(finding.range, range(3, 5, 3, 8));
    const fixed = applyFix(D021, text, finding, 0, context);
    assert.equal(fixed, lines('FROM node:22 AS app', 'USER node', 'FROM app AS debug', 'USER 0:0', 'USER node', 'FROM app'));
  });

  it('uses distroless nonroot numbers and keeps CRLF', () => {
    const text = 'FROM gcr.io/distroless/static-debian12\r\nUSER root\r\nENTRYPOINT ["/app"]\r\n';
    const [finding] = check(D021, text);
    const fixed = applyFix(D021, text, finding);
    assert.equal(fixed, 'FROM gcr.io/distroless/static-debian12\r\nUSER root\r\nUSER 65532:65532\r\nENTRYPOINT ["/app"]\r\n');
  });

  it('appends at EOF without a trailing newline', () => {
    const text = 'FROM alpine:3.20\nUSER root';
    const fixed = applyFix(D021, text, check(D021, text)[0]);
    assert.equal(fixed, 'FROM alpine:3.20\nUSER root\nRUN addgroup -S -g 10001 app && adduser -S -D -H -u 10001 -G app app\nUSER 10001:10001');
    assert.deepEqual(check(D020, fixed), []);
  });

  it('treats ContainerAdministrator as root', () => {
    assert.equal(check(D021, 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nUSER ContainerAdministrator\n').length, 1);
  });
});

describe('CG-D060 ADD for local files', () => {
  it('flags local sources on the keyword and replaces it with COPY', () => {
    const text = lines('FROM alpine:3.20', 'ADD --chown=app:app --chmod=644 --link config.yml app.zip /etc/app/');
    const [finding] = check(D060, text);
    assert.deepEqual(finding.range, range(1, 0, 1, 3));
    assert.equal(finding.fixes[0].isPreferred, true);
    const fixed = applyFix(D060, text, finding);
    assert.equal(fixed, lines('FROM alpine:3.20', 'COPY --chown=app:app --chmod=644 --link config.yml app.zip /etc/app/'));
  });

  it('drops the flags COPY does not accept and keeps the letter case', () => {
    const text = lines('FROM alpine:3.20', 'add --unpack=false --chown=1:1 --keep-git-dir=false  data.tar.gz /data');
    const fixed = applyFix(D060, text, check(D060, text)[0]);
    assert.equal(fixed, lines('FROM alpine:3.20', 'copy --chown=1:1 data.tar.gz /data'));
  });

  it('leaves URLs, git sources and archives alone', () => {
    const text = lines(
      'FROM alpine:3.20',
      'ADD https://example.com/tool /usr/local/bin/tool',
      'ADD --checksum=sha256:abc http://example.com/a /a',
      'ADD git@github.com:org/repo.git /src',
      'ADD https://github.com/org/repo.git#v1 /src',
      'ADD --keep-git-dir=true repo.git /src',
      'ADD rootfs.tar.xz /',
      'ADD vendor.tgz /vendor',
      'ADD data.tar.zst /d',
      'ADD --unpack=true blob.bin /b',
      'ADD local.txt https://mixed.example/a /x',
      'ADD $SRC /x',
    );
    assert.deepEqual(check(D060, text), []);
  });

  it('treats .zip, heredocs and JSON form as local', () => {
    const text = lines('FROM alpine:3.20', 'ADD app.zip /app/', 'ADD <<EOF /etc/motd', 'hello', 'EOF', 'ADD ["my file.txt", "/x/"]');
    const findings = check(D060, text);
    assert.deepEqual(findings.map((f) => f.range.start.line), [1, 2, 5]);
    const fixed = applyFix(D060, text, findings[1]);
    assert.equal(fixed, lines('FROM alpine:3.20', 'ADD app.zip /app/', 'COPY <<EOF /etc/motd', 'hello', 'EOF', 'ADD ["my file.txt", "/x/"]'));
  });

  it('applies in every stage and inside ONBUILD', () => {
    const text = lines('FROM alpine:3.20 AS build', 'ADD src /src', 'FROM alpine:3.20', 'ONBUILD ADD --checksum=sha256:00 app /app');
    const findings = check(D060, text);
    assert.deepEqual(findings.map((f) => f.range), [range(1, 0, 1, 3), range(3, 8, 3, 11)]);
    const fixed = applyFix(D060, text, findings[1]);
    assert.equal(fixed, lines('FROM alpine:3.20 AS build', 'ADD src /src', 'FROM alpine:3.20', 'ONBUILD COPY app /app'));
  });

  it('resolves ARG sources and skips half-typed ADD', () => {
    assert.equal(check(D060, lines('FROM alpine:3.20', 'ARG SRC=dist', 'ADD $SRC /app')).length, 1);
    assert.equal(check(D060, lines('FROM alpine:3.20', 'ARG SRC=https://x/y', 'ADD $SRC /app')).length, 0);
    assert.deepEqual(check(D060, 'FROM alpine:3.20\nADD\nADD onlyone\n'), []);
  });

  it('keeps CRLF and continuation lines intact', () => {
    const text = 'FROM alpine:3.20\r\nADD --checksum=sha256:1 \\\r\n  a b /c/\r\n';
    const fixed = applyFix(D060, text, check(D060, text)[0]);
    assert.equal(fixed, 'FROM alpine:3.20\r\nCOPY \\\r\n  a b /c/\r\n');
  });
});

describe('CG-D073 shell-form CMD/ENTRYPOINT', () => {
  it('converts a plain command to exec form (preferred), range = the arguments', () => {
    const text = lines('FROM node:22', 'CMD node server.js --port=8080');
    const [finding] = check(D073, text);
    assert.deepEqual(finding.range, range(1, 4, 1, 30));
    assert.equal(finding.fixes.length, 1);
    assert.equal(finding.fixes[0].isPreferred, true);
    const fixed = applyFix(D073, text, finding);
    assert.equal(fixed, lines('FROM node:22', 'CMD ["node", "server.js", "--port=8080"]'));
  });

  it('wraps a command with variables in sh -c exec (not preferred)', () => {
    const text = lines('FROM alpine:3.20', 'ENTRYPOINT /app/run --level ${LEVEL:-info} $EXTRA');
    const [finding] = check(D073, text);
    assert.equal(finding.fixes[0].isPreferred, false);
    const fixed = applyFix(D073, text, finding);
    assert.equal(fixed, lines('FROM alpine:3.20', 'ENTRYPOINT ["/bin/sh", "-c", "exec /app/run --level ${LEVEL:-info} $EXTRA"]'));
  });

  it('uses the effective SHELL for the wrapper', () => {
    const text = lines('FROM debian:12', 'SHELL ["/bin/bash", "-c"]', 'CMD run $X');
    const fixed = applyFix(D073, text, check(D073, text)[0]);
    assert.equal(fixed, lines('FROM debian:12', 'SHELL ["/bin/bash", "-c"]', 'CMD ["/bin/bash", "-c", "exec run $X"]'));
  });

  it('refuses to convert compound commands, quotes and globs', () => {
    for (const body of ['a && b', 'a; b', 'a | b', 'a > log', 'echo "hi"', 'ls *.txt', "['node']", 'a \\\n  b']) {
      const findings = check(D073, `FROM alpine:3.20\nCMD ${body}\n`);
      assert.equal(findings.length, 1, body);
      assert.deepEqual(findings[0].fixes, [], body);
    }
  });

  it('ignores exec form and half-typed instructions', () => {
    assert.deepEqual(check(D073, lines('FROM alpine:3.20', 'CMD ["a", "b"]', 'ENTRYPOINT []')), []);
    assert.deepEqual(check(D073, lines('FROM alpine:3.20', 'CMD')), []);
  });

  it('follows the shipped chain only and reports the instruction that runs', () => {
    const text = lines('FROM alpine:3.20 AS base', 'CMD start-base', 'FROM golang:1.22 AS build', 'CMD go test', 'FROM base', 'RUN true');
    const findings = check(D073, text);
    assert.deepEqual(findings.map((f) => f.range), [range(1, 4, 1, 14)]);
    const overridden = lines('FROM alpine:3.20 AS base', 'CMD start-base', 'FROM base', 'CMD ["run"]');
    assert.deepEqual(check(D073, overridden), []);
    assert.equal(check(D073, text, { profile: 'baseline', buildTarget: 'build' })[0].range.start.line, 3);
  });

  it('does not prefer converting an ENTRYPOINT when a CMD would then be appended', () => {
    const text = lines('FROM alpine:3.20', 'ENTRYPOINT /app/server', 'CMD ["--help"]');
    const [finding] = check(D073, text);
    assert.equal(finding.fixes[0].isPreferred, false);
    assert.equal(applyFix(D073, text, finding), lines('FROM alpine:3.20', 'ENTRYPOINT ["/app/server"]', 'CMD ["--help"]'));
  });

  it('works with the backtick escape directive and CRLF', () => {
    // A Windows base image is not checked at all (catalogue §6.3); the escape directive alone is.
    const text = '# escape=`\r\nFROM alpine:3.20\r\nCMD app run\r\n';
    const fixed = applyFix(D073, text, check(D073, text)[0]);
    assert.equal(fixed, '# escape=`\r\nFROM alpine:3.20\r\nCMD ["app", "run"]\r\n');
  });
});

describe('fixes together', () => {
  it('preferred fixes (ADD→COPY, exec-form CMD) apply together and re-parse cleanly; a USER is never added unattended', () => {
    const text = lines('FROM python:3.12-slim AS build', 'USER root', 'RUN pip wheel .', 'FROM python:3.12-slim', 'ADD dist /app', 'CMD python -m app');
    let current = text;
    for (const rule of dockerfileRules) {
      const findings = check(rule, current).filter((f) => f.fixes.some((x) => x.isPreferred));
      for (const finding of findings.reverse()) {
        const fix = finding.fixes.find((x) => x.isPreferred)!;
        current = applyEdits(current, fix.edits);
      }
    }
    assert.equal(
      current,
      lines(
        'FROM python:3.12-slim AS build',
        'USER root',
        'RUN pip wheel .',
        'FROM python:3.12-slim',
        'COPY dist /app',
        'CMD ["python", "-m", "app"]',
      ),
    );
    for (const rule of [D021, D060, D073]) assert.deepEqual(check(rule, current), [], rule.meta.id);
    assert.equal(check(D020, current).length, 1, 'the missing USER stays a finding with a quick fix');
    assert.deepEqual(parseDockerfile(current).problems, []);
  });
});
