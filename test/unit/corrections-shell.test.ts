// Catalogue §6.3 corrections of the shell-related Dockerfile rules: CG-D072 (`|` in `case` patterns
// and quotes, non-POSIX shells and Windows images, echo/printf pipes, §6.2 against CG-D101), CG-D073
// (POSIX shells only, the effective shell named, when the JSON form is preferred), BuildKit
// `# check=skip=` above an instruction, and files without FROM (fragments being typed).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/engine/engine';
import { parseDockerfile } from '../../server/src/engine/dockerfile/model';
import { commandsOf } from '../../server/src/engine/dockerfile/shell';
import { isWindowsImageName, posixShellAt } from '../../server/src/engine/dockerfile/shell-kind';
import { remoteScriptPipes } from '../../server/src/engine/dockerfile/remote-pipe';
import { defaultSettings } from '../../server/src/engine/settings';
import { rule as D020 } from '../../server/src/rules/dockerfile/D020-missing-user';
import { rule as D021 } from '../../server/src/rules/dockerfile/D021-root-user';
import { rule as D072 } from '../../server/src/rules/dockerfile/D072-pipe-without-pipefail';
import { rule as D073 } from '../../server/src/rules/dockerfile/D073-shell-form-cmd';
import { rule as D074 } from '../../server/src/rules/dockerfile/D074-missing-healthcheck';
import { rule as D101 } from '../../server/src/rules/dockerfile/D101-remote-script-pipe';
import { applyFixExact, checkDockerfile as check, dockerfileIds as ids, lines, range } from './kit';

/** The commands of the model's first RUN as [argv, before, after]. */
function commandsOfFirstRun(text: string): Array<[string[], string | null, string | null]> {
  const model = parseDockerfile(text);
  const run = model.instructions.find((i) => i.keyword === 'RUN')!;
  return commandsOf(model, run).map((c) => [c.argv.map((w) => w.value), c.before, c.after]);
}

describe('shell reader: case clauses', () => {
  it('reads the header and the arms as commands, the patterns as neither commands nor pipes', () => {
    const text = lines(
      'FROM alpine:3.20',
      'RUN case "$(apk --print-arch)" in \\',
      '      x86_64 | aarch64) flag=--jit ;; \\',
      '      (armv7|"arm|hf") ldd /bin/x | grep y ;;& \\',
      '      *) exit 1 ;; \\',
      '    esac && make',
    );
    assert.deepEqual(commandsOfFirstRun(text), [
      [['case', '$(apk --print-arch)', 'in'], null, ')'],
      [['apk', '--print-arch'], null, null],
      [[], ')', ')'],
      [['ldd', '/bin/x'], ')', '|'],
      [['grep', 'y'], '|', ')'],
      [['exit', '1'], ')', ')'],
      [['make'], ')', null],
    ]);
  });

  it('reads nested clauses, a header over two lines and an arm without ;; before esac', () => {
    const text = lines('FROM alpine:3.20', 'RUN <<EOF', 'case $a', 'in', '  a) case $b in x|y) foo;; esac', '  ;;', '  b) bar', 'esac', 'baz', 'EOF');
    assert.deepEqual(commandsOfFirstRun(text), [
      [[], null, null], // the RUN line itself: `<<EOF`
      [['case', '$a'], null, ')'],
      [['case', '$b', 'in'], ')', ')'],
      [['foo'], ')', ')'],
      [['bar'], ')', ')'],
      [['baz'], ')', null],
    ]);
  });
});

describe('CG-D072 corrections (§6.3)', () => {
  it('does not read | in a case pattern or in quotes as a pipe', () => {
    const text = lines(
      'FROM debian:12',
      'RUN case "$(dpkg --print-architecture)" in amd64 | arm64) A=1 ;; *) A=2 ;; esac',
      `RUN grep "a | b" f && sed 's/x|y/z/' g && awk -F'|' '{print $1}' h`,
    );
    assert.deepEqual(check(D072, text), []);
  });

  it('still reports a real pipe inside a case arm, on its operator', () => {
    const text = lines('FROM debian:12', 'RUN case $a in x | y) ldd /b | grep c ;; esac');
    const findings = check(D072, text);
    assert.deepEqual(findings.map((f) => [f.range, f.severity]), [[range(1, 29, 1, 30), undefined]]);
    assert.match(findings[0].message, /a failure of 'ldd' on the left of '\|' is ignored/);
  });

  it('is not checked under cmd, powershell or pwsh, nor on a Windows base image (inherited too)', () => {
    const windows = [
      'FROM mcr.microsoft.com/windows/servercore:ltsc2022',
      'FROM mcr.microsoft.com/windows/nanoserver:ltsc2022',
      'FROM mcr.microsoft.com/powershell:lts-nanoserver-1809',
      'FROM mcr.microsoft.com/dotnet/framework/sdk:4.8-windowsservercore-ltsc2019',
      'FROM --platform=windows/amd64 example.com/tools:1',
    ];
    for (const from of windows) assert.deepEqual(check(D072, lines(from, 'RUN ldd x | grep y')), [], from);
    for (const shell of ['["cmd", "/S", "/C"]', '["powershell", "-Command"]', '["pwsh", "-c"]', '["C:\\\\Windows\\\\cmd.exe", "/c"]']) {
      assert.deepEqual(check(D072, lines('FROM debian:12', `SHELL ${shell}`, 'RUN ldd x | grep y')), [], shell);
    }
    const inherited = lines('FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS base', 'FROM base', 'RUN ldd x | grep y');
    assert.deepEqual(check(D072, inherited), []);
    const inheritedShell = lines('FROM debian:12 AS base', 'SHELL ["pwsh", "-c"]', 'FROM base', 'RUN ldd x | grep y');
    assert.deepEqual(check(D072, inheritedShell), []);
    assert.equal(check(D072, lines('FROM debian:12', 'RUN ldd x | grep y')).length, 1);
  });

  it('does not flag a pipe whose left side only prints text (echo, printf)', () => {
    const text = lines(
      'FROM debian:12',
      'RUN echo "$NODE_SHA256 *node.tar.xz" | sha256sum -c -',
      `RUN printf '%s\\n' a b | xargs -n1 echo && echo "$(date)" | tee /x`,
    );
    assert.deepEqual(check(D072, text), []);
    const cat = check(D072, lines('FROM debian:12', 'RUN echo x && cat f | sha256sum -c -'));
    assert.deepEqual(cat.map((f) => f.range), [range(1, 20, 1, 21)]);
  });

  it('leaves a download piped into a shell to CG-D101, even when D101 is off (§6.2)', () => {
    const text = lines('FROM debian:12', 'RUN curl -fsSL https://x.io/i.sh | sh', 'RUN wget -qO- https://x.io/i.sh.gz | gunzip | bash -s -- -y');
    assert.deepEqual(check(D072, text), []);
    assert.deepEqual(ids(text).filter((id) => id === 'CG-D072' || id === 'CG-D101'), ['CG-D101', 'CG-D101']);
    const off = analyze(text, { kind: 'dockerfile', settings: { ...defaultSettings, rules: { 'CG-D101': 'off' } } });
    assert.deepEqual(off.findings.filter((f) => f.ruleId === 'CG-D072' || f.ruleId === 'CG-D101'), []);
  });

  it('still reports a download piped into anything else, and other pipes of the same RUN', () => {
    const tar = check(D072, lines('FROM debian:12', 'RUN curl -fsSL https://x.io/a.tgz | tar -xz'));
    assert.deepEqual(tar.map((f) => [f.range, f.severity]), [[range(1, 34, 1, 35), 'warning']]);
    const both = check(D072, lines('FROM debian:12', 'RUN curl -fsSL https://x.io/i.sh | sh && ldd /b | grep c'));
    assert.deepEqual(both.map((f) => [f.range, f.severity]), [[range(1, 48, 1, 49), undefined]]);
    // Data for a program given by -c is not a script: that pipe is D072's.
    const data = check(D072, lines('FROM debian:12', `RUN curl -s https://api.x.io/v | python3 -c 'import json'`));
    assert.deepEqual(data.map((f) => f.severity), ['warning']);
  });

  it('shares one predicate with CG-D101 (engine remote-pipe module)', () => {
    const text = lines('FROM debian:12', 'RUN wget -qO- https://x.io/i.sh.gz | gunzip | sh && curl -o f https://x.io/f | cat');
    const model = parseDockerfile(text);
    const commands = commandsOf(model, model.instructions[1]);
    assert.deepEqual([...remoteScriptPipes(commands)].map((c) => c.argv[0].value), ['wget', 'gunzip']);
    assert.equal(check(D101, text).length, 1);
  });
});

describe('CG-D073 corrections (§6.3, §6.4)', () => {
  it('names the effective shell of the CMD (its stage, or inherited through FROM <stage>)', () => {
    const bash = check(D073, lines('FROM debian:12', 'SHELL ["/bin/bash", "-c"]', 'CMD node app.js'));
    assert.equal(
      bash[0].message,
      `CMD is in shell form, so it runs under '/bin/bash -c': the shell is PID 1 and does not pass SIGTERM on to the application. Use the JSON form CMD ["executable", "arg"].`,
    );
    const inherited = check(D073, lines('FROM alpine:3.20 AS base', 'SHELL ["/bin/ash", "-eo", "pipefail", "-c"]', 'FROM base', 'ENTRYPOINT /app/run'));
    assert.match(inherited[0].message, /^ENTRYPOINT is in shell form, so it runs under '\/bin\/ash -eo pipefail -c'/);
    // A SHELL after the CMD does not change how the CMD was recorded.
    const later = check(D073, lines('FROM debian:12', 'CMD node app.js', 'SHELL ["/bin/bash", "-c"]'));
    assert.match(later[0].message, /runs under '\/bin\/sh -c'/);
    const zsh = check(D073, lines('FROM debian:12', 'SHELL ["/usr/bin/zsh", "-c"]', 'CMD node app.js'));
    assert.match(zsh[0].message, /runs under '\/usr\/bin\/zsh -c'/);
  });

  it('is not checked under cmd, powershell or pwsh, nor on a Windows base image', () => {
    for (const shell of ['["cmd", "/S", "/C"]', '["powershell", "-Command"]', '["pwsh", "-c"]']) {
      assert.deepEqual(check(D073, lines('FROM debian:12', `SHELL ${shell}`, 'CMD app run')), [], shell);
    }
    assert.deepEqual(check(D073, lines('FROM mcr.microsoft.com/windows/nanoserver:ltsc2022', 'CMD app.exe run')), []);
    assert.deepEqual(check(D073, lines('FROM mcr.microsoft.com/powershell:lts-nanoserver-1809', 'CMD pwsh')), []);
    assert.deepEqual(check(D073, lines('FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS base', 'FROM base', 'CMD app.exe')), []);
    assert.deepEqual(check(D073, lines('FROM debian:12 AS base', 'SHELL ["powershell", "-c"]', 'FROM base', 'CMD app')), []);
  });

  it('prefers the JSON form for a plain CMD when no ENTRYPOINT receives it', () => {
    const text = lines('FROM node:22', 'CMD node server.js');
    const [finding] = check(D073, text);
    assert.deepEqual(finding.fixes.map((f) => [f.title, f.isPreferred]), [['Convert to exec form: CMD ["node", "server.js"]', true]]);
    assert.equal(applyFixExact(D073, text, finding), lines('FROM node:22', 'CMD ["node", "server.js"]'));
    // A shell-form ENTRYPOINT ignores CMD: converting the CMD changes nothing it runs.
    const findings = check(D073, lines('FROM node:22', 'ENTRYPOINT exec app', 'CMD node server.js'));
    assert.deepEqual(findings.map((f) => [f.range.start.line, f.fixes[0].isPreferred]), [[1, false], [2, true]]);
  });

  it('does not prefer the JSON form of a CMD an exec-form ENTRYPOINT receives as arguments', () => {
    const text = lines('FROM node:22 AS base', 'ENTRYPOINT ["docker-entrypoint.sh"]', 'FROM base', 'CMD node server.js');
    const [finding] = check(D073, text);
    assert.deepEqual(finding.fixes.map((f) => [f.title, f.isPreferred]), [
      ['Convert to exec form: CMD ["node", "server.js"] (the ENTRYPOINT will receive these words as arguments)', false],
    ]);
    assert.equal(applyFixExact(D073, text, finding), lines('FROM node:22 AS base', 'ENTRYPOINT ["docker-entrypoint.sh"]', 'FROM base', 'CMD ["node", "server.js"]'));
    // An empty ENTRYPOINT clears it: nothing receives the CMD.
    assert.equal(check(D073, lines('FROM node:22', 'ENTRYPOINT []', 'CMD node server.js'))[0].fixes[0].isPreferred, true);
  });

  it("does not prefer it on a base image whose entrypoint branches on the CMD (root-then-drop images)", () => {
    const [redis] = check(D073, lines('FROM redis:7.2', 'CMD redis-server --appendonly yes'));
    assert.deepEqual(redis.fixes.map((f) => [f.title, f.isPreferred]), [
      [`Convert to exec form: CMD ["redis-server", "--appendonly", "yes"] (the base image's entrypoint will receive these words as arguments)`, false],
    ]);
    // The Dockerfile's own shell-form ENTRYPOINT replaces the base image's and ignores CMD.
    assert.equal(check(D073, lines('FROM redis:7.2', 'ENTRYPOINT exec redis-server', 'CMD redis-server'))[1].fixes[0].isPreferred, true);
    assert.equal(check(D073, lines('FROM python:3.12-slim', 'CMD python app.py'))[0].fixes[0].isPreferred, true);
  });

  it('does not report a CMD of a parent stage that an ENTRYPOINT of a later stage resets', () => {
    const text = lines('FROM alpine:3.20 AS base', 'CMD start-base', 'FROM base', 'ENTRYPOINT ["/app"]');
    assert.deepEqual(check(D073, text), []);
    const sameStage = lines('FROM alpine:3.20', 'CMD start', 'ENTRYPOINT ["/app"]');
    assert.deepEqual(check(D073, sameStage).map((f) => f.range), [range(1, 4, 1, 9)]);
  });
});

describe('BuildKit # check=skip= above an instruction (§6.3)', () => {
  const base = `FROM alpine:3.20@sha256:${'a'.repeat(64)}\nUSER 10001\n`;

  it('skips the named rules for the instruction directly below only', () => {
    assert.deepEqual(ids(base + 'RUN true\n# check=skip=JSONArgsRecommended\nCMD node a.js\n'), []);
    assert.deepEqual(ids(base + '# check=skip=JSONArgsRecommended\nRUN true\nCMD node a.js\n'), ['CG-D073']);
    assert.deepEqual(ids(base + 'RUN true\n# check=skip=JSONArgsRecommended\n\nCMD node a.js\n'), ['CG-D073'], 'a blank line ends "directly above"');
    assert.deepEqual(ids(base + 'RUN true\n# the app wants a shell\n# check=skip=JSONArgsRecommended\nCMD node a.js\n'), []);
  });

  it('maps several BuildKit names and honours skip=all and the ;-separated options', () => {
    const text = base + 'RUN true\n# check=skip=SecretsUsedInArgOrEnv,JSONArgsRecommended;error=true\nARG API_TOKEN\nCMD node a.js\n';
    assert.deepEqual(ids(text), ['CG-D073']);
    const all = base + 'RUN true\n# check=skip=all\nRUN curl -k https://x.io/a \\\n && chmod 777 /a\nCMD node a.js\n';
    assert.deepEqual(ids(all), ['CG-D073']);
    assert.deepEqual(ids(base + 'RUN true\n# check=error=true\nCMD node a.js\n'), ['CG-D073']);
  });

  it('still reads the directive at the top of the file as file-wide', () => {
    assert.deepEqual(ids('# syntax=docker/dockerfile:1@sha256:' + 'a'.repeat(64) + '\n# check=skip=all\n' + base + 'CMD node a.js\n'), []);
  });
});

describe('files without FROM (fragments being typed, §6.3)', () => {
  it('are read as one implicit stage: instruction rules apply, final-image rules wait', () => {
    assert.deepEqual(ids('RUN curl -k https://x | sh\nUSER root\n').sort(), ['CG-D007', 'CG-D101']);
    const fragment = lines('RUN apt-get install -y curl', 'EXPOSE 22', 'CMD node server.js');
    assert.deepEqual(ids(fragment).sort(), ['CG-D040', 'CG-D061', 'CG-D070', 'CG-D073']);
    const [cmd] = check(D073, fragment);
    assert.deepEqual(cmd.range, range(2, 4, 2, 18));
    assert.match(cmd.message, /runs under '\/bin\/sh -c'/);
    assert.equal(applyFixExact(D073, fragment, cmd), lines('RUN apt-get install -y curl', 'EXPOSE 22', 'CMD ["node", "server.js"]'));
  });

  it('get no finding from D020, D021, D074 until a FROM is written', () => {
    const fragment = lines('RUN true', 'USER root', 'CMD ["app"]');
    for (const rule of [D020, D021, D074]) assert.deepEqual(check(rule, fragment), [], rule.meta.id);
    assert.deepEqual(check(D020, 'RUN true\n'), []);
    assert.deepEqual(check(D021, lines('FROM debian:12', 'RUN true', 'USER root', 'CMD ["app"]')).map((f) => f.range), [range(2, 5, 2, 9)]);
  });

  it('model: hasFrom, the implicit stage, stage ARGs; empty and junk files have no stage', () => {
    const model = parseDockerfile('ARG V=1\nRUN echo $V\nONBUILD RUN x\n');
    assert.equal(model.hasFrom, false);
    assert.equal(model.stages.length, 1);
    const stage = model.stages[0];
    assert.equal(stage.implicit, true);
    assert.equal(stage.image.text, null);
    assert.equal(stage.from.keywordText, '');
    assert.deepEqual(stage.instructions.map((i) => i.keyword), ['ARG', 'RUN', 'ONBUILD']);
    assert.deepEqual(model.instructions.map((i) => i.stageIndex), [0, 0, 0]);
    assert.equal(model.instructions[2].trigger?.stageIndex, 0);
    assert.deepEqual(model.globalArgs, []);
    assert.equal(model.expand('$V', model.instructions[1]).value, '1');
    assert.equal(model.shippedStage(), stage);
    assert.equal(model.stageAt(1), stage);
    const normal = parseDockerfile('ARG B=alpine:3.20\nFROM $B\nRUN x\n');
    assert.equal(normal.hasFrom, true);
    assert.equal(normal.stages[0].implicit, false);
    assert.equal(normal.globalArgs.length, 1);
    assert.equal(parseDockerfile('').stages.length, 0);
    assert.equal(parseDockerfile('# just a comment\n').stages.length, 0);
    assert.equal(parseDockerfile('junk here\n').stages.length, 0);
  });
});

describe('engine helpers: Windows images and the POSIX shell of an instruction', () => {
  it('recognises Windows image names', () => {
    for (const name of ['mcr.microsoft.com/windows/servercore:ltsc2022', 'mcr.microsoft.com/windows/nanoserver', 'mcr.microsoft.com/powershell:lts-nanoserver-1809', 'MCR.microsoft.com/Windows:1809']) {
      assert.ok(isWindowsImageName(name), name);
    }
    for (const name of ['debian:12', 'mcr.microsoft.com/dotnet/aspnet:8.0', 'alpine:3.20']) assert.ok(!isWindowsImageName(name), name);
  });

  it('gives the effective SHELL argv, or null under a non-POSIX shell or on Windows', () => {
    const model = parseDockerfile(lines('FROM debian:12 AS a', 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]', 'RUN x', 'FROM a', 'RUN y', 'SHELL ["cmd", "/C"]', 'RUN z', 'FROM mcr.microsoft.com/windows/servercore:ltsc2022', 'RUN w'));
    const runs = model.instructions.filter((i) => i.keyword === 'RUN');
    assert.deepEqual(runs.map((r) => posixShellAt(model, r)), [['/bin/bash', '-o', 'pipefail', '-c'], ['/bin/bash', '-o', 'pipefail', '-c'], null, null]);
  });
});
