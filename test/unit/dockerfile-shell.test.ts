// Unit tests of the RUN command splitter (server/src/engine/dockerfile/shell.ts): commands, argv
// words with exact source ranges, joins, assignments, redirections, exec form, `sh -c`, heredocs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile, type DockerfileModel, type Instruction } from '../../server/src/engine/dockerfile/model';
import {
  allRunCommands, commandsOf, isPosixShell, programOf, segmentDeletion, shellAt, shellScriptWord, type ShellCommand,
} from '../../server/src/engine/dockerfile/shell';

function runs(text: string): { model: DockerfileModel; runs: Instruction[] } {
  const model = parseDockerfile(text);
  return { model, runs: model.instructions.filter((i) => i.keyword === 'RUN') };
}

/** Commands of the first RUN. */
function commands(text: string): { model: DockerfileModel; commands: ShellCommand[] } {
  const { model, runs: all } = runs(text);
  return { model, commands: commandsOf(model, all[0]) };
}

const argv = (c: ShellCommand) => c.argv.map((w) => w.value);
/** The source text of each argv word, exactly as its range says. */
const written = (model: DockerfileModel, c: ShellCommand) => c.argv.map((w) => model.source.text.slice(w.start, w.end));

describe('shell: splitting commands', () => {
  it('splits on &&, ||, ;, |, & and newlines and records the joins', () => {
    const { commands: cs } = commands('FROM a\nRUN a 1 && b 2 || c; d | e & f\n');
    assert.deepEqual(cs.map(argv), [['a', '1'], ['b', '2'], ['c'], ['d'], ['e'], ['f']]);
    assert.deepEqual(cs.map((c) => [c.before, c.after]), [[null, '&&'], ['&&', '||'], ['||', ';'], [';', '|'], ['|', '&'], ['&', null]]);
    assert.ok(cs.every((c) => c.origin === 'shell' && c.depth === 0 && !c.execForm));
  });

  it('gives every word its exact range, quotes included, and removes quotes from the value', () => {
    const { model, commands: cs } = commands(`FROM a\nRUN echo "a b" 'c d' e\\ f "x"'y'z\n`);
    assert.deepEqual(argv(cs[0]), ['echo', 'a b', 'c d', 'e f', 'xyz']);
    assert.deepEqual(written(model, cs[0]), ['echo', '"a b"', "'c d'", 'e\\ f', `"x"'y'z`]);
    assert.deepEqual(cs[0].argv[1].range, { start: { line: 1, character: 9 }, end: { line: 1, character: 14 } });
    assert.equal(cs[0].argv[1].quoted, true);
    assert.equal(cs[0].argv[0].quoted, false);
    // Each value character knows where it is written.
    const word = cs[0].argv[4];
    assert.deepEqual(word.charOffsets.map((o) => model.source.text[o]), ['x', 'y', 'z', '\n']);
  });

  it('reads Dockerfile line continuations and drops the comment lines inside them', () => {
    const text = 'FROM a\nRUN apt-get update && \\\n    # refresh first\n    apt-get install -y \\\n      curl\n';
    const { model, commands: cs } = commands(text);
    assert.deepEqual(cs.map(argv), [['apt-get', 'update'], ['apt-get', 'install', '-y', 'curl']]);
    assert.equal(cs[1].before, '&&');
    assert.deepEqual(cs[1].argv[3].range, { start: { line: 4, character: 6 }, end: { line: 4, character: 10 } });
    assert.deepEqual(written(model, cs[1]), ['apt-get', 'install', '-y', 'curl']);
  });

  it('honours the backtick escape directive and CRLF line endings', () => {
    const tick = commands('# escape=`\nFROM a\nRUN a `\n  b\n');
    assert.deepEqual(tick.commands.map(argv), [['a', 'b']]);
    const crlf = commands('FROM a\r\nRUN a && \\\r\n  b c\r\n');
    assert.deepEqual(crlf.commands.map(argv), [['a'], ['b', 'c']]);
    assert.deepEqual(crlf.commands[1].argv[1].range, { start: { line: 2, character: 4 }, end: { line: 2, character: 5 } });
  });

  it('separates NAME=value prefixes, redirections and shell keywords from argv', () => {
    const { commands: cs } = commands('FROM a\nRUN DEBIAN_FRONTEND=noninteractive TZ=UTC apt-get install -y x > /dev/null 2>&1 && if true; then echo ok; fi\n');
    assert.deepEqual(cs[0].assignments.map((w) => w.value), ['DEBIAN_FRONTEND=noninteractive', 'TZ=UTC']);
    assert.deepEqual(argv(cs[0]), ['apt-get', 'install', '-y', 'x']);
    assert.deepEqual(cs[0].redirects.map((r) => [r.op, r.target?.value]), [['>', '/dev/null'], ['2>&', '1']]);
    assert.deepEqual(cs.slice(1).map(argv), [['true'], ['echo', 'ok']]);
  });

  it('keeps $VARS and command substitutions in the word and parses the substitution too', () => {
    const { commands: cs } = commands('FROM a\nRUN echo "$(curl -k https://x)" ${HOME}/y\n');
    assert.deepEqual(argv(cs[0]), ['echo', '$(curl -k https://x)', '${HOME}/y']);
    assert.ok(cs[0].argv[1].dynamic && cs[0].argv[2].dynamic);
    const inner = cs.find((c) => c.origin === 'substitution')!;
    assert.deepEqual(argv(inner), ['curl', '-k', 'https://x']);
    assert.equal(inner.depth, 1);
    assert.deepEqual(inner.argv[1].range, { start: { line: 1, character: 17 }, end: { line: 1, character: 19 } });
  });

  it('skips shell comments', () => {
    const { commands: cs } = commands('FROM a\nRUN <<EOF\n# curl -k x\necho hi # curl -k y\nEOF\n');
    assert.deepEqual(cs.filter((c) => c.argv.length > 0).map(argv), [['echo', 'hi']]);
  });
});

describe('shell: nested scripts', () => {
  it('reads exec form argv with ranges and parses the sh -c script', () => {
    const { model, commands: cs } = commands('FROM a\nRUN ["sh", "-c", "curl -k https://x && echo \\"hi\\""]\n');
    assert.deepEqual(argv(cs[0]), ['sh', '-c', 'curl -k https://x && echo "hi"']);
    assert.ok(cs[0].execForm && cs[0].origin === 'exec');
    assert.deepEqual(written(model, cs[0]).slice(0, 2), ['"sh"', '"-c"']);
    const nested = cs.filter((c) => c.origin === 'sh-c');
    assert.deepEqual(nested.map(argv), [['curl', '-k', 'https://x'], ['echo', 'hi']]);
    assert.equal(model.source.text.slice(nested[0].argv[1].start, nested[0].argv[1].end), '-k');
  });

  it('parses sh -c / bash -ec scripts in shell form, after wrappers', () => {
    const { model, commands: cs } = commands(`FROM a\nRUN sudo -E bash -o pipefail -ec 'wget --no-check-certificate x'\n`);
    assert.equal(programOf(cs[0])?.name, 'bash');
    const nested = cs.find((c) => c.origin === 'sh-c')!;
    assert.deepEqual(argv(nested), ['wget', '--no-check-certificate', 'x']);
    // The last word ends before the closing quote.
    assert.equal(model.source.text.slice(nested.argv[2].start, nested.argv[2].end), 'x');
  });

  it('parses a here-document run by the shell, and keeps other bodies as data', () => {
    const text = 'FROM a\nRUN <<EOF\nset -e\ncurl -fsSL https://x | sh\ncat <<EOT > /etc/yum.repos.d/x.repo\n[x]\ngpgcheck=0\nEOT\nEOF\n';
    const { model, commands: cs } = commands(text);
    const script = cs.filter((c) => c.origin === 'heredoc');
    assert.deepEqual(script.map(argv), [['set', '-e'], ['curl', '-fsSL', 'https://x'], ['sh'], ['cat']]);
    assert.equal(script[1].after, '|');
    const cat = script[3];
    assert.deepEqual(cat.redirects.map((r) => [r.op, r.target?.value]), [['<<', 'EOT'], ['>', '/etc/yum.repos.d/x.repo']]);
    assert.equal(cat.heredocs[0].content, '[x]\ngpgcheck=0');
    assert.deepEqual(cat.heredocs[0].contentRange, { start: { line: 5, character: 0 }, end: { line: 6, character: 10 } });
    assert.equal(model.source.text[cat.heredocs[0].charOffsets[4]], 'g');
  });

  it('reads `bash <<EOF` and `<<EOF sh` as scripts, python and non-shell shebangs as data', () => {
    assert.deepEqual(commands('FROM a\nRUN bash <<EOF\ncurl -k x\nEOF\n').commands.filter((c) => c.origin === 'heredoc').map(argv), [['curl', '-k', 'x']]);
    assert.deepEqual(commands('FROM a\nRUN <<EOF sh\ncurl -k x\nEOF\n').commands.filter((c) => c.origin === 'heredoc').map(argv), [['curl', '-k', 'x']]);
    const python = commands('FROM a\nRUN python3 <<EOF\nimport os\nEOF\n').commands;
    assert.deepEqual(python.map(argv), [['python3']]);
    assert.equal(python[0].heredocs[0].content, 'import os');
    const shebang = commands('FROM a\nRUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\n').commands;
    assert.equal(shebang.filter((c) => c.origin === 'heredoc').length, 0);
    const bashShebang = commands('FROM a\nRUN <<EOF\n#!/bin/bash\ncurl x\nEOF\n').commands;
    assert.deepEqual(bashShebang.filter((c) => c.origin === 'heredoc').map(argv), [['curl', 'x']]);
  });

  it('reads ONBUILD RUN triggers through allRunCommands', () => {
    const { model } = runs('FROM a\nONBUILD RUN curl -k x\nRUN echo\n');
    assert.deepEqual(allRunCommands(model).map(argv), [['curl', '-k', 'x'], ['echo']]);
  });
});

describe('shell: helpers', () => {
  it('programOf skips sudo, env, xargs and friends', () => {
    const { commands: cs } = commands('FROM a\nRUN sudo -u app env -i A=1 /usr/bin/pip3 install x && cat l | xargs -r -n 1 apt-get install && nice -n 5 true\n');
    assert.deepEqual(cs.map((c) => programOf(c)?.name), ['pip3', 'cat', 'apt-get', 'true']);
    assert.deepEqual(programOf(cs[0])!.args.map((w) => w.value), ['install', 'x']);
    assert.equal(programOf(commands('FROM a\nRUN A=1\n').commands[0]), undefined);
  });

  it('finds the script word of sh -c', () => {
    const cs = commands(`FROM a\nRUN sh -c 'a' && bash script.sh && sh -e -c "b" x\n`).commands.filter((c) => c.origin === 'shell');
    assert.equal(shellScriptWord(cs[0].argv, 0)?.value, 'a');
    assert.equal(shellScriptWord(cs[1].argv, 0), undefined);
    assert.equal(shellScriptWord(cs[2].argv, 0)?.value, 'b');
  });

  it('segmentDeletion removes a command with one && and refuses pipelines and lone commands', () => {
    const text = 'FROM a\nRUN a && b && c | d\n';
    const { model, commands: cs } = commands(text);
    const cut = (c: ShellCommand) => {
      const s = segmentDeletion(c);
      return s ? text.slice(0, s.start) + text.slice(s.end) : null;
    };
    assert.equal(model.source.text, text);
    assert.equal(cut(cs[0]), 'FROM a\nRUN b && c | d\n');
    assert.equal(cut(cs[1]), 'FROM a\nRUN a && c | d\n');
    assert.equal(cut(cs[2]), null);
    assert.equal(segmentDeletion(commands('FROM a\nRUN a\n').commands[0]), null);
    const last = commands('FROM a\nRUN a && b\n');
    const s = segmentDeletion(last.commands[1])!;
    assert.equal('FROM a\nRUN a && b\n'.slice(0, s.start) + 'FROM a\nRUN a && b\n'.slice(s.end), 'FROM a\nRUN a\n');
  });

  it('shellAt follows SHELL in the stage and from parent stages; other shells give no commands', () => {
    const text = 'FROM a AS base\nSHELL ["/bin/bash", "-c"]\nFROM base\nRUN x\nSHELL ["powershell", "-Command"]\nRUN curl -k y\nRUN ["curl", "-k", "z"]\n';
    const { model, runs: all } = runs(text);
    assert.deepEqual(shellAt(model, all[0]), ['/bin/bash', '-c']);
    assert.deepEqual(shellAt(model, all[1]), ['powershell', '-Command']);
    assert.deepEqual(commandsOf(model, all[1]), []);
    assert.deepEqual(commandsOf(model, all[2]).map(argv), [['curl', '-k', 'z']]);
    assert.ok(isPosixShell('/bin/ash') && !isPosixShell('cmd'));
  });

  it('never throws on broken input and returns nothing for other instructions', () => {
    const inputs = ['FROM a\nRUN "unterminated', "FROM a\nRUN 'x", 'FROM a\nRUN $(', 'FROM a\nRUN <<EOF', 'FROM a\nRUN ["a", ', 'FROM a\nRUN a |', 'FROM a\nRUN `x', 'FROM a\nRUN ${', 'FROM a\nRUN \\', 'FROM a\rRUN <<EOF\rhi\rEOF\r', 'FROM a\nRUN ((((', 'FROM a\nRUN )))'];
    for (const text of inputs) {
      const model = parseDockerfile(text);
      for (const instruction of model.instructions) {
        for (const command of commandsOf(model, instruction)) {
          for (const word of [...command.argv, ...command.assignments]) {
            assert.ok(Number.isFinite(word.start) && Number.isFinite(word.end) && word.end <= text.length, `finite range in ${JSON.stringify(text)}`);
            assert.ok(Number.isFinite(word.range.end.character));
          }
        }
      }
    }
    // An unterminated quote ends the word at the end of the text.
    const open = commands(`FROM a\nRUN echo 'abc`);
    assert.deepEqual(open.commands[0].argv[1].range, { start: { line: 1, character: 9 }, end: { line: 1, character: 13 } });
    const model = parseDockerfile('FROM a\nCMD curl -k x\n');
    assert.deepEqual(commandsOf(model, model.instructions[1]), []);
  });

  it('returns the same array for the same instruction (cached)', () => {
    const { model, runs: all } = runs('FROM a\nRUN a && b\n');
    assert.equal(commandsOf(model, all[0]), commandsOf(model, all[0]));
  });
});
