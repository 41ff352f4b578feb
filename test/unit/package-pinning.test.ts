// Unit tests of package pinning per install command (catalogue §6.1, §6.3): the summary finding of
// CG-D061–D068 with `summarize` on, packages that the same RUN removes again, the pinning readings of
// pip/pipx, gem, dnf modules and variables across stages, apt-get calls that install nothing
// (CG-D061, CG-D070), and `--allow-untrusted` on local files only (CG-D013).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/engine/engine';
import { defaultSettings, type EngineSettings } from '../../server/src/engine/settings';
import { applyEdits } from '../../server/src/engine/text';
import type { Rule, RuleContext } from '../../server/src/engine/types';
import type { DockerfileModel } from '../../server/src/engine/dockerfile/model';
import { parseDockerfile } from '../../server/src/engine/dockerfile/model';
import { rule as D013 } from '../../server/src/rules/dockerfile/D013-package-signature-bypass';
import { rule as D061 } from '../../server/src/rules/dockerfile/D061-apt-get-unpinned';
import { rule as D062 } from '../../server/src/rules/dockerfile/D062-apk-unpinned';
import { rule as D063 } from '../../server/src/rules/dockerfile/D063-yum-dnf-unpinned';
import { rule as D064 } from '../../server/src/rules/dockerfile/D064-zypper-unpinned';
import { rule as D065 } from '../../server/src/rules/dockerfile/D065-pip-unpinned';
import { rule as D066 } from '../../server/src/rules/dockerfile/D066-npm-unpinned';
import { rule as D067 } from '../../server/src/rules/dockerfile/D067-gem-unpinned';
import { rule as D068 } from '../../server/src/rules/dockerfile/D068-go-install-unpinned';
import { rule as D070 } from '../../server/src/rules/dockerfile/D070-apt-install-recommends';
import { aptPatternMatches } from '../../server/src/rules/dockerfile/package-pinning';
import { checkDockerfile, lines, range } from './kit';

const summarized: RuleContext = { profile: 'baseline', summarize: true };
const each: RuleContext = { profile: 'baseline', summarize: false };

/** Findings of the rule with `summarize` on. */
const summary = (rule: Rule<DockerfileModel>, text: string) => checkDockerfile(rule, text, summarized);
/** Findings of the rule with `summarize` off: one per package. */
const perPackage = (rule: Rule<DockerfileModel>, text: string) => checkDockerfile(rule, text, each);
/** [line, character] of each finding's start. */
const starts = (findings: { range: { start: { line: number; character: number } } }[]) => findings.map((f) => [f.range.start.line, f.range.start.character]);

/** The whole engine's findings of one rule, with settings on top of the defaults. */
function engine(text: string, ruleId: string, settings: Partial<EngineSettings> = {}) {
  return analyze(text, { kind: 'dockerfile', settings: { ...defaultSettings, ...settings } }).findings.filter((f) => f.ruleId === ruleId);
}

describe('package pinning: one summary per install command', () => {
  const text = lines('FROM debian:12', 'RUN apt-get install -y --no-install-recommends ca-certificates curl=7.88 gnupg wget git');

  it('names the count and the first three packages, on the first unpinned package, with the others related', () => {
    const findings = summary(D061, text);
    assert.equal(findings.length, 1);
    assert.equal(findings[0].message, 'apt-get installs 4 packages without pinned versions: ca-certificates, gnupg, wget, +1 more');
    assert.deepEqual(findings[0].range, range(1, 47, 1, 62));
    assert.deepEqual(findings[0].related, [
      { range: range(1, 73, 1, 78), message: "'gnupg' is not pinned either." },
      { range: range(1, 79, 1, 83), message: "'wget' is not pinned either." },
      { range: range(1, 84, 1, 87), message: "'git' is not pinned either." },
    ]);
    assert.deepEqual(findings[0].fixes, []);
  });

  it('uses the singular for one package, lists two or three without "+N more", and has no related list for one', () => {
    const one = summary(D062, lines('FROM alpine:3.20', 'RUN apk add --no-cache curl'));
    assert.deepEqual(one.map((f) => [f.message, f.range, f.related]), [['apk installs 1 package without a pinned version: curl', range(1, 23, 1, 27), undefined]]);
    const three = summary(D065, lines('FROM python:3.12', 'RUN pip install a b "c>=1"'));
    assert.equal(three[0].message, 'pip installs 3 packages without pinned versions: a, b, c>=1');
    assert.equal(summary(D064, lines('FROM o:15', 'RUN zypper in -y a a'))[0].message, 'zypper installs 1 package without a pinned version: a');
  });

  it('gives one finding per install command, and none for a command whose packages are all pinned', () => {
    const findings = summary(D061, lines('FROM debian:12', 'RUN apt-get install -y a b && apt-get install -y c=1', 'RUN apt-get install -y d'));
    assert.deepEqual(starts(findings), [[1, 23], [2, 23]]);
    assert.deepEqual(findings.map((f) => f.message), [
      'apt-get installs 2 packages without pinned versions: a, b',
      'apt-get installs 1 package without a pinned version: d',
    ]);
  });

  it('keeps its start when packages are added after the first (the identity across versions)', () => {
    const before = summary(D061, lines('FROM debian:12', 'RUN apt-get install -y curl'));
    const after = summary(D061, lines('FROM debian:12', 'RUN apt-get install -y curl wget jq'));
    assert.deepEqual(after[0].range.start, before[0].range.start);
  });

  it('reports one finding per package with summarize off, as the rows say', () => {
    const findings = perPackage(D061, text);
    assert.deepEqual(findings.map((f) => f.range), [range(1, 47, 1, 62), range(1, 73, 1, 78), range(1, 79, 1, 83), range(1, 84, 1, 87)]);
    assert.equal(findings[1].message, "apt-get installs 'gnupg' without a pinned version, so each build can install a different (untested) version. Pin it ('gnupg=<version>').");
  });

  it('follows summarize in the engine: on in baseline, off in strict or when set off; an explicit severity changes only the severity', () => {
    assert.deepEqual(engine(text, 'CG-D061').map((f) => [f.severity, f.range.start.character]), [['info', 47]]);
    assert.deepEqual(engine(text, 'CG-D061', { profile: 'strict' }).map((f) => f.severity), ['warning', 'warning', 'warning', 'warning']);
    assert.equal(engine(text, 'CG-D061', { summarize: false }).length, 4);
    assert.deepEqual(engine(text, 'CG-D061', { rules: { 'CG-D061': 'warning' } }).map((f) => [f.severity, f.message]), [
      ['warning', 'apt-get installs 4 packages without pinned versions: ca-certificates, gnupg, wget, +1 more'],
    ]);
    assert.equal(engine(text, 'CG-D061', { profile: 'strict', summarize: true }).length, 1);
  });

  it('is suppressed as a whole by an ignore comment above the RUN', () => {
    assert.deepEqual(engine(lines('FROM debian:12', '# hadolint ignore=DL3008', 'RUN apt-get install -y a b'), 'CG-D061'), []);
  });

  it('summarizes every manager the same way', () => {
    const text = lines(
      'FROM x:1',
      'RUN dnf install -y a b && npm i -g c d && gem install e f && go install x.io/g@latest x.io/h@latest',
    );
    assert.equal(summary(D063, text)[0].message, 'dnf installs 2 packages without pinned versions: a, b');
    assert.equal(summary(D066, text)[0].message, 'npm installs 2 packages without pinned versions: c, d');
    assert.equal(summary(D067, text)[0].message, 'gem installs 2 gems without pinned versions: e, f');
    const go = summary(D068, text);
    assert.equal(go[0].message, 'go installs 2 packages without pinned versions: x.io/g@latest, x.io/h@latest');
    // The summary points at the package word; the per-package finding keeps pointing at `@latest`.
    assert.deepEqual(go[0].range, range(1, 72, 1, 85));
    assert.deepEqual(perPackage(D068, text)[0].range, range(1, 78, 1, 85));
  });

  it('splits an unquoted variable into its packages; a quoted one stays one word', () => {
    const text = lines('FROM debian:12', 'ENV DEPS="gcc make"', 'RUN apt-get install -y $DEPS curl && apt-get install -y "$DEPS"');
    assert.equal(summary(D061, text)[0].message, 'apt-get installs 3 packages without pinned versions: gcc, make, curl');
    assert.deepEqual(perPackage(D061, text).map((f) => f.range), [range(2, 23, 2, 28), range(2, 23, 2, 28), range(2, 29, 2, 33), range(2, 56, 2, 63)]);
  });
});

describe('package pinning: packages the same RUN removes again', () => {
  it('drops a package that a later apt-get purge|remove|autoremove names, literally or by the same $VAR', () => {
    const text = lines(
      'FROM debian:12',
      'ARG BUILD="gcc make"',
      'RUN apt-get install -y $BUILD curl wget jq && make && apt-get purge -y ${BUILD} wget && apt-get autoremove -y jq',
    );
    assert.deepEqual(perPackage(D061, text).map((f) => f.range), [range(2, 30, 2, 34)]);
    assert.equal(summary(D061, text)[0].message, 'apt-get installs 1 package without a pinned version: curl');
  });

  it('counts only removals after the install, in the same RUN, by the same manager', () => {
    const text = lines(
      'FROM debian:12',
      'RUN apt-get purge -y a && apt-get install -y a b c && apk del b && pip uninstall -y c',
      'RUN apt-get remove -y b',
    );
    assert.equal(summary(D061, text)[0].message, 'apt-get installs 3 packages without pinned versions: a, b, c');
  });

  it('reads apk del, dnf remove, zypper rm, pip/pipx/npm/gem uninstall', () => {
    const text = lines(
      'FROM x:1',
      'RUN apk add a b && apk del a',
      'RUN yum install -y c d && dnf remove -y c',
      'RUN zypper in e f && zypper rm e',
      'RUN pip install G "h>=1" && pip uninstall -y g h',
      'RUN pipx install i j && pipx uninstall i',
      'RUN npm install -g k l@latest m && npm uninstall -g k',
      'RUN gem install n o && gem uninstall n',
    );
    assert.equal(summary(D062, text)[0].message, 'apk installs 1 package without a pinned version: b');
    assert.equal(summary(D063, text)[0].message, 'yum installs 1 package without a pinned version: d');
    assert.equal(summary(D064, text)[0].message, 'zypper installs 1 package without a pinned version: f');
    assert.deepEqual(summary(D065, text).map((f) => f.message), ['pipx installs 1 package without a pinned version: j']);
    assert.equal(summary(D066, text)[0].message, 'npm installs 1 package without a pinned version: m');
    assert.equal(summary(D067, text)[0].message, 'gem installs 1 gem without a pinned version: o');
  });

  it('drops every package of apk add --virtual|-t <name> when apk del <name> follows', () => {
    const text = lines(
      'FROM alpine:3.20',
      'RUN apk add --no-cache --virtual .build-deps gcc make && apk add -t .x musl-dev && apk add curl && make && apk del .build-deps .x',
      'RUN apk add --virtual=.y git && apk del --no-network .y',
    );
    assert.deepEqual(summary(D062, text).map((f) => [f.message, f.range]), [['apk installs 1 package without a pinned version: curl', range(1, 91, 1, 95)]]);
  });

  it('reads the official images\' apt-mark idiom: what the RUN installed after its showmanual capture goes', () => {
    const text = lines(
      'FROM php:8.3-apache',
      'RUN set -eux; \\',
      '  savedAptMark="$(apt-mark showmanual)"; \\',
      '  apt-get update; \\',
      '  apt-get install -y --no-install-recommends libpng-dev libzip-dev; \\',
      '  docker-php-ext-install gd zip; \\',
      "  apt-mark auto '.*' > /dev/null; \\",
      '  apt-mark manual $savedAptMark; \\',
      '  apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false',
    );
    assert.deepEqual(summary(D061, text), []);
    assert.deepEqual(perPackage(D061, text), []);
  });

  it('keeps what was installed before the capture, marked manual again, or not matched by the pattern', () => {
    const text = lines(
      'FROM debian:12',
      'RUN apt-get install -y a && saved="$(apt-mark showmanual)" && apt-get install -y b c libx-dev && apt-mark auto \'lib.*\' b c && apt-mark manual $saved c && apt-get purge -y --auto-remove',
      "RUN apt-get install -y d && apt-mark auto '.*' && echo no purge",
    );
    assert.deepEqual(summary(D061, text).map((f) => f.message), [
      'apt-get installs 1 package without a pinned version: a',
      'apt-get installs 1 package without a pinned version: c',
      'apt-get installs 1 package without a pinned version: d',
    ]);
  });

  it('matches apt-mark patterns as apt does: the name, a regular expression, or a glob', () => {
    assert.ok(aptPatternMatches('.*', 'curl'));
    assert.ok(aptPatternMatches('curl', 'curl'));
    assert.ok(aptPatternMatches('lib*-dev', 'libpng-dev'));
    assert.ok(aptPatternMatches('^lib', 'libpng-dev'));
    assert.ok(!aptPatternMatches('curl', 'libcurl4'));
    assert.ok(!aptPatternMatches('gcc', 'make'));
  });
});

describe('package pinning readings (§6.3)', () => {
  it('D065: a constraints file pins the whole command; local paths, wheels and archives are exempt', () => {
    const text = lines(
      'FROM python:3.12',
      'RUN pip install -c constraints.txt flask requests && pip install --constraint=c.txt a && pip install -cc.txt b',
      'RUN pip install ./lib src/pkg /opt/x dist/x-1.0-py3-none-any.whl x.tar.gz https://h/x.zip flask',
    );
    assert.deepEqual(perPackage(D065, text).map((f) => f.range), [range(2, 90, 2, 95)]);
  });

  it('D065: a VCS URL is pinned only by @<ref>, in every form', () => {
    const text = lines(
      'FROM python:3.12',
      'RUN pip install git+https://g.io/o/x.git#egg=x "git+https://g.io/o/y.git@v1.2#egg=y" git+ssh://git@g.io/o/z.git "w @ git+https://g.io/o/w.git" v @ git+https://g.io/o/v.git@abc1234 -e git+https://g.io/o/e.git#egg=e -e .',
    );
    const findings = perPackage(D065, text);
    assert.deepEqual(findings.map((f) => f.range), [range(1, 16, 1, 46), range(1, 85, 1, 111), range(1, 112, 1, 142), range(1, 183, 1, 213)]);
    assert.equal(findings[0].message, "pip installs 'git+https://g.io/o/x.git#egg=x' from the tip of its repository, so each build can install a different (untested) commit. Pin it with '@<tag or commit>' after the repository URL.");
  });

  it('D065: pipx install reads like pip', () => {
    const findings = summary(D065, lines('FROM python:3.12', 'RUN pipx install --python python3.12 black poetry==1.8.3 ./tool'));
    assert.deepEqual(findings.map((f) => [f.message, f.range]), [['pipx installs 1 package without a pinned version: black', range(1, 37, 1, 42)]]);
  });

  it('D067: the words after a bare -- are build options, not gems', () => {
    const findings = perPackage(D067, lines('FROM ruby:3', 'RUN gem install mysql2 -- --with-mysql-config=/usr/bin/mysql_config extra && gem install -v 1 pg -- x'));
    assert.deepEqual(findings.map((f) => f.range), [range(1, 16, 1, 22)]);
  });

  it('D063: module install without :<stream> is unpinned', () => {
    const text = lines('FROM rockylinux:9', 'RUN dnf module install -y nodejs php/common ruby:3.1 perl:5.32/minimal && microdnf module install python39');
    assert.deepEqual(summary(D063, text).map((f) => [f.message, f.range]), [
      ['dnf installs 2 modules without pinned streams: nodejs, php/common', range(1, 26, 1, 32)],
      ['microdnf installs 1 module without a pinned stream: python39', range(1, 98, 1, 106)],
    ]);
    assert.equal(
      perPackage(D063, text)[1].message,
      "dnf module install 'php/common' names no stream, so each build installs the module's default stream of that day. Pin it ('php:<stream>').",
    );
    assert.deepEqual(perPackage(D063, lines('FROM r:9', 'RUN dnf module enable -y nodejs:20 && dnf module install -y nodejs:20/common')), []);
  });

  it('resolves a $VAR only from its own stage (and its FROM parents), as BuildKit does', () => {
    const text = lines(
      'ARG GLOBAL=vim',
      'FROM debian:12 AS base',
      'ENV PKG=curl',
      'ARG TOOL=wget',
      'RUN apt-get install -y $PKG $TOOL',
      'FROM debian:12 AS other',
      'RUN apt-get install -y $PKG $TOOL $GLOBAL',
      'FROM base',
      'RUN apt-get install -y $PKG $TOOL',
    );
    assert.deepEqual(perPackage(D061, text).map((f) => [f.range.start.line, f.message.slice(0, 25)]), [
      [4, "apt-get installs 'curl' w"],
      [4, "apt-get installs 'wget' w"],
      [8, "apt-get installs 'curl' w"],
    ]);
  });
});

describe('apt-get install that installs nothing (CG-D061, CG-D070)', () => {
  const text = lines(
    'FROM debian:12',
    'RUN apt-get install -s a && apt-get install --simulate a && apt-get install --dry-run a && apt-get install --just-print a',
    'RUN apt-get install --no-act a && apt-get install --recon a && apt-get -d install a && apt-get install --download-only a',
    'RUN apt-get install --print-uris a && apt-get -qqs install a && apt-get -yd install a',
    'RUN apt-get install -qy b',
  );

  it('is not flagged for pinning or recommends', () => {
    assert.deepEqual(perPackage(D061, text).map((f) => f.range), [range(4, 24, 4, 25)]);
    assert.deepEqual(checkDockerfile(D070, text).map((f) => f.range), [range(4, 4, 4, 19)]);
  });
});

describe('CG-D013 bypass on local files only', () => {
  it('is Info when every package argument is a local file, with the same non-preferred fix', () => {
    const text = lines(
      'FROM alpine:3.20',
      'COPY --from=build /out/ /tmp/pkgs/',
      'RUN apk add --allow-untrusted /tmp/pkgs/*.apk && apt-get install -y --allow-unauthenticated ./foo.deb',
    );
    const findings = checkDockerfile(D013, text);
    assert.deepEqual(findings.map((f) => [f.range, f.severity]), [[range(2, 12, 2, 29), 'info'], [range(2, 68, 2, 91), 'info']]);
    assert.equal(
      findings[0].message,
      "apk '--allow-untrusted' here installs only local files (/tmp/pkgs/*.apk), so no repository is trusted blindly; their signatures are still not checked. Sign them with a key under /etc/apk/keys and remove the option.",
    );
    assert.equal(findings[0].fixes[0].isPreferred, false);
    const fixed = applyEdits(text, findings[0].fixes[0].edits);
    assert.equal(fixed, lines('FROM alpine:3.20', 'COPY --from=build /out/ /tmp/pkgs/', 'RUN apk add /tmp/pkgs/*.apk && apt-get install -y --allow-unauthenticated ./foo.deb'));
    assert.equal(parseDockerfile(fixed).degraded, false);
    assert.deepEqual(checkDockerfile(D013, fixed).map((f) => f.range), [range(2, 50, 2, 73)]);
  });

  it('stays an Error when any argument can come from a repository, or is unknown', () => {
    const text = lines(
      'FROM alpine:3.20',
      'RUN apk add --allow-untrusted /tmp/x.apk curl && apk add --allow-untrusted https://h.io/x.apk && apk add --allow-untrusted $P && apk --allow-untrusted update',
    );
    assert.deepEqual(checkDockerfile(D013, text).map((f) => [f.range.start.character, f.severity]), [[12, undefined], [57, undefined], [105, undefined], [133, undefined]]);
    assert.deepEqual(
      analyze(lines('FROM alpine:3.20', 'RUN apk add --allow-untrusted ./x.apk'), { kind: 'dockerfile' }).findings.filter((f) => f.ruleId === 'CG-D013').map((f) => f.severity),
      ['info'],
    );
  });
});
