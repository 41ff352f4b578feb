// Unit tests of the Dockerfile supply-chain and integrity rules: image pinning and provenance
// (CG-D003–D006), TLS and signature bypasses (D007–D013), package pinning (D061–D068) and build
// hygiene (D069–D072). Exact ranges, exact text after each fix, the fixed text is clean for the
// rule, a second pass offers nothing more, and foreign suppression pragmas work through analyze.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, runRule } from '../../server/src/engine/engine';
import { parseDockerfile, type DockerfileModel } from '../../server/src/engine/dockerfile/model';
import { defaultSettings } from '../../server/src/engine/settings';
import type { Rule, RuleContext } from '../../server/src/engine/types';
import { dockerfileRules } from '../../server/src/rules/dockerfile/index';
import { rule as D003 } from '../../server/src/rules/dockerfile/D003-digest-not-pinned';
import { rule as D004, isTrustedRegistry, registryOfReference } from '../../server/src/rules/dockerfile/D004-untrusted-registry';
import { rule as D005 } from '../../server/src/rules/dockerfile/D005-unresolved-arg-in-from';
import { isValidReference } from '../../server/src/engine/dockerfile/image-ref';
import { rule as D006 } from '../../server/src/rules/dockerfile/D006-add-url-without-checksum';
import { rule as D007 } from '../../server/src/rules/dockerfile/D007-curl-insecure';
import { rule as D008 } from '../../server/src/rules/dockerfile/D008-wget-no-check-certificate';
import { rule as D009 } from '../../server/src/rules/dockerfile/D009-pip-trusted-host';
import { rule as D010 } from '../../server/src/rules/dockerfile/D010-tls-verification-env';
import { rule as D011 } from '../../server/src/rules/dockerfile/D011-npm-strict-ssl';
import { rule as D012 } from '../../server/src/rules/dockerfile/D012-yum-sslverify';
import { rule as D013 } from '../../server/src/rules/dockerfile/D013-package-signature-bypass';
import { rule as D061 } from '../../server/src/rules/dockerfile/D061-apt-get-unpinned';
import { rule as D062 } from '../../server/src/rules/dockerfile/D062-apk-unpinned';
import { rule as D063, isPinnedRpmPackage } from '../../server/src/rules/dockerfile/D063-yum-dnf-unpinned';
import { rule as D064 } from '../../server/src/rules/dockerfile/D064-zypper-unpinned';
import { rule as D065 } from '../../server/src/rules/dockerfile/D065-pip-unpinned';
import { rule as D066, isPinnedNpmSpec } from '../../server/src/rules/dockerfile/D066-npm-unpinned';
import { rule as D067 } from '../../server/src/rules/dockerfile/D067-gem-unpinned';
import { rule as D068 } from '../../server/src/rules/dockerfile/D068-go-install-unpinned';
import { rule as D069 } from '../../server/src/rules/dockerfile/D069-update-without-install';
import { rule as D070 } from '../../server/src/rules/dockerfile/D070-apt-install-recommends';
import { rule as D071 } from '../../server/src/rules/dockerfile/D071-distro-upgrade';
import { rule as D072, shellHasPipefail } from '../../server/src/rules/dockerfile/D072-pipe-without-pipefail';
import { applyFixExact as applyFix, baseline, checkDockerfile as check, lines, range } from './kit';

const DIGEST = `sha256:${'a'.repeat(64)}`;

/** Applies the only fix of the only finding; then the rule is silent. */
function fixAll(rule: Rule<DockerfileModel>, text: string, context: RuleContext = baseline): string {
  const findings = check(rule, text, context);
  assert.equal(findings.length, 1, 'one finding');
  const fixed = applyFix(rule, text, findings[0], 0, context);
  assert.deepEqual(check(rule, fixed, context), [], 'a second pass finds nothing more');
  return fixed;
}

/** Whether `analyze` still reports the rule (after severity config and suppression). */
function reported(text: string, ruleId: string, trustedRegistries?: string[]): boolean {
  const settings = { ...defaultSettings, rules: { 'CG-D071': 'warning' as const }, trustedRegistries };
  return analyze(text, { kind: 'dockerfile', settings }).findings.some((f) => f.ruleId === ruleId);
}

describe('supply-chain rule metadata', () => {
  const ids = ['CG-D003', 'CG-D004', 'CG-D005', 'CG-D006', 'CG-D007', 'CG-D008', 'CG-D009', 'CG-D010', 'CG-D011', 'CG-D012', 'CG-D013',
    'CG-D061', 'CG-D062', 'CG-D063', 'CG-D064', 'CG-D065', 'CG-D066', 'CG-D067', 'CG-D068', 'CG-D069', 'CG-D070', 'CG-D071', 'CG-D072'];

  it('registers every rule in id order with the catalogue severities', () => {
    const registered = dockerfileRules.map((r) => r.meta.id);
    for (const id of ids) assert.ok(registered.includes(id), `${id} is registered`);
    assert.deepEqual(registered, [...registered].sort());
    const severity = Object.fromEntries(dockerfileRules.map((r) => [r.meta.id, r.meta.severity]));
    assert.deepEqual(ids.map((id) => severity[id]), [
      'hint', 'error', 'warning', 'warning', 'error', 'error', 'error', 'error', 'error', 'error', 'error',
      'info', 'info', 'info', 'info', 'info', 'info', 'info', 'info', 'warning', 'info', 'off', 'info',
    ]);
    assert.equal(D003.meta.strictSeverity, 'warning');
    assert.equal(D061.meta.strictSeverity, 'warning');
    assert.deepEqual(D013.meta.equivalents.slice(0, 5), ['CKV2_DOCKER_7', 'CKV2_DOCKER_8', 'CKV2_DOCKER_11', 'CKV2_DOCKER_9', 'CKV2_DOCKER_10']);
    assert.ok(D072.meta.equivalents.includes('KICS efbf148a-67e9-42d2-ac47-02fa1c0d0b22'));
    assert.ok(D005.meta.equivalents.includes('BuildKit UndefinedArgInFrom'));
    for (const rule of dockerfileRules.filter((r) => ids.includes(r.meta.id))) {
      assert.equal(rule.meta.kind, 'dockerfile');
      assert.ok(rule.meta.title && rule.meta.description);
    }
  });

  it('no rule throws on broken input', () => {
    const inputs = ['', ' - $G\nFROM x', 'FROM a\rRUN <<EOF\rhi\rEOF\r', 'FROM\nRUN\nADD\nENV\nARG\nCOPY --from=\nONBUILD RUN\n', 'FROM a\nRUN "x\nRUN $(\nRUN [\n',
      'ARG A\nFROM $A AS\nRUN --mount=from= x\nADD --checksum= http://x\nENV PIP_TRUSTED_HOST\n', 'FROM a\nRUN apt-get install\nRUN pip install\nRUN npm i -g\nRUN go install\n'];
    for (const text of inputs) {
      for (const rule of dockerfileRules.filter((r) => ids.includes(r.meta.id))) runRule(rule, parseDockerfile(text), { profile: 'strict', trustedRegistries: ['x.io'] });
    }
  });
});

describe('CG-D003 image not pinned to a digest', () => {
  it('flags a tagged image without digest on the image token, every stage', () => {
    const text = lines('FROM golang:1.22 AS build', 'FROM build', 'FROM scratch', `FROM node:22@${DIGEST}`, 'FROM gcr.io/distroless/static:nonroot');
    const findings = check(D003, text);
    assert.deepEqual(findings.map((f) => f.range), [range(0, 5, 0, 16), range(4, 5, 4, 37)]);
    assert.match(findings[0].message, /'golang:1\.22' is not pinned to a digest/);
    assert.deepEqual(findings[0].fixes, []);
    assert.equal(findings[0].severity, undefined);
  });

  it('reports a malformed digest as an error on the digest itself', () => {
    const findings = check(D003, 'FROM node:22@sha256:abc\n');
    assert.equal(findings.length, 1);
    assert.deepEqual(findings[0].range, range(0, 13, 0, 23));
    assert.equal(findings[0].severity, 'error');
    assert.match(findings[0].message, /malformed/);
  });

  it('resolves ARG defaults and skips unresolved and invalid references', () => {
    const findings = check(D003, 'ARG IMG=node:22\nFROM $IMG\n');
    assert.equal(findings.length, 1);
    assert.match(findings[0].related![0].message, /ARG IMG/);
    assert.deepEqual(check(D003, 'ARG IMG\nFROM $IMG\nFROM Node:22\n'), []);
  });

  it('is Warning under the strict profile and suppressible with our own pragma', () => {
    const text = 'FROM node:22\n';
    const strict = analyze(text, { kind: 'dockerfile', settings: { ...defaultSettings, profile: 'strict' } });
    assert.equal(strict.findings.find((f) => f.ruleId === 'CG-D003')?.severity, 'warning');
    assert.ok(reported(text, 'CG-D003'));
    assert.ok(!reported('# container-guard ignore=CG-D003\nFROM node:22\n', 'CG-D003'));
  });
});

describe('CG-D004 untrusted registry', () => {
  const trusted: RuleContext = { profile: 'baseline', trustedRegistries: ['gcr.io', '*.corp.example'] };

  it('is silent without an allow-list', () => {
    assert.deepEqual(check(D004, 'FROM evil.io/x:1\n'), []);
    assert.deepEqual(check(D004, 'FROM evil.io/x:1\n', { profile: 'baseline', trustedRegistries: [] }), []);
  });

  it('checks FROM, COPY --from, RUN --mount from= and the # syntax image', () => {
    const text = lines(
      '# syntax=docker/dockerfile:1',
      'FROM gcr.io/distroless/static:nonroot AS base',
      'FROM node:22',
      'COPY --from=quay.io/org/tool:1 /tool /tool',
      'COPY --from=base /a /a',
      'COPY --from=0 /b /b',
      'RUN --mount=type=bind,from=ghcr.io/o/i:1,target=/x true',
      'FROM reg.corp.example:5000/app:1',
      'FROM corp.example/app:1',
    );
    const findings = check(D004, text, trusted);
    assert.deepEqual(findings.map((f) => f.range), [range(0, 9, 0, 28), range(2, 5, 2, 12), range(3, 12, 3, 30), range(6, 27, 6, 40), range(8, 5, 8, 23)]);
    assert.match(findings[1].message, /'node:22' comes from registry 'docker\.io', which is not in trustedRegistries \(gcr\.io, \*\.corp\.example\)/);
    assert.match(findings[2].message, /^COPY --from image 'quay\.io\/org\/tool:1'/);
    assert.deepEqual(findings[0].fixes, []);
  });

  it('judges refs after ARG resolution and skips an unresolved registry part', () => {
    const text = lines('ARG REG=quay.io', 'ARG IMAGE', 'ARG TAG', 'FROM ${REG}/app:1', 'FROM $IMAGE', 'FROM gcr.io/app:$TAG', 'FROM node:$TAG', 'FROM scratch');
    const findings = check(D004, text, trusted);
    assert.deepEqual(findings.map((f) => f.range.start.line), [3, 6]);
  });

  it('matches registries as documented', () => {
    assert.ok(isTrustedRegistry('docker.io', ['docker.io']));
    assert.ok(isTrustedRegistry('index.docker.io', ['docker.io']));
    assert.ok(isTrustedRegistry('a.b.example.com', ['*.example.com']));
    assert.ok(!isTrustedRegistry('example.com', ['*.example.com']));
    assert.ok(isTrustedRegistry('reg.io:5000', ['reg.io']));
    assert.ok(!isTrustedRegistry('reg.io:5000', ['reg.io:6000']));
    assert.ok(isTrustedRegistry('anything.io', ['*']));
    assert.equal(registryOfReference('$X', null), undefined);
    assert.equal(registryOfReference('reg.io/a:$T', null), 'reg.io');
  });

  it('is suppressed by # hadolint ignore=DL3026', () => {
    assert.ok(reported('FROM quay.io/a:1\n', 'CG-D004', ['gcr.io']));
    assert.ok(!reported('# hadolint ignore=DL3026\nFROM quay.io/a:1\n', 'CG-D004', ['gcr.io']));
  });
});

describe('CG-D005 FROM from an ARG without a usable default', () => {
  it('reports an ARG without default as Info, with related information on the ARG', () => {
    const findings = check(D005, 'ARG BASE\nFROM ${BASE}\n');
    assert.equal(findings.length, 1);
    assert.deepEqual(findings[0].range, range(1, 5, 1, 12));
    assert.equal(findings[0].severity, 'info');
    assert.match(findings[0].message, /depends on 'BASE', which has no default/);
    assert.deepEqual(findings[0].related![0].range, range(0, 4, 0, 8));
    assert.deepEqual(findings[0].fixes, []);
  });

  it('reports an undeclared variable, an empty default and an invalid default', () => {
    const findings = check(D005, lines('ARG EMPTY=""', 'ARG BAD=Node:22', 'FROM $UNDECL', 'FROM ${EMPTY}', 'FROM $BAD'));
    assert.deepEqual(findings.map((f) => [f.range.start.line, f.severity]), [[2, 'info'], [3, undefined], [4, undefined]]);
    assert.match(findings[0].message, /not declared as a global ARG/);
    assert.match(findings[1].message, /expands to an empty string/);
    assert.match(findings[2].message, /'Node:22'.*not a valid image reference/);
  });

  it('leaves pinned, untagged (D001/D002), stage and platform references alone', () => {
    const text = lines('ARG A=node:22', 'ARG B=node', 'ARG C=build', 'FROM $A AS build', 'FROM $B', 'FROM $C', 'FROM --platform=$BUILDPLATFORM golang:1.22', 'FROM alpine:$TARGETARCH', 'FROM ${D:-node:22}');
    assert.deepEqual(check(D005, text), []);
    assert.ok(isValidReference('reg.io:5000/a/b:1.0'));
    assert.ok(isValidReference(`a@${DIGEST}`));
    assert.ok(!isValidReference('a b'));
  });

  it('is suppressed by the BuildKit check directive', () => {
    assert.ok(reported('ARG BASE\nFROM $BASE\n', 'CG-D005'));
    assert.ok(!reported('# check=skip=UndefinedArgInFrom\nARG BASE\nFROM $BASE\n', 'CG-D005'));
  });
});

describe('CG-D006 ADD from a URL without --checksum', () => {
  it('flags http(s) and Git sources on the source token', () => {
    const text = lines('FROM alpine:3.20', 'ADD https://example.com/app.tgz /opt/', 'ADD git@github.com:org/repo.git#main /src', 'ONBUILD ADD http://x/y /y');
    const findings = check(D006, text);
    assert.deepEqual(findings.map((f) => f.range), [range(1, 4, 1, 31), range(2, 4, 2, 36), range(3, 12, 3, 22)]);
    assert.match(findings[0].message, /downloads 'https:\/\/example\.com\/app\.tgz' without --checksum/);
    assert.match(findings[1].message, /without a pinned commit/);
    assert.deepEqual(findings[0].fixes, []);
  });

  it('accepts a valid checksum or a commit-SHA ref, and reports a malformed checksum', () => {
    const sha = '0123456789abcdef0123456789abcdef01234567';
    const text = lines(
      'FROM alpine:3.20',
      `ADD --checksum=sha256:${'b'.repeat(64)} https://x/a /a`,
      `ADD https://github.com/o/r.git#${sha} /r`,
      `ADD --checksum=${sha} https://github.com/o/r.git#v1 /r2`,
      'ADD local.txt /l',
      'ADD --checksum=sha256:abc https://x/b /b',
    );
    const findings = check(D006, text);
    assert.equal(findings.length, 1);
    assert.deepEqual(findings[0].range, range(5, 15, 5, 25));
    assert.match(findings[0].message, /--checksum 'sha256:abc' is not valid/);
  });

  it('is suppressed by #checkov:skip=CKV_DOCKER_4', () => {
    const text = 'FROM alpine:3.20\nADD https://x/a /a\n';
    assert.ok(reported(text, 'CG-D006'));
    assert.ok(!reported(`#checkov:skip=CKV_DOCKER_4\n${text}`, 'CG-D006'));
  });
});

describe('CG-D007 curl without certificate checks', () => {
  it('flags -k, --insecure and a k in a short-option cluster, in every RUN form', () => {
    const text = lines(
      'FROM alpine:3.20',
      'RUN curl -fsSLk https://x -o /tmp/x',
      'RUN ["curl", "--insecure", "https://x"]',
      `RUN sh -c 'curl -k https://x'`,
      'RUN <<EOF',
      'sudo curl -k https://y',
      'EOF',
    );
    const findings = check(D007, text);
    assert.deepEqual(findings.map((f) => f.range), [range(1, 14, 1, 15), range(2, 13, 2, 25), range(3, 16, 3, 18), range(5, 10, 5, 12)]);
    assert.match(findings[0].message, /curl 'k' in '-fsSLk' turns off TLS certificate verification/);
    assert.equal(findings[0].fixes[0].isPreferred, false);
  });

  it('ignores k inside option values and other tools', () => {
    assert.deepEqual(check(D007, lines('FROM a:1', 'RUN curl -o -k https://x && curl -H k https://y && curl -ok https://z && wget -k x && echo curl -k')), []);
  });

  it('removes only the k of a cluster, or the option with its blank', () => {
    assert.equal(fixAll(D007, 'FROM a:1\nRUN curl -fsSLk https://x\n'), 'FROM a:1\nRUN curl -fsSL https://x\n');
    assert.equal(fixAll(D007, 'FROM a:1\nRUN curl --insecure https://x\n'), 'FROM a:1\nRUN curl https://x\n');
    assert.equal(fixAll(D007, 'FROM a:1\nRUN ["curl", "-k", "https://x"]\n'), 'FROM a:1\nRUN ["curl", "https://x"]\n');
    // A flag alone on a continuation line takes the line with it.
    assert.equal(fixAll(D007, 'FROM a:1\nRUN curl \\\n    -k \\\n    https://x\n'), 'FROM a:1\nRUN curl \\\n    https://x\n');
    // A flag ending the instruction takes the continuation above it.
    assert.equal(fixAll(D007, 'FROM a:1\nRUN curl https://x \\\n    -k\nRUN true\n'), 'FROM a:1\nRUN curl https://x\nRUN true\n');
  });

  it('is suppressed by #checkov:skip=CKV2_DOCKER_2', () => {
    const text = 'FROM a:1\nRUN curl -k https://x\n';
    assert.ok(reported(text, 'CG-D007'));
    assert.ok(!reported(`#checkov:skip=CKV2_DOCKER_2: internal CA\n${text}`, 'CG-D007'));
  });
});

describe('CG-D008 wget --no-check-certificate', () => {
  it('flags the option and deletes it', () => {
    const text = 'FROM a:1\nRUN wget --no-check-certificate -q https://x && wget https://y\n';
    const findings = check(D008, text);
    assert.deepEqual(findings.map((f) => f.range), [range(1, 9, 1, 31)]);
    assert.match(findings[0].message, /wget '--no-check-certificate' turns off TLS certificate verification/);
    assert.equal(fixAll(D008, text), 'FROM a:1\nRUN wget -q https://x && wget https://y\n');
  });

  it('ignores the word elsewhere', () => {
    assert.deepEqual(check(D008, 'FROM a:1\nRUN echo wget --no-check-certificate && curl --no-check-certificate x\n'), []);
  });

  it('is suppressed by #checkov:skip=CKV2_DOCKER_3', () => {
    const text = 'FROM a:1\nRUN wget --no-check-certificate https://x\n';
    assert.ok(reported(text, 'CG-D008'));
    assert.ok(!reported(`#checkov:skip=CKV2_DOCKER_3\n${text}`, 'CG-D008'));
  });
});

describe('CG-D009 pip --trusted-host / PIP_TRUSTED_HOST', () => {
  it('flags the option in both forms, python -m pip, and the variable in ARG, ENV and RUN', () => {
    const text = lines(
      'FROM python:3.12',
      'ARG PIP_TRUSTED_HOST=pypi.internal',
      'ENV A=1 PIP_TRUSTED_HOST=pypi.internal',
      'RUN pip install --trusted-host pypi.internal flask && python3 -m pip install --trusted-host=h x',
      'RUN export PIP_TRUSTED_HOST=h && PIP_TRUSTED_HOST=h pip3 install y',
    );
    const findings = check(D009, text);
    assert.deepEqual(findings.map((f) => f.range), [range(1, 4, 1, 20), range(2, 8, 2, 24), range(3, 16, 3, 30), range(3, 77, 3, 93), range(4, 11, 4, 27), range(4, 33, 4, 49)]);
    assert.match(findings[2].message, /^pip '--trusted-host pypi\.internal'/);
    assert.match(findings[0].message, /^ARG PIP_TRUSTED_HOST makes every later pip call trust 'pypi\.internal'/);
  });

  it('deletes both tokens, the ENV pair, the instruction, the export or the prefix', () => {
    assert.equal(fixAll(D009, 'FROM p:1\nRUN pip install --trusted-host pypi.org flask\n'), 'FROM p:1\nRUN pip install flask\n');
    assert.equal(fixAll(D009, 'FROM p:1\nRUN pip install --trusted-host=pypi.org flask\n'), 'FROM p:1\nRUN pip install flask\n');
    assert.equal(fixAll(D009, 'FROM p:1\nENV A=1 PIP_TRUSTED_HOST=x B=2\n'), 'FROM p:1\nENV A=1 B=2\n');
    assert.equal(fixAll(D009, 'FROM p:1\nENV PIP_TRUSTED_HOST=x\nRUN true\n'), 'FROM p:1\nRUN true\n');
    assert.equal(fixAll(D009, 'FROM p:1\nRUN export PIP_TRUSTED_HOST=x && pip install -r r.txt\n'), 'FROM p:1\nRUN pip install -r r.txt\n');
    assert.equal(fixAll(D009, 'FROM p:1\nRUN PIP_TRUSTED_HOST=x pip install -r r.txt\n'), 'FROM p:1\nRUN pip install -r r.txt\n');
  });

  it('ignores an empty value, a declaration without default and other tools', () => {
    assert.deepEqual(check(D009, lines('FROM p:1', 'ARG PIP_TRUSTED_HOST', 'ENV PIP_TRUSTED_HOST=""', 'RUN npm install --trusted-host x')), []);
  });

  it('is suppressed by #checkov:skip=CKV2_DOCKER_16', () => {
    const text = 'FROM p:1\nENV PIP_TRUSTED_HOST=x\n';
    assert.ok(reported(text, 'CG-D009'));
    assert.ok(!reported(`#checkov:skip=CKV2_DOCKER_16\n${text}`, 'CG-D009'));
  });
});

describe('CG-D010 variables that disable TLS verification', () => {
  it('flags the four variables in ARG, ENV (legacy form too) and RUN, on the name', () => {
    const text = lines(
      'FROM node:22',
      'ENV NODE_TLS_REJECT_UNAUTHORIZED 0',
      `ENV npm_config_strict_ssl="false" PYTHONHTTPSVERIFY=0`,
      'ARG GIT_SSL_NO_VERIFY=1',
      'RUN export NODE_TLS_REJECT_UNAUTHORIZED=0 && GIT_SSL_NO_VERIFY=true git clone https://x',
    );
    const findings = check(D010, text);
    assert.deepEqual(findings.map((f) => f.range), [range(1, 4, 1, 32), range(2, 4, 2, 25), range(2, 34, 2, 51), range(3, 4, 3, 21), range(4, 11, 4, 39), range(4, 45, 4, 62)]);
    assert.match(findings[0].message, /^ENV sets NODE_TLS_REJECT_UNAUTHORIZED=0, which turns off TLS certificate verification in Node\.js/);
    assert.match(findings[1].message, /in npm/);
  });

  it('ignores values that keep verification on', () => {
    const text = lines('FROM node:22', 'ENV NODE_TLS_REJECT_UNAUTHORIZED=1 PYTHONHTTPSVERIFY=1 NPM_CONFIG_STRICT_SSL=true', 'ARG GIT_SSL_NO_VERIFY', 'RUN PYTHONHTTPSVERIFY=$X python x.py');
    assert.deepEqual(check(D010, text), []);
  });

  it('resolves ENV values through ARG defaults', () => {
    assert.equal(check(D010, lines('FROM node:22', 'ARG V=0', 'ENV NODE_TLS_REJECT_UNAUTHORIZED=$V')).length, 1);
  });

  it('deletes the pair, the instruction or the assignment', () => {
    assert.equal(fixAll(D010, 'FROM n:1\nENV NODE_TLS_REJECT_UNAUTHORIZED 0\nRUN true\n'), 'FROM n:1\nRUN true\n');
    assert.equal(fixAll(D010, 'FROM n:1\nENV A=1 \\\n    PYTHONHTTPSVERIFY=0\nRUN true\n'), 'FROM n:1\nENV A=1\nRUN true\n');
    assert.equal(fixAll(D010, 'FROM n:1\nRUN GIT_SSL_NO_VERIFY=1 git clone https://x\n'), 'FROM n:1\nRUN git clone https://x\n');
    assert.equal(fixAll(D010, 'FROM n:1\nRUN npm ci && export NODE_TLS_REJECT_UNAUTHORIZED=0\n'), 'FROM n:1\nRUN npm ci\n');
  });

  it('is suppressed by #checkov:skip=CKV2_DOCKER_6', () => {
    const text = 'FROM n:1\nENV NODE_TLS_REJECT_UNAUTHORIZED=0\n';
    assert.ok(reported(text, 'CG-D010'));
    assert.ok(!reported(`#checkov:skip=CKV2_DOCKER_6\n${text}`, 'CG-D010'));
  });
});

describe('CG-D011 npm/yarn strict-ssl false', () => {
  it('flags npm config set, npm c set, npm set and yarn config set, on the key', () => {
    const text = lines('FROM n:1', 'RUN npm config set strict-ssl false && npm c set strict-ssl=false -g', 'RUN yarn config set strict-ssl false', 'RUN npm set strict-ssl false');
    const findings = check(D011, text);
    assert.deepEqual(findings.map((f) => f.range), [range(1, 19, 1, 29), range(1, 49, 1, 65), range(2, 20, 2, 30), range(3, 12, 3, 22)]);
    assert.match(findings[0].message, /^'npm config set strict-ssl false' turns off certificate verification/);
  });

  it('ignores strict-ssl true and other keys', () => {
    assert.deepEqual(check(D011, lines('FROM n:1', 'RUN npm config set strict-ssl true && npm config set registry https://r && npm config get strict-ssl')), []);
  });

  it('deletes the && segment, or the whole RUN when it is alone', () => {
    assert.equal(fixAll(D011, 'FROM n:1\nRUN npm config set strict-ssl false && npm ci\n'), 'FROM n:1\nRUN npm ci\n');
    assert.equal(fixAll(D011, 'FROM n:1\nRUN npm ci && \\\n    npm config set strict-ssl false\n'), 'FROM n:1\nRUN npm ci\n');
    assert.equal(fixAll(D011, 'FROM n:1\nRUN yarn config set strict-ssl false\nRUN yarn\n'), 'FROM n:1\nRUN yarn\n');
  });

  it('offers no fix inside a pipeline or || chain', () => {
    const findings = check(D011, 'FROM n:1\nRUN npm config set strict-ssl false || true\n');
    assert.equal(findings.length, 1);
    assert.deepEqual(findings[0].fixes, []);
  });

  it('is suppressed by #checkov:skip=CKV2_DOCKER_13', () => {
    const text = 'FROM n:1\nRUN npm config set strict-ssl false\n';
    assert.ok(reported(text, 'CG-D011'));
    assert.ok(!reported(`#checkov:skip=CKV2_DOCKER_13\n${text}`, 'CG-D011'));
  });
});

describe('CG-D012 yum/dnf sslverify off', () => {
  it('flags --setopt sslverify=0|false|no on config-manager and other yum/dnf commands', () => {
    const text = lines(
      'FROM rockylinux:9',
      'RUN dnf config-manager --setopt=epel.sslverify=0 --save && dnf install -y --setopt sslverify=false x',
      'RUN yum-config-manager --setopt=sslverify=no && microdnf install --setopt=*.sslverify=False y',
    );
    const findings = check(D012, text);
    assert.deepEqual(findings.map((f) => f.range), [range(1, 23, 1, 48), range(1, 74, 1, 98), range(2, 23, 2, 44), range(2, 65, 2, 91)]);
    assert.match(findings[0].message, /saves a repository configuration that skips TLS certificate checks/);
    assert.match(findings[1].message, /makes dnf skip TLS certificate checks/);
  });

  it('ignores sslverify=1 and other tools', () => {
    assert.deepEqual(check(D012, lines('FROM r:9', 'RUN dnf install --setopt=sslverify=1 x && pip install --setopt=sslverify=0')), []);
  });

  it('deletes the config-manager segment, or the --setopt tokens', () => {
    assert.equal(fixAll(D012, 'FROM r:9\nRUN dnf config-manager --setopt=sslverify=0 --save && dnf install -y x-1.0\n'), 'FROM r:9\nRUN dnf install -y x-1.0\n');
    assert.equal(fixAll(D012, 'FROM r:9\nRUN dnf install -y --setopt sslverify=0 x-1.0\n'), 'FROM r:9\nRUN dnf install -y x-1.0\n');
  });

  it('is suppressed by #checkov:skip=CKV2_DOCKER_15', () => {
    const text = 'FROM r:9\nRUN yum-config-manager --setopt=sslverify=0\n';
    assert.ok(reported(text, 'CG-D012'));
    assert.ok(!reported(`#checkov:skip=CKV2_DOCKER_15\n${text}`, 'CG-D012'));
  });
});

describe('CG-D013 package signature checks disabled', () => {
  it('flags every package-manager bypass option on the option', () => {
    const text = lines(
      'FROM x:1',
      'RUN apk add --allow-untrusted a && apt-get install -y --allow-unauthenticated b',
      'RUN dnf install --nogpgcheck c && yum-config-manager --setopt=epel.gpgcheck=0',
      'RUN zypper --gpg-auto-import-keys --no-gpg-checks in d && rpm -i --nosignature e.rpm',
    );
    const findings = check(D013, text);
    assert.deepEqual(findings.map((f) => [f.range, f.severity]), [
      [range(1, 12, 1, 29), undefined],
      [range(1, 54, 1, 77), undefined],
      [range(2, 16, 2, 28), undefined],
      [range(2, 53, 2, 77), undefined],
      [range(3, 11, 3, 33), 'warning'],
      [range(3, 34, 3, 49), undefined],
      [range(3, 65, 3, 78), undefined],
    ]);
    assert.match(findings[0].message, /^apk '--allow-untrusted'/);
  });

  it('flags gpgcheck=0 written into repository files by echo, printf | tee, heredocs and COPY <<EOF', () => {
    const text = lines(
      'FROM r:9',
      'RUN echo -e "[x]\\nbaseurl=http://r\\ngpgcheck=0" > /etc/yum.repos.d/x.repo',
      'RUN printf "gpgcheck = false\\n" | sudo tee -a /etc/dnf/dnf.conf',
      'RUN cat <<EOF > /etc/yum.repos.d/y.repo',
      '[y]',
      'gpgcheck=0',
      'EOF',
      'COPY <<EOF /etc/yum.repos.d/z.repo',
      '[z]',
      'gpgcheck=no',
      'EOF',
    );
    const findings = check(D013, text);
    assert.deepEqual(findings.map((f) => f.range), [range(1, 36, 1, 46), range(2, 12, 2, 28), range(5, 0, 5, 10), range(9, 0, 9, 11)]);
    assert.match(findings[0].message, /'gpgcheck=0' written into \/etc\/yum\.repos\.d\/x\.repo/);
  });

  it('ignores gpgcheck=1, other files and unrelated options', () => {
    const text = lines(
      'FROM r:9',
      'RUN echo gpgcheck=0 > /tmp/notes.txt && echo gpgcheck=1 >> /etc/yum.repos.d/a.repo && echo repo_gpgcheck=0 >> /etc/yum.conf',
      'RUN apt-get install -y x && dnf install --setopt=gpgcheck=1 y && apk add --no-cache z',
    );
    assert.deepEqual(check(D013, text), []);
  });

  it('deletes the option, replaces --force-yes with -y, and writes gpgcheck=1', () => {
    assert.equal(fixAll(D013, 'FROM x:1\nRUN apk add --allow-untrusted a\n'), 'FROM x:1\nRUN apk add a\n');
    assert.equal(fixAll(D013, 'FROM x:1\nRUN apt-get install --force-yes b\n'), 'FROM x:1\nRUN apt-get install -y b\n');
    assert.equal(fixAll(D013, 'FROM x:1\nRUN apt-get install -qy --force-yes b\n'), 'FROM x:1\nRUN apt-get install -qy b\n');
    assert.equal(fixAll(D013, 'FROM x:1\nRUN ["apt-get", "install", "--force-yes", "b"]\n'), 'FROM x:1\nRUN ["apt-get", "install", "-y", "b"]\n');
    assert.equal(fixAll(D013, 'FROM x:1\nRUN dnf install -y --setopt gpgcheck=0 c\n'), 'FROM x:1\nRUN dnf install -y c\n');
    assert.equal(fixAll(D013, 'FROM x:1\nCOPY <<EOF /etc/yum.repos.d/z.repo\n[z]\ngpgcheck=false\nEOF\n'), 'FROM x:1\nCOPY <<EOF /etc/yum.repos.d/z.repo\n[z]\ngpgcheck=1\nEOF\n');
    assert.equal(fixAll(D013, 'FROM x:1\nRUN echo "gpgcheck=0" >> /etc/yum.conf\n'), 'FROM x:1\nRUN echo "gpgcheck=1" >> /etc/yum.conf\n');
  });

  it('is suppressed by #checkov:skip=CKV2_DOCKER_7 and # hadolint-style own ids', () => {
    const text = 'FROM x:1\nRUN apk add --allow-untrusted a\n';
    assert.ok(reported(text, 'CG-D013'));
    assert.ok(!reported(`#checkov:skip=CKV2_DOCKER_7\n${text}`, 'CG-D013'));
  });
});

describe('CG-D061..D068 unpinned packages', () => {
  it('D061 flags apt-get install packages without =version, on the package', () => {
    const text = lines('FROM debian:12', 'ARG V=1.2', 'ARG U', 'RUN apt-get install -y --no-install-recommends -t bookworm-backports curl=7.88 git ./x.deb "pkg=$V" "other=$U" vim/bookworm');
    const findings = check(D061, text);
    assert.deepEqual(findings.map((f) => f.range), [range(3, 79, 3, 82), range(3, 111, 3, 123)]);
    assert.match(findings[0].message, /^apt-get installs 'git' without a pinned version.*'git=<version>'/);
    assert.deepEqual(findings[0].fixes, []);
    assert.deepEqual(check(D061, lines('FROM d:12', 'RUN apt-get update && apt-get -o Dpkg::Options::=--force-confnew upgrade -y && apt install x')), []);
  });

  it('D061 is Warning under strict and suppressed by # hadolint ignore=DL3008', () => {
    const text = 'FROM d:12\nRUN apt-get install -y --no-install-recommends curl\n';
    const strict = analyze(text, { kind: 'dockerfile', settings: { ...defaultSettings, profile: 'strict' } });
    assert.equal(strict.findings.find((f) => f.ruleId === 'CG-D061')?.severity, 'warning');
    assert.ok(!reported('FROM d:12\n# hadolint ignore=DL3008\nRUN apt-get install -y --no-install-recommends curl\n', 'CG-D061'));
  });

  it('D062 flags apk add without =/~ and skips the --virtual name', () => {
    const findings = check(D062, lines('FROM alpine:3.20', 'RUN apk add --no-cache --virtual .deps curl=8.0.1-r0 git~2.45 make ./local.apk'));
    assert.deepEqual(findings.map((f) => f.range), [range(1, 62, 1, 66)]);
    assert.match(findings[0].message, /^apk add installs 'make'/);
    assert.ok(!reported('FROM alpine:3.20\n# hadolint ignore=DL3018\nRUN apk add make\n', 'CG-D062'));
  });

  it('D063 reads -version[-release] endings and skips option values, groups and files', () => {
    const text = lines('FROM rockylinux:9', 'RUN dnf install -y --enablerepo crb nginx-1.24.0 python3-pip java-17-openjdk curl-7.76.1-26.el9 openssl-1:3.0.7 @core "dnf-command(x)" /tmp/a.rpm');
    const findings = check(D063, text);
    assert.deepEqual(findings.map((f) => f.range), [range(1, 49, 1, 60), range(1, 61, 1, 76)]);
    assert.ok(isPinnedRpmPackage('curl-7.76.1-26.el9.x86_64'));
    assert.ok(!isPinnedRpmPackage('git-core'));
    assert.ok(!reported('FROM r:9\n# hadolint ignore=DL3041\nRUN dnf install -y git\n', 'CG-D063'));
    assert.ok(reported('FROM r:9\nRUN microdnf install git\n', 'CG-D063'));
  });

  it('D064 flags zypper install without a version and skips non-package types', () => {
    const findings = check(D064, lines('FROM opensuse/leap:15', 'RUN zypper --non-interactive in -y curl=8.0 git && zypper in -t pattern devel_basis'));
    assert.deepEqual(findings.map((f) => f.range), [range(1, 44, 1, 47)]);
    assert.ok(!reported('FROM o:15\n# hadolint ignore=DL3037\nRUN zypper install git\n', 'CG-D064'));
  });

  it('D065 flags pip install without ==, but not files, paths, URLs or --require-hashes', () => {
    // A constraints file (-c) would pin the whole command, and a VCS URL needs its @ref (package-pinning.test.ts).
    const text = lines('FROM python:3.12', 'RUN pip install --no-cache-dir -r req.txt -f ./whl flask==3.0 requests "django>=4" . ./lib x.whl git+https://x/y.git@v1 && pip install --require-hashes x');
    const findings = check(D065, text);
    assert.deepEqual(findings.map((f) => f.range), [range(1, 62, 1, 70), range(1, 71, 1, 82)]);
    assert.match(findings[1].message, /'django>=4'.*'django==<version>'/);
    assert.ok(!reported('FROM p:3\n# hadolint ignore=DL3013\nRUN pip install flask\n', 'CG-D065'));
  });

  it('D066 flags npm install without @version, scopes included, and exempts local, tarball and pinned git specs', () => {
    const text = lines('FROM node:22', 'RUN npm install -g pnpm @nestjs/cli @types/node@20 ./local x.tgz expressjs/express a/b#v1 && npm ci && npm install');
    const findings = check(D066, text);
    assert.deepEqual(findings.map((f) => f.range), [range(1, 19, 1, 23), range(1, 24, 1, 35), range(1, 65, 1, 82)]);
    assert.ok(isPinnedNpmSpec('@scope/x@1.2.3') && isPinnedNpmSpec('git+https://g/x.git#abc') && !isPinnedNpmSpec('git+https://g/x.git'));
    assert.ok(!reported('FROM n:22\n# hadolint ignore=DL3016\nRUN npm i -g pnpm\n', 'CG-D066'));
  });

  it('D067 flags gem install without a version', () => {
    const findings = check(D067, lines('FROM ruby:3', 'RUN gem install bundler:2.4 rails ./x.gem && gem install -v 1 rake && gem i --version=2 rack'));
    assert.deepEqual(findings.map((f) => f.range), [range(1, 28, 1, 33)]);
    assert.ok(!reported('FROM r:3\n# hadolint ignore=DL3028\nRUN gem install rails\n', 'CG-D067'));
  });

  it('D068 flags go install @latest and unversioned packages without a go.mod', () => {
    const text = lines('FROM golang:1.22', 'RUN go install golang.org/x/tools/gopls@latest example.com/a@v1.0.0 ./... example.com/b');
    const findings = check(D068, text);
    assert.deepEqual(findings.map((f) => f.range), [range(1, 39, 1, 46), range(1, 74, 1, 87)]);
    assert.match(findings[0].message, /asks for '@latest'/);
    assert.deepEqual(check(D068, lines('FROM golang:1.22', 'COPY go.mod go.sum ./', 'RUN go install example.com/b')), []);
    assert.ok(!reported('FROM g:1\n# hadolint ignore=DL3062\nRUN go install x.io/y@latest\n', 'CG-D068'));
  });
});

describe('CG-D069 index update without install', () => {
  it('flags an update alone in its RUN, on the command', () => {
    const text = lines('FROM debian:12', 'RUN apt-get update', 'RUN apt-get install -y --no-install-recommends curl=7');
    const findings = check(D069, text);
    assert.deepEqual(findings.map((f) => f.range), [range(1, 4, 1, 18)]);
    assert.match(findings[0].message, /^'apt-get update' runs in a RUN that installs nothing with apt-get/);
  });

  it('reads every listed manager: apk, yum/dnf, zypper refresh', () => {
    const text = lines('FROM x:1', 'RUN apk update', 'RUN dnf makecache', 'RUN zypper --non-interactive refresh', 'RUN yum update -y');
    assert.deepEqual(check(D069, text).map((f) => f.range), [range(1, 4, 1, 14), range(2, 4, 2, 17), range(3, 4, 3, 36), range(4, 4, 4, 14)]);
  });

  it('is quiet when the same RUN installs, upgrades or updates named packages', () => {
    const text = lines('FROM d:12', 'RUN apt-get update && apt-get install -y x', 'RUN apt update && apt-get upgrade -y', 'RUN apk update && apk add x', 'RUN yum update -y openssl', 'RUN zypper ref && zypper in x');
    assert.deepEqual(check(D069, text), []);
  });

  it('merges the update into the next installing RUN', () => {
    const text = lines('FROM debian:12', 'RUN apt-get update -qq', 'COPY a /a', 'RUN apt-get install -y x=1');
    assert.equal(fixAll(D069, text), lines('FROM debian:12', 'COPY a /a', 'RUN apt-get update -qq && apt-get install -y x=1'));
    assert.equal(check(D069, text)[0].fixes[0].isPreferred, true);
  });

  it('offers no merge across USER, into exec form, or without a later install', () => {
    assert.deepEqual(check(D069, lines('FROM d:12', 'RUN apt-get update', 'USER app', 'RUN apt-get install -y x'))[0].fixes, []);
    assert.deepEqual(check(D069, lines('FROM d:12', 'RUN apt-get update', 'RUN ["apt-get", "install", "x"]'))[0].fixes, []);
    assert.deepEqual(check(D069, lines('FROM d:12', 'RUN apk update'))[0].fixes, []);
  });

  it('is suppressed by #checkov:skip=CKV_DOCKER_5', () => {
    const text = 'FROM d:12\nRUN apt-get update\n';
    assert.ok(reported(text, 'CG-D069'));
    assert.ok(!reported(`#checkov:skip=CKV_DOCKER_5\n${text}`, 'CG-D069'));
  });
});

describe('CG-D070 apt-get install without --no-install-recommends', () => {
  it('flags apt-get install in the shipped chain only, on the command', () => {
    const text = lines('FROM debian:12 AS build', 'RUN apt-get install -y gcc', 'FROM debian:12 AS base', 'RUN apt-get update && apt-get install -y curl', 'FROM base', 'RUN apt-get install -y git');
    const findings = check(D070, text);
    assert.deepEqual(findings.map((f) => f.range), [range(3, 22, 3, 37), range(5, 4, 5, 19)]);
    assert.match(findings[0].message, /^'apt-get install' without '--no-install-recommends'/);
  });

  it('accepts the option, -o APT::Install-Recommends=false and earlier apt configuration', () => {
    const text = lines(
      'FROM debian:12',
      'RUN apt-get install -y --no-install-recommends a && apt-get -o APT::Install-Recommends=false install b && apt-get install -oAPT::Install-Recommends=0 c',
      `RUN echo 'APT::Install-Recommends "false";' > /etc/apt/apt.conf.d/99norecommends`,
      'RUN apt-get install -y d && apt install e',
    );
    assert.deepEqual(check(D070, text), []);
  });

  it('inserts the option after install (not preferred: recommended packages may be needed)', () => {
    const text = 'FROM debian:12\nRUN apt-get install -y curl\n';
    assert.equal(check(D070, text)[0].fixes[0].isPreferred, false);
    assert.equal(fixAll(D070, text), 'FROM debian:12\nRUN apt-get install --no-install-recommends -y curl\n');
    assert.equal(fixAll(D070, 'FROM debian:12\nRUN ["apt-get", "install", "-y", "curl"]\n'), 'FROM debian:12\nRUN ["apt-get", "install", "--no-install-recommends", "-y", "curl"]\n');
  });

  it('is suppressed by # hadolint ignore=DL3015', () => {
    const text = 'FROM debian:12\nRUN apt-get install -y curl\n';
    assert.ok(reported(text, 'CG-D070'));
    assert.ok(!reported('FROM debian:12\n# hadolint ignore=DL3015\nRUN apt-get install -y curl\n', 'CG-D070'));
  });
});

describe('CG-D071 distribution upgrade', () => {
  it('is off by default and flags whole-system upgrades when switched on', () => {
    const text = lines('FROM d:12', 'RUN apt-get upgrade -y && apk upgrade && dnf update openssl && yum update -y && zypper dup');
    const findings = check(D071, text);
    assert.deepEqual(findings.map((f) => f.range), [range(1, 4, 1, 19), range(1, 26, 1, 37), range(1, 63, 1, 73), range(1, 80, 1, 90)]);
    assert.deepEqual(findings[0].fixes, []);
    assert.equal(D071.meta.severity, 'off');
    assert.ok(!analyze(text, { kind: 'dockerfile' }).findings.some((f) => f.ruleId === 'CG-D071'));
    assert.ok(reported(text, 'CG-D071'));
    assert.ok(!reported(text.replace('FROM d:12\n', 'FROM d:12\n# hadolint ignore=DL3035\n'), 'CG-D071'));
  });
});

describe('CG-D072 pipe without pipefail', () => {
  it('flags the pipe operator; Warning when a download is piped', () => {
    const text = lines('FROM debian:12', 'RUN apt-get install -y curl && curl -fsSL https://x | tar -xz', 'RUN ldd a | grep a');
    const findings = check(D072, text);
    assert.deepEqual(findings.map((f) => [f.range, f.severity]), [[range(1, 52, 1, 53), 'warning'], [range(2, 10, 2, 11), undefined]]);
    assert.match(findings[0].message, /pipes the output of 'curl' into another command under '\/bin\/sh -c' without pipefail/);
  });

  it('is quiet with a pipefail SHELL (inherited too), set -o pipefail, exec form and sh -c', () => {
    const text = lines(
      'FROM debian:12 AS base',
      'SHELL ["/bin/bash", "-euo", "pipefail", "-c"]',
      'FROM base',
      'RUN curl x | sh',
      'FROM alpine:3.20',
      'RUN set -eo pipefail && wget -qO- x | tar x',
      'RUN ["sh", "-c", "curl x | sh"]',
      `RUN sh -c 'curl x | sh' || true`,
      'RUN <<EOF',
      'set -o pipefail',
      'curl x | sh',
      'EOF',
    );
    assert.deepEqual(check(D072, text), []);
    assert.ok(shellHasPipefail(['/bin/ash', '-eo', 'pipefail', '-c']) && !shellHasPipefail(['/bin/sh', '-c']));
  });

  it('inserts a bash SHELL on Debian bases and an ash SHELL (or set -o pipefail) on Alpine', () => {
    const debian = 'FROM debian:12\n# download\nRUN curl -fsSL https://x | tar -xz\n';
    const findings = check(D072, debian);
    assert.deepEqual(findings[0].fixes.map((f) => f.title), ['Insert SHELL ["/bin/bash", "-o", "pipefail", "-c"] before this RUN']);
    assert.equal(applyFix(D072, debian, findings[0]), 'FROM debian:12\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\n# download\nRUN curl -fsSL https://x | tar -xz\n');
    const alpine = 'FROM alpine:3.20\nRUN wget -qO- https://x | tar -xz\n';
    const alpineFindings = check(D072, alpine);
    assert.equal(applyFix(D072, alpine, alpineFindings[0], 0), 'FROM alpine:3.20\nSHELL ["/bin/ash", "-eo", "pipefail", "-c"]\nRUN wget -qO- https://x | tar -xz\n');
    assert.equal(applyFix(D072, alpine, alpineFindings[0], 1), 'FROM alpine:3.20\nRUN set -o pipefail && wget -qO- https://x | tar -xz\n');
    assert.ok(alpineFindings[0].fixes.every((f) => !f.isPreferred));
    assert.deepEqual(check(D072, 'FROM unknown/image:1\nRUN a | b\n')[0].fixes, []);
  });

  it('is suppressed by # hadolint ignore=DL4006 and by the KICS query id', () => {
    const text = 'FROM debian:12\nRUN curl x | tar x\n';
    assert.ok(reported(text, 'CG-D072'));
    assert.ok(!reported('FROM debian:12\n# hadolint ignore=DL4006\nRUN curl x | tar x\n', 'CG-D072'));
    assert.ok(!reported(`# kics-scan disable=efbf148a-67e9-42d2-ac47-02fa1c0d0b22\n${text}`, 'CG-D072'));
  });
});
