// Unit tests of the Dockerfile model: stages, ARG resolution, image references, effective USER,
// base image families, directives, line endings and the parser traps.
import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { DockerfileLanguageServiceFactory } from 'dockerfile-language-service';
import { analyze } from '../../server/src/engine/engine';
import { parseDockerfile } from '../../server/src/engine/dockerfile/model';
import { expandVariables, builtinScope, type VarDecl } from '../../server/src/engine/dockerfile/args';
import { parseImageRef } from '../../server/src/engine/dockerfile/image-ref';
import { classifyBaseImage } from '../../server/src/engine/dockerfile/base-images';
import { range } from './kit';

function scopeOf(values: Record<string, string | null>): Map<string, VarDecl> {
  const scope = builtinScope();
  for (const [name, value] of Object.entries(values)) scope.set(name, { name, kind: 'ARG', value, rawValue: value, line: 0 });
  return scope;
}

describe('image references', () => {
  it('takes the tag only after the last slash (registry with port)', () => {
    const noTag = parseImageRef('reg:5000/app');
    assert.equal(noTag.registry, 'reg:5000');
    assert.equal(noTag.path, 'app');
    assert.equal(noTag.tag, null);
    assert.equal(noTag.digest, null);
    const tagged = parseImageRef('reg:5000/team/app:1.2');
    assert.equal(tagged.registry, 'reg:5000');
    assert.equal(tagged.path, 'team/app');
    assert.equal(tagged.tag, '1.2');
    assert.equal(tagged.tagStart, 'reg:5000/team/app:'.length);
    assert.equal(tagged.repository, 'reg:5000/team/app');
  });

  it('parses digests and validates their length', () => {
    const hex = 'a'.repeat(64);
    const ref = parseImageRef(`node:22@sha256:${hex}`);
    assert.equal(ref.tag, '22');
    assert.equal(ref.digest, `sha256:${hex}`);
    assert.equal(ref.digestStart, 'node:22@'.length);
    assert.equal(ref.digestValid, true);
    assert.equal(parseImageRef('node@sha256:abc').digestValid, false);
    assert.equal(parseImageRef(`node@sha256:${hex}`).tag, null);
  });

  it('normalises Docker Hub names', () => {
    assert.equal(parseImageRef('docker.io/library/node:20').repository, 'node');
    assert.equal(parseImageRef('library/node').repository, 'node');
    assert.equal(parseImageRef('docker.io/bitnami/redis').repository, 'bitnami/redis');
    assert.equal(parseImageRef('localhost/app').registry, 'localhost');
    assert.equal(parseImageRef('myorg/app').registry, null);
    assert.equal(parseImageRef('node:').tag, null);
  });
});

describe('variable expansion', () => {
  it('expands $A and ${A}', () => {
    assert.equal(expandVariables('$A/${B}:x', scopeOf({ A: 'a', B: 'b' })).value, 'a/b:x');
  });

  it('leaves unknown values unresolved instead of guessing', () => {
    const declaredNoDefault = expandVariables('node:$V', scopeOf({ V: null }));
    assert.equal(declaredNoDefault.value, null);
    assert.deepEqual(declaredNoDefault.unresolved, ['V']);
    assert.equal(expandVariables('$NOPE', scopeOf({})).value, null);
    assert.equal(expandVariables('$TARGETARCH', scopeOf({})).value, null);
  });

  it('applies the default and alternative operators', () => {
    const scope = scopeOf({ SET: 'v', EMPTY: '', UNKNOWN: null });
    const cases: [string, string | null][] = [
      ['${SET:-d}', 'v'],
      ['${EMPTY:-d}', 'd'],
      ['${EMPTY-d}', ''],
      ['${UNKNOWN:-d}', 'd'],
      ['${MISSING-d}', 'd'],
      ['${SET:+a}', 'a'],
      ['${EMPTY:+a}', ''],
      ['${EMPTY+a}', 'a'],
      ['${MISSING+a}', ''],
      ['${MISSING:-${SET}}', 'v'],
      ['${MISSING:-$UNKNOWN}', null],
      ['${SET:-$UNKNOWN}', 'v'],
      ['${SET#x}', null],
    ];
    for (const [text, expected] of cases) assert.equal(expandVariables(text, scope).value, expected, text);
  });

  it('keeps an escaped dollar literal', () => {
    assert.equal(expandVariables('\\$A', scopeOf({ A: 'a' })).value, '$A');
    assert.equal(expandVariables('`$A', scopeOf({ A: 'a' }), '`').value, '$A');
  });
});

describe('stages and ARG-resolved images', () => {
  const text = [
    'ARG BASE=node:22-bookworm', // 0
    'ARG TAGLESS', // 1
    'FROM $BASE AS Build', // 2
    'RUN npm ci', // 3
    'FROM --platform=$BUILDPLATFORM golang:1.22 AS tools', // 4
    'FROM build AS test', // 5
    'FROM ${TAGLESS:-alpine}', // 6
    'FROM $TAGLESS', // 7
  ].join('\n');
  const model = parseDockerfile(text);

  it('reads stages, aliases and parents (case-insensitive)', () => {
    assert.equal(model.stages.length, 5);
    assert.deepEqual(model.stages.map((s) => s.name), ['Build', 'tools', 'test', null, null]);
    assert.equal(model.stages[2].parent, model.stages[0]);
    assert.equal(model.stages[2].image.stageRef, model.stages[0]);
    assert.equal(model.stages[0].instructions.length, 1);
    assert.equal(model.stages[0].instructions[0].keyword, 'RUN');
    assert.equal(model.stages[1].platform, '$BUILDPLATFORM');
  });

  it('resolves global ARG defaults and records where they came from', () => {
    const image = model.stages[0].image;
    assert.equal(image.text, '$BASE');
    assert.deepEqual(image.range, range(2, 5, 2, 10));
    assert.equal(image.resolved, 'node:22-bookworm');
    assert.equal(image.ref?.tag, '22-bookworm');
    assert.deepEqual(image.usedArgs.map((a) => a.name), ['BASE']);
    assert.deepEqual(image.usedArgs[0].valueRange, range(0, 9, 0, 25));
    assert.deepEqual(model.globalArgs.map((a) => [a.name, a.value]), [['BASE', 'node:22-bookworm'], ['TAGLESS', null]]);
  });

  it('uses operator defaults but never guesses a bare unknown ARG', () => {
    assert.equal(model.stages[3].image.resolved, 'alpine');
    assert.equal(model.stages[4].image.resolved, null);
    assert.deepEqual(model.stages[4].image.unresolved, ['TAGLESS']);
  });

  it('finds the image token after flags', () => {
    assert.deepEqual(model.stages[1].image.range, range(4, 31, 4, 42));
  });

  it('picks the shipped stage and its chain', () => {
    assert.equal(model.shippedStage(), model.stages[4]);
    assert.equal(model.shippedStage('TEST'), model.stages[2]);
    assert.equal(model.shippedStage('nope'), undefined);
    assert.deepEqual(model.shippedChain('test').map((s) => s.index), [0, 2]);
    assert.deepEqual(model.shippedChain().map((s) => s.index), [4]);
    assert.equal(model.stageAt(3), model.stages[0]);
    assert.equal(model.stageAt(1), undefined);
  });
});

describe('scopes and effective user', () => {
  it('re-declared global ARGs keep their default inside a stage; undeclared ones do not leak', () => {
    const model = parseDockerfile('ARG U=app\nFROM alpine:3.20\nARG U\nUSER $U\nFROM alpine:3.20\nUSER $U\n');
    const first = model.effectiveUser(model.stages[0]);
    assert.equal(first?.resolved, 'app');
    assert.deepEqual(first?.range, range(3, 5, 3, 7));
    const second = model.effectiveUser(model.stages[1]);
    assert.equal(second?.text, '$U');
    assert.equal(second?.resolved, null);
  });

  it('inherits ENV and USER through FROM <stage>', () => {
    const model = parseDockerfile('FROM debian:12 AS base\nENV APP_USER=svc\nUSER $APP_USER\nFROM base\nRUN true\n');
    const user = model.effectiveUser(model.stages[1]);
    assert.equal(user?.resolved, 'svc');
    assert.equal(user?.inherited, true);
    assert.equal(user?.stage, model.stages[0]);
    assert.equal(model.expand('$APP_USER', model.stages[1].instructions[0]).value, 'svc');
  });

  it('reports a base image default user when no USER is set', () => {
    const model = parseDockerfile('FROM gcr.io/distroless/static-debian12:nonroot\nCOPY app /app\n');
    const user = model.effectiveUser(model.stages[0]);
    assert.equal(user?.fromBaseImage, true);
    assert.equal(user?.resolved, '65532');
    assert.equal(parseDockerfile('FROM debian:12\n').effectiveUser(parseDockerfile('FROM debian:12\n').stages[0]), undefined);
  });

  it('splits user and group', () => {
    const model = parseDockerfile('FROM debian:12\nUSER root:staff\n');
    const user = model.effectiveUser(model.stages[0]);
    assert.equal(user?.user, 'root');
    assert.equal(user?.group, 'staff');
  });

  it('follows the chain to the root image for the base image family', () => {
    const model = parseDockerfile('FROM node:22-alpine AS base\nFROM base AS app\nFROM app\n');
    const info = model.baseImage(model.stages[2]);
    assert.equal(info.family, 'alpine');
    assert.equal(info.shippedUser, 'node');
  });

  it('reads the effective SHELL', () => {
    const model = parseDockerfile('FROM debian:12 AS a\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nFROM a\n');
    assert.deepEqual(model.effectiveShell(model.stages[1]), ['/bin/bash', '-o', 'pipefail', '-c']);
    assert.deepEqual(model.effectiveShell(model.stages[0]), ['/bin/bash', '-o', 'pipefail', '-c']);
    assert.deepEqual(parseDockerfile('FROM a:1').effectiveShell(parseDockerfile('FROM a:1').stages[0]), ['/bin/sh', '-c']);
  });
});

describe('base image families', () => {
  const family = (ref: string) => classifyBaseImage(parseImageRef(ref));
  it('classifies distributions and official images', () => {
    assert.equal(family('debian:12-slim').family, 'debian');
    assert.equal(family('ubuntu:24.04').family, 'debian');
    assert.equal(family('python:3.12-slim').family, 'debian');
    assert.equal(family('python:3.12-alpine').family, 'alpine');
    assert.equal(family('golang:1.22').family, 'debian');
    assert.equal(family('eclipse-temurin:21-jre').family, 'debian');
    assert.equal(family('busybox:1.36').family, 'alpine');
    assert.equal(family('docker.io/library/alpine:3.20').family, 'alpine');
    assert.equal(family('rockylinux:9').family, 'rhel');
    assert.equal(family('amazonlinux:2023').family, 'rhel');
    assert.equal(family('registry.access.redhat.com/ubi9/ubi:9.4').family, 'rhel');
    assert.equal(family('registry.access.redhat.com/ubi9/ubi-minimal:9.4').canCreateUser, false);
    assert.equal(family('gcr.io/distroless/base-debian12').family, 'distroless');
    assert.equal(family('gcr.io/distroless/base-debian12').defaultUser, undefined);
    assert.equal(family('gcr.io/distroless/base-debian12:debug-nonroot').defaultUser, '65532');
    assert.equal(family('scratch').family, 'scratch');
    assert.equal(family('node:22').shippedUser, 'node');
    assert.equal(family('example.com/team/app:1').family, 'unknown');
    assert.equal(family('nginx:1.27').family, 'debian');
    assert.equal(family('nginx:1.27-alpine').family, 'alpine');
  });
});

describe('instructions, directives and line structure', () => {
  it('reads directives and puts the file comment line after them', () => {
    const model = parseDockerfile('# syntax=docker/dockerfile:1\n# escape=`\n# check=skip=all\n\nFROM windows:1 AS a\nRUN a `\n  b\n');
    assert.deepEqual(model.directives.map((d) => [d.name, d.value]), [['syntax', 'docker/dockerfile:1'], ['escape', '`'], ['check', 'skip=all']]);
    assert.equal(model.fileCommentLine, 3);
    assert.equal(model.escapeChar, '`');
    assert.equal(model.statementStart(6), 5);
    assert.equal(model.statementStart(5), 5);
    assert.equal(model.statementStart(3), 3);
    assert.equal(model.stages[0].instructions[0].argsText, 'a   b');
  });

  it('has no file comment line offset without directives', () => {
    assert.equal(parseDockerfile('# just a comment\nFROM a:1\n').fileCommentLine, 0);
  });

  it('covers continuation lines and heredoc bodies in statementStart', () => {
    const model = parseDockerfile('FROM a:1\nRUN <<EOF\necho hi\nEOF\nRUN apt-get update && \\\n    apt-get install -y curl\n');
    assert.equal(model.statementStart(2), 1);
    assert.equal(model.statementStart(3), 1);
    assert.equal(model.statementStart(5), 4);
    const run = model.stages[0].instructions[0];
    assert.deepEqual(run.heredocs.map((h) => [h.name, h.content]), [['EOF', 'echo hi']]);
  });

  it('parses exec form with BuildKit rules', () => {
    const model = parseDockerfile('FROM a:1\nCMD ["node", "a b", "\\u0041"]\nCMD [\'node\']\nENTRYPOINT node x\nCMD []\n');
    const [cmd, single, entry, empty] = model.stages[0].instructions;
    assert.deepEqual(cmd.execForm, ['node', 'a b', 'A']);
    assert.equal(single.execForm, null);
    assert.equal(entry.execForm, null);
    assert.deepEqual(empty.execForm, []);
  });

  it('exposes ONBUILD triggers and flags', () => {
    const model = parseDockerfile('FROM a:1\nONBUILD ADD --chown=1:1 x /y\nCOPY --from=b --chmod=644 a b\n');
    const onbuild = model.stages[0].instructions[0];
    assert.equal(onbuild.keyword, 'ONBUILD');
    assert.equal(onbuild.trigger?.keyword, 'ADD');
    assert.equal(onbuild.trigger?.inOnbuild, true);
    assert.deepEqual(onbuild.trigger?.keywordRange, range(1, 8, 1, 11));
    assert.deepEqual(onbuild.trigger?.flags.map((f) => [f.name, f.value]), [['chown', '1:1']]);
    assert.deepEqual(model.stages[0].instructions[1].flags.map((f) => f.name), ['from', 'chmod']);
  });

  it('keeps the keyword as written and upper-cases the keyword id', () => {
    const model = parseDockerfile('from a:1\nuser app\n');
    assert.equal(model.stages[0].from.keywordText, 'from');
    assert.equal(model.stages[0].instructions[0].keyword, 'USER');
  });
});

describe('line endings, BOM and robustness', () => {
  it('uses CRLF when the file does, and lone CR when the file does', () => {
    assert.equal(parseDockerfile('FROM a:1\r\nUSER x\r\n').eol, '\r\n');
    assert.equal(parseDockerfile('FROM a:1\nUSER x\n').eol, '\n');
    assert.equal(parseDockerfile('FROM a:1\rUSER x\r').eol, '\r');
  });

  it('counts the BOM as a character before FROM', () => {
    const model = parseDockerfile('\uFEFFFROM node\r\n');
    assert.deepEqual(model.stages[0].image.range, range(0, 6, 0, 10));
    assert.equal(model.stages[0].image.resolved, 'node');
  });

  it('survives the dockerfile-ast recursion trap before FROM', () => {
    const model = parseDockerfile(' - $G\nFROM x:1\nUSER $G\n');
    assert.equal(model.stages.length, 1);
    assert.ok(model.problems.some((p) => /validator failed/.test(p.message)));
    assert.equal(model.effectiveUser(model.stages[0])?.resolved, null);
  });

  it('survives lone CR line endings with heredocs', () => {
    const model = parseDockerfile('FROM a:1\rRUN <<EOF\rhi\rEOF\rCOPY <<EOF /x\rdata\rEOF\r');
    assert.equal(model.stages.length, 1);
    assert.equal(model.stages[0].instructions.length, 2);
  });

  it('builds a model for empty, junk and half-typed files', () => {
    const empty = parseDockerfile('');
    assert.equal(empty.stages.length, 0);
    assert.equal(empty.shippedStage(), undefined);
    const junk = parseDockerfile('\u0000\u0001\u00ff junk \n\t\t\n');
    assert.equal(junk.stages.length, 0);
    const half = parseDockerfile('FROM\nUSER\nCMD\nARG\nONBUILD\n');
    assert.equal(half.stages.length, 1);
    assert.equal(half.stages[0].image.text, null);
    assert.equal(half.effectiveUser(half.stages[0]), undefined);
    assert.ok(half.problems.length > 0);
  });

  it('reports validator problems with their own source and our severities', () => {
    const model = parseDockerfile('FROM node:22\nFOO bar\nMAINTAINER me\nEXPOSE abc\n');
    assert.deepEqual(
      model.problems.map((p) => [p.source, p.severity, p.range.start.line]),
      [['dockerfile-utils', 'error', 1], ['dockerfile-utils', 'warning', 2], ['dockerfile-utils', 'error', 3]],
    );
    assert.deepEqual(parseDockerfile('FROM node:22\nFOO bar\n', { validate: false }).problems, []);
  });

  it('ignores USER inside ONBUILD for the effective user', () => {
    const model = parseDockerfile('FROM alpine:3.20\nONBUILD USER app\n');
    assert.equal(model.effectiveUser(model.stages[0]), undefined);
  });

  it('never throws on arbitrary token soup', () => {
    const pieces = ['FROM', 'USER', 'ARG', 'ENV', 'CMD', 'ADD', 'ONBUILD', '$A', '${A:-', '}', '<<EOF', 'EOF', '\\', '`', '\n', '\r', '\r\n', ' ', '\t', '#', '=', '[', '"', 'scratch', 'AS', 'x', ':', '@'];
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let n = 0; n < 300; n++) {
      let text = '';
      const length = Math.floor(random() * 40);
      for (let i = 0; i < length; i++) text += pieces[Math.floor(random() * pieces.length)];
      const model = parseDockerfile(text);
      for (const stage of model.stages) {
        model.effectiveUser(stage);
        model.baseImage(stage);
        model.chainOf(stage);
      }
      assert.ok(Array.isArray(model.problems));
    }
  });
});

test('the same text analyzed again after the editor features touched the shared parse tree gives the same findings', () => {
  const text = 'FROM node:latest AS build\nRUN true\nFROM node:22-bookworm-slim\nCMD ["node"]\n';
  const first = analyze(text, { kind: 'dockerfile' }).findings.map((f) => `${f.ruleId}@${JSON.stringify(f.range)}`);
  const service = DockerfileLanguageServiceFactory.createLanguageService();
  // Hover, symbols, links and semantic tokens read image names through From.getImageNameRange(), which shortens ranges in place.
  service.computeHover(text, { line: 0, character: 6 });
  service.computeLinks(text);
  service.computeSymbols({ uri: 'file:///x/Dockerfile' }, text);
  service.computeSemanticTokens(text);
  const second = analyze(text, { kind: 'dockerfile' }).findings.map((f) => `${f.ruleId}@${JSON.stringify(f.range)}`);
  assert.deepEqual(second, first);
  assert.ok(first.some((f) => f.startsWith('CG-D002@')), 'node:latest is read with its tag');
});

describe('derived results', () => {
  it('are computed once per model and not shared between models', () => {
    const key = { name: 'test result' };
    const first = parseDockerfile('FROM alpine:3.20\n');
    const second = parseDockerfile('FROM alpine:3.20\n');
    let computed = 0;
    const compute = () => ({ count: ++computed });
    const a = first.derived.get(key, compute);
    assert.equal(first.derived.get(key, compute), a);
    assert.equal(computed, 1);
    assert.notEqual(second.derived.get(key, compute), a);
    assert.equal(computed, 2);
  });
});
