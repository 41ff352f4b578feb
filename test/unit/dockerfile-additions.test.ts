// Unit tests of the Dockerfile rules no anchor has (catalogue §3.1): remote scripts piped into an
// interpreter (CG-D101), world-writable permissions (D102), privileged build steps (D107),
// dangerous admin ports (D109) and ONBUILD triggers that fetch remote code (D111). Exact ranges,
// exact text after each fix, the fixed text is clean for the rule, a second pass offers nothing
// more, and suppression comments work through analyze.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, runRule } from '../../server/src/engine/engine';
import { parseDockerfile, type DockerfileModel } from '../../server/src/engine/dockerfile/model';
import { applyEdits } from '../../server/src/engine/text';
import type { Finding, Rule, RuleContext } from '../../server/src/engine/types';
import { dockerfileRules } from '../../server/src/rules/dockerfile/index';
import { rule as D101 } from '../../server/src/rules/dockerfile/D101-remote-script-pipe';
import { rule as D109, dangerousPort, portRange } from '../../server/src/rules/dockerfile/D109-expose-admin-port';
import { rule as D111 } from '../../server/src/rules/dockerfile/D111-onbuild-remote-fetch';
import { rule as D105, sdkImage } from '../../server/src/rules/dockerfile/D105-build-tooling-in-runtime';
import { rule as D106 } from '../../server/src/rules/dockerfile/D106-unpinned-image-outside-from';
import { rule as D107 } from '../../server/src/rules/dockerfile/D107-privileged-build-step';
import { rule as D102, grantsWorldWrite, withoutWorldWrite } from '../../server/src/rules/dockerfile/D102-world-writable';

const baseline: RuleContext = { profile: 'baseline' };
const range = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });
const lines = (...l: string[]) => l.join('\n') + '\n';

function check(rule: Rule<DockerfileModel>, text: string, context: RuleContext = baseline): Finding[] {
  return runRule(rule, parseDockerfile(text), context);
}

/** Applies fix #index of a finding; the finding is gone, exactly one fewer is left, the text parses. */
function applyFix(rule: Rule<DockerfileModel>, text: string, finding: Finding, index = 0, context: RuleContext = baseline): string {
  const fix = finding.fixes[index];
  assert.ok(fix, `finding has fix #${index}`);
  const fixed = applyEdits(text, fix.edits);
  const after = check(rule, fixed, context);
  assert.ok(!after.some((f) => f.range.start.line === finding.range.start.line && f.message === finding.message), `the finding is gone:\n${fixed}`);
  assert.equal(after.length, check(rule, text, context).length - 1, `exactly one finding fewer:\n${fixed}`);
  assert.equal(parseDockerfile(fixed).degraded, false);
  return fixed;
}

/** Applies the only fix of the only finding; then the rule is silent and offers nothing more. */
function fixOnly(rule: Rule<DockerfileModel>, text: string, context: RuleContext = baseline): string {
  const findings = check(rule, text, context);
  assert.equal(findings.length, 1, 'one finding');
  const fixed = applyFix(rule, text, findings[0], 0, context);
  assert.deepEqual(check(rule, fixed, context), [], 'a second pass finds nothing more');
  return fixed;
}

function ids(text: string): string[] {
  return analyze(text, { kind: 'dockerfile' }).findings.map((f) => f.ruleId);
}

describe('CG-D101 remote script piped into an interpreter', () => {
  it('has its metadata', () => {
    assert.equal(D101.meta.id, 'CG-D101');
    assert.equal(D101.meta.severity, 'warning');
    assert.deepEqual(D101.meta.equivalents, []);
    assert.equal(D101.meta.fixable, true);
  });

  it('flags curl and wget -O- piped into shells and interpreters, on the interpreter word', () => {
    const text = lines(
      'FROM debian:12',
      'RUN curl -fsSL https://get.example.com/install.sh | sh',
      'RUN wget -qO- https://x.io/i.sh | sudo bash -s -- --yes',
      'RUN curl -sSL https://x.io/get-pip.py | python3 - --user',
      'RUN curl -L https://x.io/a.pl | perl',
      'RUN curl https://x.io/setup.js | node',
      'RUN wget -O - https://x.io/i.sh | gunzip | sh',
      'RUN apt-get update && curl -fsSL https://x.io/i.sh \\',
      '    | bash -e && echo done',
    );
    const findings = check(D101, text);
    assert.deepEqual(findings.map((f) => f.range), [
      range(1, 52, 1, 54), range(2, 39, 2, 43), range(3, 40, 3, 47), range(4, 32, 4, 36), range(5, 33, 5, 37),
      range(6, 43, 6, 45), range(8, 6, 8, 10),
    ]);
    assert.equal(
      findings[0].message,
      "'curl' downloads a script that 'sh' runs from a pipe: nothing verifies the code before it runs as root in the build. Download it to a file, check its SHA-256 with sha256sum -c, then run it.",
    );
    assert.deepEqual(findings[0].related, [{ range: range(1, 4, 1, 8), message: 'The script is downloaded here by curl.' }]);
    assert.match(findings[1].message, /^'wget' downloads a script that 'bash' runs from a pipe/);
  });

  it('flags process and command substitutions, sh -c scripts, heredocs, exec form and ONBUILD', () => {
    const text = lines(
      'FROM debian:12',
      'RUN bash <(curl -fsSL https://x.io/i.sh)',
      'RUN sh -c "$(curl -fsSL https://x.io/i.sh)"',
      'RUN /bin/bash -c "$(wget -qO- https://x.io/i.sh)" -- arg',
      'RUN ["sh", "-c", "curl -fsSL https://x.io/i.sh | sh"]',
      'RUN <<EOF',
      'set -e',
      'curl -fsSL https://x.io/i.sh | sh',
      'EOF',
      'ONBUILD RUN curl -fsSL https://x.io/i.sh | bash',
    );
    const findings = check(D101, text);
    assert.deepEqual(findings.map((f) => f.range), [range(1, 4, 1, 8), range(2, 4, 2, 6), range(3, 4, 3, 13), range(4, 49, 4, 51), range(7, 31, 7, 33), range(9, 43, 9, 47)]);
    assert.match(findings[0].message, /^'curl' downloads a script that 'bash' runs through a substitution/);
    assert.deepEqual(findings[0].fixes, []);
    assert.deepEqual(findings[1].fixes, []);
    assert.deepEqual(findings[3].fixes, [], 'no fix inside a JSON string');
  });

  it('does not flag downloads to a file, data pipes, or interpreters that run other code', () => {
    const text = lines(
      'FROM debian:12',
      'RUN curl -fsSLo /tmp/i.sh https://x.io/i.sh && sh /tmp/i.sh',
      'RUN curl -fsSL -O https://x.io/i.sh | sh',
      'RUN wget https://x.io/i.sh | sh',
      'RUN curl -s https://api.x.io/v | python3 -c "import json,sys; print(json.load(sys.stdin))"',
      'RUN curl -s https://x.io/a.tgz | tar xz',
      'RUN curl -s https://x.io/list | perl -ne "print if /x/"',
      'RUN curl -s https://x.io/list | bash /opt/consume.sh',
      'RUN curl -s https://x.io/i.sh > /tmp/i.sh | sh',
      'RUN echo curl https://x.io | sh',
      'RUN sh -c "echo $(curl -s https://x.io/v)"',
      'RUN node -e "$(cat x)" && curl -s https://x.io/v',
    );
    assert.deepEqual(check(D101, text), []);
  });

  it('rewrites a simple pipe into download, verify, run (not preferred: the checksum is a placeholder)', () => {
    const text = lines('FROM debian:12', 'RUN apt-get update && curl -fsSL https://get.example.com/install.sh?v=2 | sudo bash -e && rm -rf /var/lib/apt/lists/*');
    const findings = check(D101, text);
    assert.equal(findings[0].fixes[0].isPreferred, false);
    assert.equal(findings[0].fixes[0].title, 'Download to /tmp/install.sh, verify its SHA-256, then run it (fill in the checksum)');
    assert.equal(
      fixOnly(D101, text),
      lines(
        'FROM debian:12',
        'RUN apt-get update && curl -fsSL https://get.example.com/install.sh?v=2 > /tmp/install.sh && echo "<sha256-of-the-script>  /tmp/install.sh" | sha256sum -c - && sudo bash -e /tmp/install.sh && rm -rf /var/lib/apt/lists/*',
      ),
    );
  });

  it('keeps continuations, the eol and picks the script extension', () => {
    const text = 'FROM python:3.12\r\nRUN curl -sSL \\\r\n      https://x.io/get \\\r\n    | python3\r\n';
    assert.equal(
      fixOnly(D101, text),
      'FROM python:3.12\r\nRUN curl -sSL \\\r\n      https://x.io/get > /tmp/install.py && echo "<sha256-of-the-script>  /tmp/install.py" | sha256sum -c - && python3 /tmp/install.py\r\n',
    );
    const heredoc = lines('FROM debian:12', 'RUN <<EOF', 'curl -fsSL https://x.io/setup.sh | sh', 'EOF');
    assert.equal(
      fixOnly(D101, heredoc),
      lines('FROM debian:12', 'RUN <<EOF', 'curl -fsSL https://x.io/setup.sh > /tmp/setup.sh && echo "<sha256-of-the-script>  /tmp/setup.sh" | sha256sum -c - && sh /tmp/setup.sh', 'EOF'),
    );
  });

  it('offers no fix where the rewrite would change the script', () => {
    const text = lines(
      'FROM debian:12',
      'RUN test -f x || curl -fsSL https://x.io/i.sh | sh',
      'RUN curl -fsSL https://x.io/i.sh | sh -s -- --yes',
      'RUN curl -fsSL $URL | sh',
      'RUN curl -fsSL https://x.io/i.sh | gunzip | sh',
      'RUN sh -c "curl -fsSL https://x.io/i.sh | sh"',
    );
    const findings = check(D101, text);
    assert.equal(findings.length, 5);
    for (const finding of findings) assert.deepEqual(finding.fixes, [], finding.message);
  });

  it('is suppressed by our comment and by a KICS ignore-line', () => {
    const text = lines('FROM debian:12', 'RUN curl -fsSL https://x.io/i.sh | sh');
    assert.ok(ids(text).includes('CG-D101'));
    assert.ok(!ids(lines('FROM debian:12', '# container-guard ignore=CG-D101 -- vendor installer', 'RUN curl -fsSL https://x.io/i.sh | sh')).includes('CG-D101'));
    assert.ok(!ids(lines('FROM debian:12', '# kics-scan ignore-line', 'RUN curl -fsSL https://x.io/i.sh | sh')).includes('CG-D101'));
  });
});

describe('CG-D102 world-writable permissions', () => {
  it('has its metadata', () => {
    assert.equal(D102.meta.id, 'CG-D102');
    assert.equal(D102.meta.severity, 'warning');
    assert.deepEqual(D102.meta.equivalents, []);
  });

  it('reads octal and symbolic modes, sparing the sticky bit and a bare +w', () => {
    for (const mode of ['777', '0777', '666', '0757', '7', '2777', '00666', 'o+w', 'a+w', 'a+rwx', 'o=rwx', 'ugo=rwX', 'u+x,o+w', 'go+w']) {
      assert.equal(grantsWorldWrite(mode), true, mode);
    }
    for (const mode of ['755', '775', '1777', '01777', '644', '4755', '+w', 'u+w', 'g+w', 'a+rwxt', 'o+w,+t', 'o-w', 'a-w', 'go=u', '-w', 'file.txt', '']) {
      assert.equal(grantsWorldWrite(mode), false, mode);
    }
    assert.deepEqual(['777', '0757', '666', '2777', '7', 'a+rwx', 'o+w', 'ugo=rwX'].map(withoutWorldWrite), ['755', '0755', '644', '2755', '5', '755', '644', '755']);
  });

  it('flags chmod in every RUN form and COPY/ADD --chmod, on the mode', () => {
    const text = lines(
      'FROM alpine:3.20',
      'ARG M=0666',
      'RUN chmod -R 777 /app && chmod 1777 /tmp && chmod 666 /etc/app.conf',
      'RUN ["chmod", "2777", "/srv"]',
      'RUN sh -c "chmod a+w /srv" && sudo chmod -v o+w,a+rx /opt',
      'COPY --chmod=777 a /a',
      'ADD --chown=1:1 --chmod=$M b /b',
    );
    const findings = check(D102, text);
    assert.deepEqual(findings.map((f) => f.range), [
      range(2, 13, 2, 16), range(2, 50, 2, 53), range(3, 14, 3, 20), range(4, 17, 4, 20), range(4, 44, 4, 52), range(5, 13, 5, 16), range(6, 24, 6, 26),
    ]);
    assert.equal(
      findings[0].message,
      'chmod 777 makes files writable by every user: any process in the container can change the code or config. Use 755/644, and --chown only on data directories that need writing.',
    );
    assert.match(findings[5].message, /^COPY --chmod=777 makes files writable/);
    assert.match(findings[6].message, /^ADD --chmod=\$M \(= 0666\) makes/);
    assert.deepEqual(findings[6].related, [{ range: range(1, 6, 1, 10), message: "'0666' comes from ARG M." }]);
    assert.deepEqual(findings[6].fixes, [], 'the mode comes from an ARG: no guess');
  });

  it('does not flag sticky modes, +w without a who, variables, --reference, or other programs', () => {
    const text = lines(
      'FROM alpine:3.20',
      'RUN chmod 1777 /tmp && chmod a+rwxt /scratch && chmod +w f && chmod u+w,g+w f && chmod 775 d',
      'RUN chmod $MODE f && chmod --reference=/etc/hosts f && echo chmod 777 f && chmod -w f && chmod go=u f',
      'COPY --chmod=755 a /a',
      'COPY --chmod=$UNSET b /b',
      'ONBUILD RUN chmod 777 /app',
    );
    assert.deepEqual(check(D102, text), []);
  });

  it('follows the shipped chain only', () => {
    const text = lines('FROM alpine:3.20 AS build', 'RUN chmod 777 /out', 'FROM alpine:3.20 AS base', 'RUN chmod 666 /etc/x', 'FROM base', 'COPY --from=build /out /out');
    assert.deepEqual(check(D102, text).map((f) => f.range.start.line), [3]);
    assert.deepEqual(check(D102, text, { profile: 'baseline', buildTarget: 'build' }).map((f) => f.range.start.line), [1]);
  });

  it('replaces the mode (not preferred: the app may need to write there)', () => {
    const text = lines('FROM alpine:3.20', 'RUN mkdir /app \\', '  && chmod -R 0777 /app');
    const findings = check(D102, text);
    assert.deepEqual(findings[0].fixes.map((f) => [f.title, f.isPreferred]), [['Use mode 0755 instead of 0777', false]]);
    assert.equal(fixOnly(D102, text), lines('FROM alpine:3.20', 'RUN mkdir /app \\', '  && chmod -R 0755 /app'));
    assert.equal(fixOnly(D102, 'FROM alpine:3.20\r\nRUN ["chmod", "2777", "/srv"]\r\n'), 'FROM alpine:3.20\r\nRUN ["chmod", "2755", "/srv"]\r\n');
    assert.equal(fixOnly(D102, lines('FROM alpine:3.20', 'COPY --chown=app --chmod=666 a.conf /etc/')), lines('FROM alpine:3.20', 'COPY --chown=app --chmod=644 a.conf /etc/'));
    assert.equal(fixOnly(D102, lines('FROM alpine:3.20', "RUN sh -c 'chmod a+rwx /srv'")), lines('FROM alpine:3.20', "RUN sh -c 'chmod 755 /srv'"));
    assert.equal(fixOnly(D102, lines('FROM alpine:3.20', 'RUN chmod o+w /srv')), lines('FROM alpine:3.20', 'RUN chmod 644 /srv'));
  });

  it('offers no fix for a quoted mode word inside a script', () => {
    const findings = check(D102, lines('FROM alpine:3.20', 'RUN ["sh", "-c", "chmod \\"777\\" /srv"]'));
    assert.equal(findings.length, 1);
    assert.deepEqual(findings[0].fixes, []);
  });

  it('is suppressed by our comment', () => {
    const text = lines('FROM alpine:3.20', 'RUN chmod 777 /srv');
    assert.ok(ids(text).includes('CG-D102'));
    assert.ok(!ids(lines('FROM alpine:3.20', '# container-guard ignore=CG-D102 -- shared volume', 'RUN chmod 777 /srv')).includes('CG-D102'));
  });
});

describe('CG-D105 build tooling in the runtime image', () => {
  it('has its metadata (no fix: assisted) and knows SDK images', () => {
    assert.deepEqual([D105.meta.id, D105.meta.severity, D105.meta.equivalents, D105.meta.fixable], ['CG-D105', 'info', [], false]);
    for (const [repository, tag, hub] of [['golang', '1.22', true], ['maven', '3-eclipse-temurin-21', true], ['gradle', null, true], ['node', '20', true], ['node', 'lts-bookworm', true],
      ['python', '3.12', true], ['mcr.microsoft.com/dotnet/sdk', '8.0', false], ['google/cloud-sdk', 'alpine', true], ['nvidia/cuda', '12.2.0-devel-ubuntu22.04', true], ['acme/app-sdk', '1', true]] as const) {
      assert.notEqual(sdkImage(repository, tag, hub), null, `${repository}:${tag}`);
    }
    for (const [repository, tag, hub] of [['node', '20-slim', true], ['node', '20-alpine', true], ['python', '3.12-slim-bookworm', true], ['python', '3.12-alpine', true],
      ['mcr.microsoft.com/dotnet/aspnet', '8.0', false], ['nvidia/cuda', '12.2.0-runtime-ubuntu22.04', true], ['gcr.io/distroless/static', 'nonroot', false], ['ghcr.io/o/golang', '1', false], ['acme/sdkman', '1', true]] as const) {
      assert.equal(sdkImage(repository, tag, hub), null, `${repository}:${tag}`);
    }
  });

  it('flags the shipped chain base and tool installs in a multi-stage file', () => {
    const text = lines(
      'FROM golang:1.22 AS build',
      'RUN apt-get install -y gcc',
      'FROM node:20 AS base',
      'RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1 ca-certificates git',
      'FROM base',
      'RUN apk add --no-cache make',
    );
    const findings = check(D105, text);
    assert.deepEqual(findings.map((f) => f.range), [range(2, 5, 2, 12), range(3, 65, 3, 76), range(3, 93, 3, 96), range(5, 23, 5, 27)]);
    assert.equal(
      findings[0].message,
      "The shipped image is built FROM 'node:20': 'node' without -slim or -alpine is the full image with compilers and package managers. The build already has other stages, so build there and copy only the result into a slim or distroless base.",
    );
    assert.equal(
      findings[1].message,
      "The shipped stage installs 'curl', a build or download tool it does not need at runtime. Install it in a builder stage and copy only the result, or remove it after use in the same RUN.",
    );
    for (const finding of findings) assert.deepEqual(finding.fixes, []);
    assert.deepEqual(check(D105, text, { profile: 'baseline', buildTarget: 'build' }).map((f) => f.range), [range(0, 5, 0, 16), range(1, 23, 1, 26)]);
  });

  it('is silent for single-stage files, slim or distroless finals, and builder stages', () => {
    assert.deepEqual(check(D105, lines('FROM golang:1.22', 'RUN apt-get install -y gcc make')), []);
    const text = lines(
      'FROM golang:1.22 AS build',
      'RUN apt-get install -y gcc git',
      'FROM gcr.io/distroless/static:nonroot',
      'COPY --from=build /out /app',
      'FROM python:3.12-slim',
      'RUN apt-get install -y libpq5 && apt-get remove gcc && echo curl',
    );
    assert.deepEqual(check(D105, text), []);
  });

  it('is suppressed by our comment', () => {
    const text = lines('FROM golang:1.22 AS build', 'FROM golang:1.22');
    assert.ok(ids(text).includes('CG-D105'));
    assert.ok(!ids(lines('FROM golang:1.22 AS build', '# container-guard ignore=CG-D105', 'FROM golang:1.22')).includes('CG-D105'));
  });
});

describe('CG-D106 unpinned images used outside FROM', () => {
  const DIGEST = `sha256:${'a'.repeat(64)}`;

  it('has its metadata (no offline fix)', () => {
    assert.deepEqual([D106.meta.id, D106.meta.severity, D106.meta.equivalents, D106.meta.fixable], ['CG-D106', 'warning', [], false]);
  });

  it('flags COPY --from and RUN --mount from= images without a tag or with a floating tag, on the image', () => {
    const text = lines(
      'FROM alpine:3.20 AS Build',
      'FROM alpine:3.20',
      'COPY --from=nginx /etc/nginx /x',
      'COPY --from=nginx:latest /a /a',
      'RUN --mount=type=bind,from=golang,source=/usr/local/go,target=/go go version',
      'ARG TOOLS=ghcr.io/o/tools:edge',
      'COPY --from=$TOOLS /t /t',
      'ONBUILD COPY --from=busybox /bin/sh /sh',
    );
    const findings = check(D106, text);
    assert.deepEqual(findings.map((f) => f.range), [range(2, 12, 2, 17), range(3, 12, 3, 24), range(4, 27, 4, 33), range(6, 12, 6, 18), range(7, 20, 7, 27)]);
    assert.equal(
      findings[0].message,
      "COPY --from image 'nginx' has no tag or digest, so it means :latest: every build can use a different image. Pin a version tag and a digest (name:tag@sha256:…).",
    );
    assert.match(findings[1].message, /uses the floating tag 'latest'/);
    assert.match(findings[2].message, /^RUN --mount image 'golang' has no tag/);
    assert.match(findings[3].message, /^COPY --from image '\$TOOLS' \(= 'ghcr\.io\/o\/tools:edge'\) uses the floating tag 'edge'/);
    for (const finding of findings) {
      assert.equal(finding.severity, undefined);
      assert.deepEqual(finding.fixes, []);
    }
  });

  it('flags the syntax directive without a digest as a Hint (Warning in strict, §6.2), only while it is a directive', () => {
    const findings = check(D106, lines('# syntax=docker/dockerfile:1', 'FROM alpine:3.20'));
    assert.deepEqual(findings.map((f) => [f.range, f.severity]), [[range(0, 9, 0, 28), 'hint']]);
    assert.deepEqual(check(D106, lines('# syntax=docker/dockerfile:1', 'FROM alpine:3.20'), { profile: 'strict' }).map((f) => f.severity), ['warning']);
    assert.match(findings[0].message, /^The syntax directive 'docker\/dockerfile:1' is not pinned to a digest: BuildKit pulls this frontend image and runs it/);
    assert.deepEqual(check(D106, lines(`# syntax=docker/dockerfile:1@${DIGEST}`, 'FROM alpine:3.20')), []);
    assert.deepEqual(check(D106, lines('', '# syntax=docker/dockerfile:1', 'FROM alpine:3.20')), [], 'after a blank line it is a comment');
    assert.deepEqual(check(D106, lines('# hello', '# syntax=docker/dockerfile:1', 'FROM alpine:3.20')), [], 'after a comment it is a comment');
  });

  it('does not flag stage names (any case), indexes, pinned images, scratch or unresolved variables', () => {
    const text = lines(
      'FROM alpine:3.20 AS Build',
      'FROM alpine:3.20',
      'COPY --from=build /a /a',
      'COPY --from=0 /a /a',
      'COPY --from=nginx:1.27 /a /a',
      `COPY --from=nginx@${DIGEST} /a /a`,
      'COPY --from=$UNSET /a /a',
      'RUN --mount=type=cache,target=/c --mount=from=BUILD,target=/b make',
      'RUN --mount=type=secret,id=npmrc npm ci',
      'COPY a /a',
    );
    assert.deepEqual(check(D106, text), []);
  });

  it('is suppressed by our comment', () => {
    const text = lines('FROM alpine:3.20', 'COPY --from=nginx /a /a');
    assert.ok(ids(text).includes('CG-D106'));
    assert.ok(!ids(lines('FROM alpine:3.20', '# container-guard ignore=CG-D106', 'COPY --from=nginx /a /a')).includes('CG-D106'));
  });
});

describe('CG-D107 privileged build steps', () => {
  it('has its metadata', () => {
    assert.deepEqual([D107.meta.id, D107.meta.severity, D107.meta.equivalents, D107.meta.fixable], ['CG-D107', 'warning', [], true]);
  });

  it('flags --security=insecure and --network=host on RUN and ONBUILD RUN, in every stage, on the flag', () => {
    const text = lines(
      'FROM alpine:3.20 AS build',
      'RUN --security=insecure --mount=type=cache,target=/c make',
      'FROM alpine:3.20',
      'RUN --network=host \\',
      '    apk add curl',
      'ONBUILD RUN --network=host make',
    );
    const findings = check(D107, text);
    assert.deepEqual(findings.map((f) => f.range), [range(1, 4, 1, 23), range(3, 4, 3, 18), range(5, 12, 5, 26)]);
    assert.equal(
      findings[0].message,
      'RUN --security=insecure runs the step like `docker run --privileged`, with full access to the build host; builders that allow it for one Dockerfile allow it for all. Remove the flag unless this build really needs it.',
    );
    assert.match(findings[1].message, /^RUN --network=host gives the step the build host's network/);
  });

  it('does not flag the sandbox, other networks, or the text in a command', () => {
    const text = lines('FROM alpine:3.20', 'RUN --network=none make', 'RUN --network=default make', 'RUN --security=sandbox make', 'RUN echo --network=host', 'RUN --mount=type=secret,id=host x');
    assert.deepEqual(check(D107, text), []);
  });

  it('deletes the flag (not preferred: the build may need it), keeping continuations', () => {
    const findings = check(D107, lines('FROM alpine:3.20', 'RUN --security=insecure make'));
    assert.deepEqual(findings[0].fixes.map((f) => [f.title, f.isPreferred]), [["Remove '--security=insecure'", false]]);
    assert.equal(fixOnly(D107, lines('FROM alpine:3.20', 'RUN --security=insecure --mount=type=cache,target=/c make')), lines('FROM alpine:3.20', 'RUN --mount=type=cache,target=/c make'));
    assert.equal(fixOnly(D107, 'FROM alpine:3.20\r\nRUN --network=host \\\r\n    apk add curl\r\n'), 'FROM alpine:3.20\r\nRUN \\\r\n    apk add curl\r\n');
    assert.equal(fixOnly(D107, lines('FROM alpine:3.20', 'RUN \\', '  --network=host \\', '  make')), lines('FROM alpine:3.20', 'RUN \\', '  make'));
  });

  it('is suppressed by our comment', () => {
    const text = lines('FROM alpine:3.20', 'RUN --network=host make');
    assert.ok(ids(text).includes('CG-D107'));
    assert.ok(!ids(lines('FROM alpine:3.20', '# container-guard ignore=CG-D107 -- needs the local registry', 'RUN --network=host make')).includes('CG-D107'));
  });
});

describe('CG-D109 dangerous admin ports exposed', () => {
  it('has its metadata and reads ports and ranges', () => {
    assert.deepEqual([D109.meta.id, D109.meta.severity, D109.meta.equivalents, D109.meta.fixable], ['CG-D109', 'warning', [], true]);
    assert.deepEqual(portRange('2375/tcp'), [2375, 2375]);
    assert.deepEqual(portRange('2370-2380/UDP'), [2370, 2380]);
    assert.equal(portRange('80-70'), null);
    assert.equal(portRange('$P'), null);
    assert.deepEqual(dangerousPort(3000, 7000), { port: 6443, service: 'the Kubernetes API server', tier: 'warning' }, 'the most severe tier wins');
    assert.equal(dangerousPort(8000, 9000), undefined);
  });

  it('flags admin ports as Warning and database ports as Info, after ARG resolution, on the port', () => {
    const text = lines(
      'FROM alpine:3.20',
      'ARG API=2375',
      'EXPOSE 80 $API 2376/tcp \\',
      '  6443/TCP 23',
      'EXPOSE 5432 6379/udp 2370-2380 9000-9300 "27017"',
    );
    const findings = check(D109, text);
    assert.deepEqual(findings.map((f) => f.range), [
      range(2, 10, 2, 14), range(2, 15, 2, 23), range(3, 2, 3, 10), range(3, 11, 3, 13),
      range(4, 7, 4, 11), range(4, 12, 4, 20), range(4, 21, 4, 30), range(4, 31, 4, 40), range(4, 41, 4, 48),
    ]);
    assert.deepEqual(findings.map((f) => f.severity), [undefined, undefined, undefined, undefined, 'info', 'info', undefined, 'info', 'info']);
    assert.equal(
      findings[0].message,
      'EXPOSE $API (= 2375) declares the unencrypted Docker API: whoever reaches it controls the host, the cluster or the desktop behind it. Remove it, and publish it only on a private network when it is really needed.',
    );
    assert.deepEqual(findings[0].related, [{ range: range(1, 8, 1, 12), message: "'2375' comes from ARG API." }]);
    assert.match(findings[4].message, /^EXPOSE 5432 declares PostgreSQL: databases often listen without authentication/);
    assert.match(findings[6].message, /^EXPOSE 2370-2380 includes port 2375 \(the unencrypted Docker API\)/);
  });

  it('does not flag other ports, unresolved variables, or stages outside the shipped chain', () => {
    assert.deepEqual(check(D109, lines('FROM alpine:3.20', 'ARG P', 'EXPOSE 2222 230 8080 $P 2381-2399 5901')), []);
    const text = lines('FROM alpine:3.20 AS debug', 'EXPOSE 5900', 'FROM alpine:3.20 AS base', 'EXPOSE 2375', 'FROM base');
    assert.deepEqual(check(D109, text).map((f) => f.range.start.line), [3]);
    assert.deepEqual(check(D109, text, { profile: 'baseline', buildTarget: 'debug' }).map((f) => f.range.start.line), [1]);
  });

  it('removes a single port (not preferred), and offers nothing for a range', () => {
    const text = lines('FROM alpine:3.20', 'EXPOSE 80 2375 \\', '  443', 'EXPOSE 6379');
    const findings = check(D109, text);
    assert.deepEqual(findings[0].fixes.map((f) => [f.title, f.isPreferred]), [['Remove port 2375 from EXPOSE', false]]);
    assert.equal(applyFix(D109, text, findings[0]), lines('FROM alpine:3.20', 'EXPOSE 80 443', 'EXPOSE 6379'));
    assert.equal(findings[1].fixes[0].title, 'Delete EXPOSE 6379');
    assert.equal(fixOnly(D109, 'FROM alpine:3.20\r\nEXPOSE 6379\r\nCMD ["redis-server"]\r\n'), 'FROM alpine:3.20\r\nCMD ["redis-server"]\r\n');
    assert.deepEqual(check(D109, lines('FROM alpine:3.20', 'EXPOSE 2370-2380'))[0].fixes, []);
  });

  it('is suppressed by our comment and keeps its tier through analyze', () => {
    const text = lines('FROM alpine:3.20', 'EXPOSE 2375 5432');
    const diagnosed = analyze(text, { kind: 'dockerfile' }).findings.filter((f) => f.ruleId === 'CG-D109');
    assert.deepEqual(diagnosed.map((f) => f.severity), ['warning', 'info']);
    assert.ok(!ids(lines('FROM alpine:3.20', '# container-guard ignore=CG-D109', 'EXPOSE 2375 5432')).includes('CG-D109'));
  });
});

describe('CG-D111 ONBUILD triggers that fetch remote code', () => {
  it('has its metadata (no fix)', () => {
    assert.deepEqual([D111.meta.id, D111.meta.severity, D111.meta.equivalents, D111.meta.fixable], ['CG-D111', 'info', [], false]);
  });

  it('flags ONBUILD ADD of URLs and Git sources, and curl/wget in any ONBUILD RUN command', () => {
    const text = lines(
      'FROM alpine:3.20',
      'ONBUILD ADD https://x.io/a.tgz site.tar.gz /srv/',
      'ONBUILD ADD ["git@github.com:o/r.git#v1", "/src"]',
      'ONBUILD RUN apk add x && FOO=1 curl -fsSL https://x.io | tar x',
      'ONBUILD RUN sh -c "wget -q https://x.io/f"',
      'onbuild add --chown=1:1 http://x.io/y /y',
    );
    const findings = check(D111, text);
    assert.deepEqual(findings.map((f) => f.range), [range(1, 12, 1, 30), range(2, 13, 2, 40), range(3, 31, 3, 35), range(4, 19, 4, 23), range(5, 24, 5, 37)]);
    assert.equal(
      findings[0].message,
      "ONBUILD ADD downloads 'https://x.io/a.tgz' in every build FROM this image: the remote code is hidden from the authors of those Dockerfiles. Move the ADD into the downstream Dockerfile, or download at this image's build time.",
    );
    assert.match(findings[1].message, /^ONBUILD ADD clones 'git@github\.com:o\/r\.git#v1'/);
    assert.equal(
      findings[2].message,
      "ONBUILD RUN runs curl in every build FROM this image: the download is hidden from the authors of those Dockerfiles. Move it into the downstream Dockerfile, or download at this image's build time.",
    );
    for (const finding of findings) assert.deepEqual(finding.fixes, []);
  });

  it('does not flag local files and archives, plain RUN/ADD, or curl as an argument', () => {
    const text = lines(
      'FROM alpine:3.20',
      'ONBUILD ADD site.tar.gz /srv/',
      'ONBUILD COPY . /src',
      'ONBUILD RUN echo curl https://x.io',
      'ONBUILD ADD $SRC /src',
      'RUN curl https://x.io',
      'ADD https://x.io/f /f',
    );
    assert.deepEqual(check(D111, text), []);
  });

  it('is reported as Info and suppressed by our comment', () => {
    const text = lines('FROM alpine:3.20', 'ONBUILD RUN curl -fsSL https://x.io/f -o /f');
    assert.deepEqual(analyze(text, { kind: 'dockerfile' }).findings.filter((f) => f.ruleId === 'CG-D111').map((f) => f.severity), ['info']);
    assert.ok(!ids(lines('FROM alpine:3.20', '# container-guard ignore=CG-D111', 'ONBUILD RUN curl -fsSL https://x.io/f -o /f')).includes('CG-D111'));
  });
});

describe('Dockerfile additions never throw', () => {
  it('on broken input', () => {
    const inputs = ['', 'FROM\nRUN\nCOPY --chmod=\nEXPOSE\nONBUILD\nONBUILD RUN\n', 'FROM a\nRUN curl | \nRUN bash <(\nRUN sh -c "$(curl\nRUN chmod\nRUN chmod 777\n',
      'FROM a\nRUN ["curl"\nRUN --network= x\nEXPOSE $X-$Y 1-\nONBUILD ADD\n'];
    const mine = dockerfileRules.filter((r) => /^CG-D1\d\d$/.test(r.meta.id)).concat([D101, D102, D105, D106, D107, D109, D111]);
    for (const text of inputs) for (const rule of mine) runRule(rule, parseDockerfile(text), { profile: 'strict' });
  });
});
