// Dockerfile typing (issue 17): instructions whose text and position did not change are taken from the
// previous version's parse, with their syntax problems, model instructions and RUN commands. Whatever
// is typed, the result must be exactly what a fresh analysis gives; the syntax problems exactly what
// dockerfile-utils' own validate() gives.
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { validate } from 'dockerfile-utils';
import { DockerfileParser, type From } from 'dockerfile-ast';
import { analyze, type Analysis } from '../../server/src/engine/engine';
import { parseTree } from '../../server/src/engine/dockerfile/ast';
import { mapSeverity, validateTree } from '../../server/src/engine/dockerfile/syntax';
import { parseDockerfile, type DockerfileModel } from '../../server/src/engine/dockerfile/model';
import { commandsOf } from '../../server/src/engine/dockerfile/shell';

/** Files that give the validator's file-wide and per-instruction checks something to say. */
const SAMPLES = [
  [
    '# syntax=docker/dockerfile:1',
    '# Escape=\\',
    'ARG BASE=alpine:3.20',
    'FROM $BASE AS build',
    'from build AS build',
    'MAINTAINER someone',
    'CMD ["a"]',
    "CMD ['b']",
    'ENTRYPOINT x',
    'ENTRYPOINT y',
    'HEALTHCHECK --interval=3 CMD true',
    'HEALTHCHECK NONE',
    'WORKDIR relative/dir',
    'EXPOSE 80/tcpx',
    'RUN --mount=type=bind,badflag apt-get install -y \\',
    '',
    '    curl',
    '# dockerfile-utils: ignore',
    'COPY --chown=a:b --chmod one',
    'ONBUILD ONBUILD RUN x',
    'ONBUILD COPY',
    'FOO bar',
    'ENV A=${B:?} C',
    'USER',
    'STOPSIGNAL',
    'ARG',
    '',
  ].join('\n'),
  ['RUN echo before any FROM', 'FROM scratch', 'ADD', 'VOLUME ["/a", \'/b\']', 'SHELL sh'].join('\r\n'),
  '\ufeff# escape=`\nFROM mcr.microsoft.com/windows AS a\nRUN dir `\n  /w\nCOPY <<EOF /x\nbody\nEOF\nFROM a\nLABEL a=1 b\n',
  'ARG A\nARG B',
  '',
  '# escape=\\\n# escape=`\nFROM x\n',
];

const library = (text: string) => validate(text).map((d) => ({ source: 'dockerfile-utils', message: d.message, range: d.range, severity: mapSeverity(d.severity) }));
const ours = (text: string) => {
  const parsed = parseTree(text);
  return validateTree(parsed.document, parsed.tree).problems;
};

describe('Dockerfile syntax problems over the model’s tree', () => {
  test('are exactly what dockerfile-utils validate() reports, in its order', () => {
    for (const text of SAMPLES) assert.deepEqual(ours(text), library(text), JSON.stringify(text));
    // Not vacuous: the samples exercise the file-wide checks.
    const messages = ours(SAMPLES[0]).map((p) => p.message).join('\n');
    for (const expected of [/CMD/, /ENTRYPOINT/, /HEALTHCHECK/, /Duplicate name/i, /Unknown instruction/, /MAINTAINER/i]) assert.match(messages, expected);
    assert.ok(!ours(SAMPLES[0]).some((p) => p.range.start.line === 18), 'the ignore comment drops the COPY line');
    assert.ok(ours(SAMPLES[1]).some((p) => p.range.start.line === 0 && /FROM/.test(p.message)), 'an instruction before FROM');
  });
});

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

const TYPED = ['a', 'x', ' ', '\t', '\n', '\r\n', '\\', '`', '#', '$', '{', '}', '"', "'", '[', ']', '<<', '-', '=', ':', '@', '&&', '|', 'RUN ', 'FROM b AS c\n', 'CMD x\n', 'ARG A=1\n', 'ENV B=$A\n', 'USER root\n', 'WORKDIR rel\n', 'ONBUILD RUN x\n', 'SHELL ["pwsh", "-c"]\n', '# dockerfile-utils: ignore\n', 'EOF\n'];

const BASE = [
  'ARG VERSION=1.2',
  'FROM debian:12 AS build',
  'ENV PATH=/opt/bin:$PATH',
  'RUN apt-get update && apt-get install -y --no-install-recommends \\',
  '\t\tcurl ca-certificates \\',
  '\t&& curl -fsSL https://example.com/v${VERSION}/tool.tgz | tar -xz -C /opt \\',
  '\t&& rm -rf /var/lib/apt/lists/*',
  'WORKDIR /src',
  'COPY --chown=app:app . .',
  'RUN pip install -r requirements.txt && npm ci',
  'FROM build AS final',
  'ONBUILD RUN echo hi',
  'RUN <<EOF',
  'wget -O- http://example.com/x | sh',
  'EOF',
  'USER app',
  'HEALTHCHECK CMD curl -f http://localhost/ || exit 1',
  'CMD ["/opt/bin/tool"]',
  '',
].join('\n');

function assertSame(typed: Analysis, fresh: Analysis, where: string): void {
  assert.deepEqual(typed.findings, fresh.findings, where);
  assert.deepEqual(typed.problems, fresh.problems, where);
}

describe('Dockerfile analysis of each typed version', () => {
  for (const seed of [1, 2, 3, 4]) {
    test(`equals a fresh analysis after every random edit (seed ${seed})`, () => {
      const next = random(seed);
      let text = BASE;
      let previous = analyze(text, { kind: 'dockerfile' });
      for (let step = 0; step < 150; step++) {
        const at = Math.floor(next() * (text.length + 1));
        const choice = next();
        if (choice < 0.55) text = text.slice(0, at) + TYPED[Math.floor(next() * TYPED.length)] + text.slice(at);
        else if (choice < 0.85) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(next() * 3));
        // Several characters at one place, as a word is typed.
        else for (const ch of 'word') text = text.slice(0, at) + ch + text.slice(at);
        const typed = analyze(text, { kind: 'dockerfile', previous });
        assertSame(typed, analyze(text, { kind: 'dockerfile' }), `seed ${seed} step ${step}: ${JSON.stringify(text)}`);
        assert.deepEqual(ours(text), library(text));
        previous = typed;
      }
    });
  }
});

describe('What a typed version reuses', () => {
  const edited = BASE.replace('npm ci', 'npm cix');
  const instructions = (text: string, earlier?: ReturnType<typeof parseTree>) => parseTree(text, earlier?.reuse).tree.getInstructions();

  test('every instruction but the edited one is the previous parse’s own, except those that read beyond themselves', () => {
    const first = parseTree(BASE);
    const before = first.tree.getInstructions();
    const after = instructions(edited, first);
    assert.equal(after.length, before.length);
    const kept = after.map((instruction, i) => instruction === before[i]);
    const keywords = after.map((instruction) => instruction.getKeyword());
    const editedIndex = keywords.findIndex((k, i) => k === 'RUN' && after[i].getRange().start.line === 9);
    for (let i = 0; i < after.length; i++) {
      const rebuilt = i === editedIndex || keywords[i] === 'WORKDIR' || keywords[i] === 'ONBUILD' || (keywords[i] === 'RUN' && after[i].getRange().start.line === 12);
      assert.equal(kept[i], !rebuilt, `${keywords[i]} at ${after[i].getRange().start.line}`);
    }
  });

  test('an added line moves the instructions below it: they are built again, at their new lines', () => {
    const first = parseTree(BASE);
    const after = instructions(BASE.replace('USER app', '\nUSER app'), first);
    const user = after.find((instruction) => instruction.getKeyword() === 'USER')!;
    assert.equal(user.getRange().start.line, 16);
    assert.ok(!first.tree.getInstructions().includes(user));
  });

  test('a RUN below a typed line keeps its commands, moved to its new offsets', () => {
    const firstRun = (model: DockerfileModel) => model.instructions.filter((i) => i.keyword === 'RUN')[0];
    const typedOn = BASE.replace('ENV PATH=/opt/bin:$PATH', 'ENV PATH=/opt/bin:/usr/local/bin:$PATH');
    const previous = parseDockerfile(BASE);
    commandsOf(previous, firstRun(previous));
    const typed = parseDockerfile(typedOn, { previous });
    const fresh = parseDockerfile(typedOn);
    const strip = (model: DockerfileModel) => commandsOf(model, firstRun(model)).map(({ instruction, program, ...rest }) => (void instruction, void program, rest));
    assert.deepEqual(strip(typed), strip(fresh));
    assert.equal(commandsOf(typed, firstRun(typed))[0].start, typedOn.indexOf('apt-get update'));
  });
});

describe('arguments handed out by the parse', () => {
  const TEXT = 'FROM --platform=linux/amd64 docker.io/library/node:20@sha256:' + 'a'.repeat(64) + ' AS build\nCOPY --chown=app:app src/ /app/\nRUN --mount=type=cache,target=/root/.npm apt-get update && \\\n    apt-get install -y curl\nENV A=1 B="two words"\nCMD ["node", "server.js"]\n';

  test('equal the library parser\'s, in a fresh array every time, and FROM keeps its image range while it shortens a copy', () => {
    const plain = DockerfileParser.parse(TEXT).getInstructions();
    const ours = parseTree(TEXT).tree.getInstructions();
    const view = (args: { getValue(): string; getRange(): unknown }[]) => args.map((arg) => [arg.getValue(), arg.getRange()]);
    assert.equal(ours.length, plain.length);
    for (let i = 0; i < ours.length; i++) {
      const first = ours[i].getArguments();
      first.length = 0;
      assert.deepEqual(view(ours[i].getArguments()), view(plain[i].getArguments()), ours[i].getKeyword());
      assert.deepEqual(ours[i].getArgumentsRange(), plain[i].getArgumentsRange());
    }
    const from = ours[0] as From;
    const image = structuredClone(from.getImageRange());
    assert.deepEqual(from.getImageNameRange(), (plain[0] as From).getImageNameRange());
    assert.deepEqual(from.getImageRange(), image);
  });
});
