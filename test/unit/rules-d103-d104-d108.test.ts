// Unit tests of the last Dockerfile catalogue rows: secrets that reach a layer (CG-D103), the whole
// build context copied without a protective .dockerignore (CG-D104, with Docker's pattern matcher) and
// insecure package sources (CG-D108). Exact ranges and messages, the text after each fix, the fixed
// text parses and the finding is gone (so a second pass offers nothing more), and what is not reported.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { analyze } from '../../server/src/engine/engine';
import { isExcluded, parseDockerignore, dockerignoreFor } from '../../server/src/engine/dockerignore';
import { applyEdits } from '../../server/src/engine/text';
import type { FileEdit, Finding, RuleContext } from '../../server/src/engine/types';
import { dockerfileRules } from '../../server/src/rules/dockerfile/index';
import { rule as D103 } from '../../server/src/rules/dockerfile/D103-secret-in-layer';
import { rule as D104 } from '../../server/src/rules/dockerfile/D104-context-without-dockerignore';
import { rule as D108 } from '../../server/src/rules/dockerfile/D108-insecure-package-source';
import { applyFixExact, baseline, checkDockerfile as check, lines, range } from './kit';

describe('CG-D103/D104/D108: metadata', () => {
  it('are registered once, in id order, with the catalogue severities; only D104 and D108 have fixes', () => {
    const ids = dockerfileRules.map((rule) => rule.meta.id);
    assert.deepEqual(ids.slice(ids.indexOf('CG-D102'), ids.indexOf('CG-D109') + 1), ['CG-D102', 'CG-D103', 'CG-D104', 'CG-D105', 'CG-D106', 'CG-D107', 'CG-D108', 'CG-D109']);
    assert.deepEqual([D103, D104, D108].map((rule) => [rule.meta.severity, rule.meta.fixable, rule.meta.kind]), [
      ['error', false, 'dockerfile'],
      ['warning', true, 'dockerfile'],
      ['error', true, 'dockerfile'],
    ]);
  });
});

// ---------------------------------------------------------------- CG-D103

describe('CG-D103 (a): a copied credential file deleted later', () => {
  it('reports the rm operand, with the COPY as related information', () => {
    const text = lines('FROM alpine:3.20', 'COPY id_rsa /root/.ssh/id_rsa', 'RUN git clone git@github.com:acme/app.git && rm /root/.ssh/id_rsa');
    const [finding, ...rest] = check(D103, text);
    assert.equal(rest.length, 0);
    assert.deepEqual(finding.range, range(2, 48, 2, 65));
    assert.equal(
      finding.message,
      'This rm does not take id_rsa out of the image: the COPY on line 2 put it into an earlier layer, which keeps it. Mount it as a build secret on the RUN that needs it (RUN --mount=type=secret,id=…,target=…) instead of copying it.',
    );
    assert.deepEqual(finding.related, [{ range: range(1, 5, 1, 11), message: 'The COPY that puts id_rsa into a layer.' }]);
    assert.deepEqual(finding.fixes, []);
  });

  it('follows folders, relative paths, `rm -rf` of a parent and stages built FROM the copying stage', () => {
    const folder = lines('FROM alpine:3.20 AS base', 'COPY .npmrc /root/', 'FROM base', 'RUN npm ci && rm -rf /root/.npmrc');
    assert.deepEqual(check(D103, folder).map((f) => f.range), [range(3, 21, 3, 33)]);
    const parent = lines('FROM alpine:3.20', 'COPY keys/deploy.pem /secrets/deploy.pem', 'RUN use-it && rm -rf /secrets');
    assert.deepEqual(check(D103, parent).map((f) => f.range), [range(2, 21, 2, 29)]);
    const relative = lines('FROM alpine:3.20', 'WORKDIR /app', 'COPY .env .', 'RUN ./migrate && rm -f .env');
    assert.deepEqual(check(D103, relative).map((f) => f.range), [range(3, 23, 3, 27)]);
  });

  it('is silent for other files, deletions of something else, a sibling stage, and a variable path', () => {
    const cases = [
      lines('FROM alpine:3.20', 'COPY app.conf /etc/app.conf', 'RUN rm /etc/app.conf'),
      lines('FROM alpine:3.20', 'COPY id_rsa /root/.ssh/id_rsa', 'RUN rm -rf /tmp/cache'),
      lines('FROM alpine:3.20 AS a', 'COPY id_rsa /root/.ssh/id_rsa', 'FROM alpine:3.20 AS b', 'RUN rm /root/.ssh/id_rsa'),
      lines('FROM alpine:3.20', 'COPY id_rsa /root/.ssh/id_rsa', 'RUN rm "$KEY"'),
      lines('FROM alpine:3.20', 'COPY .env.example /app/.env.example', 'RUN rm /app/.env.example'),
    ];
    for (const text of cases) assert.deepEqual(check(D103, text), [], text);
  });
});

describe('CG-D103 (b): a variable written into a credential file', () => {
  it('reports an ARG written into ~/.npmrc on the expansion, whatever later steps do', () => {
    const text = lines('FROM node:22-slim', 'ARG NPM_TOKEN', 'RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > ~/.npmrc && npm ci && rm ~/.npmrc');
    const [finding, ...rest] = check(D103, text);
    assert.equal(rest.length, 0);
    assert.deepEqual(finding.range, range(2, 43, 2, 55));
    assert.equal(
      finding.message,
      'RUN writes $NPM_TOKEN into ~/.npmrc. It comes from ARG NPM_TOKEN, so its value is recorded in the image history and provenance, whatever later steps do. Mount the file as a build secret instead (RUN --mount=type=secret,id=npmrc,target=/root/.npmrc …).',
    );
    assert.deepEqual(finding.related, [{ range: range(1, 4, 1, 13), message: 'NPM_TOKEN is declared here; a build passes its value with --build-arg.' }]);
  });

  it('reports a secret-mount variable only while the file stays in the layer', () => {
    const stays = lines('FROM node:22-slim', 'RUN --mount=type=secret,id=npm,env=NPM_TOKEN npm config set //registry.npmjs.org/:_authToken $NPM_TOKEN && npm ci');
    const [finding] = check(D103, stays);
    assert.deepEqual(finding.range, range(1, 93, 1, 103));
    assert.equal(
      finding.message,
      'RUN writes $NPM_TOKEN into ~/.npmrc, and the file stays in this layer (the same RUN does not delete it): anyone with the image can read the credential. Mount the file as a build secret instead (RUN --mount=type=secret,id=npmrc,target=/root/.npmrc …), or delete it in the same RUN.',
    );
    const deleted = lines('FROM node:22-slim', 'RUN --mount=type=secret,id=npm,env=NPM_TOKEN npm config set //registry.npmjs.org/:_authToken $NPM_TOKEN && npm ci && rm -f ~/.npmrc');
    assert.deepEqual(check(D103, deleted), []);
  });

  it('reads here-documents, tee, printf, the whole content, and a command substitution of a secret file', () => {
    const heredoc = lines('FROM alpine:3.20', 'ARG GH_TOKEN', 'RUN cat <<EOF > /root/.netrc', 'machine github.com login bot password $GH_TOKEN', 'EOF');
    assert.deepEqual(check(D103, heredoc).map((f) => f.range), [range(3, 38, 3, 47)]);
    const tee = lines('FROM alpine:3.20', 'ARG NPMRC', 'RUN echo "$NPMRC" | tee .npmrc >/dev/null');
    assert.deepEqual(check(D103, tee).map((f) => f.range), [range(2, 10, 2, 16)]);
    const substitution = lines('FROM alpine:3.20', 'RUN --mount=type=secret,id=t echo "//r/:_authToken=$(cat /run/secrets/t)" > ~/.npmrc');
    const [found] = check(D103, substitution);
    assert.match(found.message, /^RUN writes a command substitution into ~\/\.npmrc, and the file stays in this layer/);
  });

  it('is silent for single quotes, a quoted here-document, a non-secret variable and other files', () => {
    const cases = [
      lines('FROM node:22-slim', "RUN echo '//registry.npmjs.org/:_authToken=${NPM_TOKEN}' > ~/.npmrc"),
      lines('FROM node:22-slim', 'ARG NPM_TOKEN', "RUN cat <<'EOF' > ~/.npmrc", '//registry.npmjs.org/:_authToken=${NPM_TOKEN}', 'EOF'),
      lines('FROM node:22-slim', 'ARG REGISTRY', 'RUN echo "registry=$REGISTRY" > ~/.npmrc'),
      lines('FROM node:22-slim', 'ARG NPM_TOKEN', 'RUN echo "token=$NPM_TOKEN" > /tmp/notes.txt'),
      lines('FROM node:22-slim', 'RUN echo "//registry.npmjs.org/:_authToken=literal" > ~/.npmrc'),
    ];
    for (const text of cases) assert.deepEqual(check(D103, text), [], text);
  });
});

describe('CG-D103 (c): a variable as the credentials of a URL', () => {
  it('reports an ARG in any command, on the user-info part', () => {
    const text = lines('FROM alpine:3.20', 'ARG GITHUB_TOKEN', 'RUN git clone https://${GITHUB_TOKEN}@github.com/acme/app.git');
    const [finding] = check(D103, text);
    assert.deepEqual(finding.range, range(2, 22, 2, 37));
    assert.equal(
      finding.message,
      'The URL passes $GITHUB_TOKEN as its credentials. It comes from ARG GITHUB_TOKEN, so its value is recorded in the image history and provenance, whatever later steps do. Use RUN --mount=type=ssh (SSH agent forwarding) or a build secret instead.',
    );
    const pip = lines('FROM python:3.12', 'ENV PIP_PASS=x', 'RUN pip install --index-url https://ci:${PIP_PASS}@pypi.example.com/simple app');
    assert.match(check(D103, pip)[0].message, /^The URL passes \$PIP_PASS as its credentials\. It comes from ENV PIP_PASS, so its value is recorded in the image config/);
  });

  it('reports a secret-mount variable only where the URL is stored, and not once the remote is rewritten', () => {
    const clone = lines('FROM alpine:3.20', 'RUN --mount=type=secret,id=gh,env=GH git clone https://$GH@github.com/acme/app.git /src');
    const [finding] = check(D103, clone);
    assert.deepEqual(finding.range, range(1, 55, 1, 58));
    assert.equal(
      finding.message,
      "git clone stores the URL in the clone's .git/config, which keeps this URL, with $GH as its credentials, in the layer. Remove the credentials in the same RUN (git remote set-url origin <URL without them>), or use RUN --mount=type=ssh.",
    );
    const cleaned = [
      'RUN --mount=type=secret,id=gh,env=GH git clone https://$GH@github.com/acme/app.git /src && git -C /src remote set-url origin https://github.com/acme/app.git',
      'RUN --mount=type=secret,id=gh,env=GH git clone https://$GH@github.com/acme/app.git /src && make -C /src && rm -rf /src',
      'RUN --mount=type=secret,id=pp,env=PASS pip install --index-url https://ci:$PASS@pypi.example.com/simple app',
      "RUN git clone 'https://${GH}@github.com/acme/app.git'",
    ];
    for (const run of cleaned) assert.deepEqual(check(D103, lines('FROM alpine:3.20', run)), [], run);
  });

  it('takes the password, not the user name, as the credential', () => {
    const text = lines('FROM alpine:3.20', 'ARG GIT_USER=bot', 'RUN --mount=type=secret,id=t,env=T pip install --index-url https://${GIT_USER}:$T@pypi.example.com/simple app');
    assert.deepEqual(check(D103, text), []);
  });
});

// ---------------------------------------------------------------- .dockerignore

describe('.dockerignore patterns (moby patternmatcher)', () => {
  const excluded = (file: string, ...patterns: string[]) => isExcluded(parseDockerignore(patterns.join('\n')), file);

  it('anchors at the root, crosses folders only with **, and excludes what is inside an excluded folder', () => {
    assert.ok(excluded('key.pem', '*.pem'));
    assert.ok(!excluded('sub/key.pem', '*.pem'));
    assert.ok(excluded('sub/deep/key.pem', '**/*.pem'));
    assert.ok(excluded('key.pem', '**/*.pem'));
    assert.ok(excluded('.git/HEAD', '.git'));
    assert.ok(excluded('.git/objects/ab/cd', '/.git/'));
    assert.ok(excluded('a/b/c', 'a/**'));
    assert.ok(excluded('x', '*'));
    assert.ok(excluded('.env.local', '.env*'));
    assert.ok(!excluded('src/.env', '.env'));
    assert.ok(excluded('a/x/b', 'a/?/b'));
    assert.ok(!excluded('a/xy/b', 'a/?/b'));
  });

  it('reads comments, blanks, exceptions (the last match wins) and cleans patterns', () => {
    assert.ok(!excluded('.env', '# .env', '  '));
    assert.ok(!excluded('.env', '*', '!.env'));
    assert.ok(excluded('.env', '!.env', '*'));
    assert.ok(excluded('keys/id_rsa', './keys/../keys/id_rsa'));
    assert.ok(excluded('file[1]', 'file\\[1\\]'));
    assert.ok(!excluded('anything', '[unclosed'));
    assert.deepEqual(parseDockerignore('\uFEFF# c\n\n node_modules \n!/keep\n').map((p) => [p.pattern, p.exclusion, p.line]), [
      ['node_modules', false, 2],
      ['keep', true, 3],
    ]);
  });

  it('is looked up as BuildKit does: <Dockerfile>.dockerignore first, then the context root', () => {
    const files: Record<string, string> = { '/p/Dockerfile.dockerignore': 'a', '/p/.dockerignore': 'b' };
    assert.deepEqual(dockerignoreFor('/p/Dockerfile', '/p', (f) => files[f]), { path: '/p/Dockerfile.dockerignore', text: 'a' });
    assert.deepEqual(dockerignoreFor('/p/prod.Dockerfile', '/p', (f) => files[f]), { path: '/p/.dockerignore', text: 'b' });
    assert.equal(dockerignoreFor('/q/Dockerfile', '/q', (f) => files[f]), undefined);
  });
});

// ---------------------------------------------------------------- CG-D104

/** A project in memory: the Dockerfile at /proj/Dockerfile, other files by absolute path. */
function project(files: Record<string, string>): RuleContext {
  return { profile: 'baseline', filePath: path.resolve('/proj/Dockerfile'), readFile: (file) => files[path.resolve(file)] };
}

/** Applies the other-file edits of a fix to the in-memory files. */
function applyOtherFiles(files: Record<string, string>, edits: FileEdit[] | undefined): Record<string, string> {
  const next = { ...files };
  for (const edit of edits ?? []) next[path.resolve(edit.path)] = applyEdits(edit.create ? '' : next[path.resolve(edit.path)] ?? '', edit.edits);
  return next;
}

describe('CG-D104 whole build context without a protective .dockerignore', () => {
  const dockerfile = lines('FROM node:22-slim', 'WORKDIR /app', 'COPY package*.json ./', 'RUN npm ci', 'COPY . .', 'CMD ["node", "server.js"]');

  it('reports COPY . when there is no .dockerignore, and creates one', () => {
    const [finding, ...rest] = check(D104, dockerfile, project({}));
    assert.equal(rest.length, 0);
    assert.deepEqual(finding.range, range(4, 5, 4, 6));
    assert.equal(
      finding.message,
      'COPY . copies the whole build context into the image, and there is no .dockerignore: .git, .env files, private keys and cloud or SSH credentials in the folder end up in a layer. Add a .dockerignore that excludes them.',
    );
    const [fix] = finding.fixes;
    assert.equal(fix.title, 'Create a .dockerignore that excludes credentials');
    assert.equal(fix.isPreferred, false);
    assert.deepEqual(fix.edits, []);
    assert.equal(fix.otherFiles?.length, 1);
    assert.equal(fix.otherFiles![0].path, path.resolve('/proj/.dockerignore'));
    assert.equal(fix.otherFiles![0].create, true);
    const after = applyOtherFiles({}, fix.otherFiles);
    assert.equal(
      after[path.resolve('/proj/.dockerignore')],
      lines('# Keep credentials out of the build context (Container Guard CG-D104)', '.git', '**/.env*', '**/*.pem', '**/*.key', '**/id_rsa*', '**/id_dsa*', '**/id_ecdsa*', '**/id_ed25519*', '**/.aws', '**/.ssh'),
    );
    assert.deepEqual(check(D104, dockerfile, project(after)), []);
  });

  it('reports an ignore file that excludes none of the patterns, and extends it (keeping its line ending)', () => {
    const files = { [path.resolve('/proj/.dockerignore')]: 'node_modules\r\n!important.env' };
    const [finding] = check(D104, dockerfile, project(files));
    assert.equal(
      finding.message,
      'COPY . copies the whole build context into the image, and .dockerignore excludes none of .git, .env*, *.pem, *.key, id_*, .aws/, .ssh/: whichever of them is in the folder ends up in a layer. Exclude them in .dockerignore.',
    );
    assert.deepEqual(finding.related?.map((r) => [r.uri?.endsWith('/proj/.dockerignore'), r.message]), [[true, 'The ignore file this build uses (.dockerignore).']]);
    assert.equal(finding.fixes[0].title, 'Exclude credentials in .dockerignore');
    const after = applyOtherFiles(files, finding.fixes[0].otherFiles);
    assert.ok(after[path.resolve('/proj/.dockerignore')].startsWith('node_modules\r\n!important.env\r\n# Keep credentials out of the build context (Container Guard CG-D104)\r\n.git\r\n'));
    assert.deepEqual(check(D104, dockerfile, project(after)), []);
  });

  it('uses <Dockerfile>.dockerignore before .dockerignore, and passes when one pattern is excluded (or a superset)', () => {
    const specific = { [path.resolve('/proj/Dockerfile.dockerignore')]: 'node_modules', [path.resolve('/proj/.dockerignore')]: '.git' };
    const [finding] = check(D104, dockerfile, project(specific));
    assert.equal(finding.fixes[0].otherFiles![0].path, path.resolve('/proj/Dockerfile.dockerignore'));
    for (const ignore of ['.git', '.env', '**/*.pem', '*', '.ssh/', 'id_*']) {
      assert.deepEqual(check(D104, dockerfile, project({ [path.resolve('/proj/.dockerignore')]: ignore })), [], ignore);
    }
    // A pattern for one specific key is not a superset of *.pem.
    assert.equal(check(D104, dockerfile, project({ [path.resolve('/proj/.dockerignore')]: 'secret.pem' })).length, 1);
  });

  it('judges only a context it can see: a folder with nothing but build files is silent', () => {
    const text = lines('FROM alpine:3.20', 'COPY . /app');
    const listing = (names: string[]) => ({ ...project({}), listDir: (dir: string) => (path.resolve(dir) === path.resolve('/proj') ? names : undefined) });
    assert.deepEqual(check(D104, text, listing(['Dockerfile'])), []);
    assert.deepEqual(check(D104, text, listing(['Dockerfile', 'compose.yaml', 'Dockerfile.dockerignore'])), []);
    assert.equal(check(D104, text, listing(['Dockerfile', 'server.js', 'package.json'])).length, 1);
    assert.deepEqual(check(D104, text, { ...project({}), listDir: () => undefined }), [], 'an unreadable folder is not judged');
    // A sub-folder that holds only another Dockerfile is no content either; a source file one level down is.
    const tree = (files: Record<string, string[]>) => ({ ...project({}), listDir: (dir: string) => files[path.resolve(dir)] });
    assert.deepEqual(check(D104, text, tree({ [path.resolve('/proj')]: ['Dockerfile', 'tests'], [path.resolve('/proj/tests')]: ['Dockerfile'] })), []);
    assert.equal(check(D104, text, tree({ [path.resolve('/proj')]: ['Dockerfile', 'src'], [path.resolve('/proj/src')]: ['main.go'] })).length, 1);
  });

  it('reads ADD ., ./ and ARG-resolved sources in the shipped chain only; COPY --from and untitled files are silent', () => {
    assert.equal(check(D104, lines('FROM alpine:3.20', 'ADD ./ /app'), project({})).length, 1);
    assert.equal(check(D104, lines('FROM alpine:3.20', 'ARG SRC=.', 'COPY ${SRC} /app'), project({})).length, 1);
    assert.deepEqual(check(D104, lines('FROM golang:1.23 AS build', 'COPY . .', 'RUN go build -o /app', 'FROM scratch', 'COPY --from=build /app /app'), project({})), []);
    assert.deepEqual(check(D104, lines('FROM alpine:3.20', 'COPY --from=builder . /app'), project({})), []);
    assert.deepEqual(check(D104, lines('FROM alpine:3.20', 'COPY src/ /app'), project({})), []);
    assert.deepEqual(check(D104, dockerfile), []);
    assert.deepEqual(check(D104, dockerfile, { profile: 'baseline', filePath: '/proj/Dockerfile' }), []);
    // The build target decides the shipped chain.
    const targeted = lines('FROM alpine:3.20 AS dev', 'COPY . .', 'FROM alpine:3.20 AS prod', 'COPY app /app');
    assert.deepEqual(check(D104, targeted, project({})), []);
    assert.equal(check(D104, targeted, { ...project({}), buildTarget: 'dev' }).length, 1);
  });

  it('is reported by the engine when a file path is given, at Warning', () => {
    const findings = analyze(dockerfile, { kind: 'dockerfile', filePath: '/proj/Dockerfile', readFile: () => undefined }).findings.filter((f) => f.ruleId === 'CG-D104');
    assert.deepEqual(findings.map((f) => f.severity), ['warning']);
  });
});

// ---------------------------------------------------------------- CG-D108

/** Applies fix #index of a D108 finding, asserting gone / one fewer / parses; returns the fixed text. */
const fixD108 = (text: string, finding: Finding, index = 0) => applyFixExact(D108, text, finding, index);

describe('CG-D108 apt sources and keys', () => {
  it('reports [trusted=yes] in an echoed source line and removes it with its brackets', () => {
    const text = lines('FROM debian:12', 'RUN echo "deb [trusted=yes] http://apt.example.com/ stable main" > /etc/apt/sources.list.d/example.list');
    const [finding, ...rest] = check(D108, text);
    assert.equal(rest.length, 0);
    assert.deepEqual(finding.range, range(1, 15, 1, 26));
    assert.equal(
      finding.message,
      '"trusted=yes" makes apt install from this repository without checking its signature, so a tampered mirror or a network attacker can supply any package. Add the repository\'s key with "signed-by=" instead.',
    );
    assert.equal(finding.fixes[0].title, 'Remove "trusted=yes"');
    assert.equal(fixD108(text, finding), lines('FROM debian:12', 'RUN echo "deb http://apt.example.com/ stable main" > /etc/apt/sources.list.d/example.list'));
  });

  it('removes only the option when others remain, and reads add-apt-repository, sed, here-documents and deb822', () => {
    const text = lines('FROM debian:12', 'RUN echo "deb [arch=amd64 trusted=yes] http://apt.example.com/ ./" > /etc/apt/sources.list');
    const [finding] = check(D108, text);
    assert.equal(fixD108(text, finding), lines('FROM debian:12', 'RUN echo "deb [arch=amd64] http://apt.example.com/ ./" > /etc/apt/sources.list'));
    assert.equal(check(D108, lines('FROM ubuntu:24.04', "RUN add-apt-repository 'deb [allow-insecure=yes] http://ppa.example.com/ noble main'")).length, 1);
    assert.equal(check(D108, lines('FROM debian:12', "RUN sed -i 's/^deb /deb [trusted=yes] /' /etc/apt/sources.list")).length, 1);
    const deb822 = lines('FROM debian:12', 'COPY <<EOF /etc/apt/sources.list.d/example.sources', 'Types: deb', 'URIs: https://apt.example.com/', 'Suites: stable', 'Trusted: yes', 'EOF');
    const [stanza] = check(D108, deb822);
    assert.deepEqual(stanza.range, range(5, 0, 5, 12));
    assert.equal(fixD108(deb822, stanza), deb822.replace('Trusted: yes', 'Trusted: no'));
  });

  it('reports an http key for apt (Error) and apt-key add (Warning), and offers https', () => {
    const text = lines('FROM debian:12', 'RUN curl -fsSL http://apt.example.com/key.gpg | apt-key add -');
    const [key, add] = check(D108, text);
    assert.deepEqual([key.range, key.severity, add.range, add.severity], [range(1, 15, 1, 45), undefined, range(1, 48, 1, 59), 'warning']);
    assert.equal(key.message, 'The repository key is downloaded over plain HTTP (http://apt.example.com/key.gpg): a network attacker can replace it with their own and then sign any package. Download it over https:// and check its fingerprint.');
    assert.equal(add.message, "apt-key add trusts this key for every repository, not only the one it signs (and apt-key is deprecated). Store it under /etc/apt/keyrings/ and name it with 'signed-by=' in that repository's source line.");
    assert.equal(fixD108(text, key), lines('FROM debian:12', 'RUN curl -fsSL https://apt.example.com/key.gpg | apt-key add -'));
    for (const run of [
      'RUN wget -qO- http://apt.example.com/key.asc | gpg --dearmor -o /usr/share/keyrings/example.gpg',
      'RUN curl -o /etc/apt/keyrings/example.asc http://apt.example.com/key.asc',
      'RUN curl -o /tmp/key.asc http://apt.example.com/key.asc && gpg --dearmor /tmp/key.asc',
      'RUN apt-key adv --fetch-keys http://apt.example.com/key.asc',
    ]) {
      assert.equal(check(D108, lines('FROM debian:12', run)).filter((f) => f.message.startsWith('The repository key')).length, 1, run);
    }
  });

  it('reports apt options that accept unsigned repositories and removes them', () => {
    const text = lines('FROM debian:12', 'RUN apt-get -o Acquire::AllowInsecureRepositories=true update && apt-get install -y --allow-insecure-repositories curl');
    const [option, flag] = check(D108, text);
    assert.deepEqual([option.range, flag.range], [range(1, 12, 1, 54), range(1, 84, 1, 113)]);
    const once = fixD108(text, option);
    assert.equal(once, lines('FROM debian:12', 'RUN apt-get update && apt-get install -y --allow-insecure-repositories curl'));
    const [left] = check(D108, once);
    assert.equal(fixD108(once, left), lines('FROM debian:12', 'RUN apt-get update && apt-get install -y curl'));
    const conf = lines('FROM debian:12', `RUN echo 'Acquire::https::Verify-Peer "false";' > /etc/apt/apt.conf.d/99insecure`);
    assert.match(check(D108, conf)[0].message, /^"Acquire::https::Verify-Peer "false"" makes apt accept any TLS certificate/);
  });

  it('does not report plain-http repositories alone (signatures are still checked) or https keys', () => {
    const cases = [
      'RUN echo "deb http://deb.debian.org/debian bookworm main" > /etc/apt/sources.list',
      'RUN echo "http://dl-cdn.alpinelinux.org/alpine/edge/testing" >> /etc/apk/repositories && apk add --no-cache foo',
      'RUN apk add --repository http://dl-cdn.alpinelinux.org/alpine/edge/community foo',
      'RUN printf "[x]\\nbaseurl=http://repo.example.com/\\ngpgcheck=1\\n" > /etc/yum.repos.d/x.repo',
      'RUN curl -fsSL https://apt.example.com/key.gpg | gpg --dearmor -o /usr/share/keyrings/example.gpg',
      'RUN curl -fsSL http://localhost:8080/key.gpg | gpg --dearmor -o /usr/share/keyrings/local.gpg',
      'RUN echo "deb [trusted=no signed-by=/usr/share/keyrings/x.gpg] https://apt.example.com/ ./" > /etc/apt/sources.list.d/x.list',
      'RUN curl -fsSL http://example.com/install.tar.gz -o /tmp/x.tgz',
    ];
    for (const run of cases) assert.deepEqual(check(D108, lines('FROM debian:12', run)), [], run);
  });
});

describe('CG-D108 pip, npm, Go, git and CA bundles', () => {
  it('reports an http pip index (unless D009 reports its --trusted-host) and warns on an https extra index', () => {
    const text = lines('FROM python:3.12', 'RUN pip install --index-url http://pypi.example.com/simple app');
    const [finding] = check(D108, text);
    assert.deepEqual(finding.range, range(1, 28, 1, 58));
    assert.equal(finding.message, "pip '--index-url http://pypi.example.com/simple' fetches packages over plain HTTP: a network attacker can replace them. Use an https:// index.");
    assert.equal(fixD108(text, finding), lines('FROM python:3.12', 'RUN pip install --index-url https://pypi.example.com/simple app'));
    assert.deepEqual(check(D108, lines('FROM python:3.12', 'RUN pip install -i http://pypi.example.com/simple --trusted-host pypi.example.com app')), []);
    assert.deepEqual(check(D108, lines('FROM python:3.12', 'ENV PIP_TRUSTED_HOST=pypi.example.com', 'RUN pip install --extra-index-url=http://pypi.example.com/simple app')), []);
    const extra = check(D108, lines('FROM python:3.12', 'RUN pip install --extra-index-url https://download.pytorch.org/whl/cpu torch'));
    assert.deepEqual(extra.map((f) => [f.severity, f.range, f.fixes.length]), [['warning', range(1, 34, 1, 70), 0]]);
    assert.match(extra[0].message, /dependency confusion/);
    assert.deepEqual(check(D108, lines('FROM python:3.12', 'RUN pip install --index-url https://pypi.example.com/simple app')), []);
  });

  it('reports an http npm registry in config, flags and NPM_CONFIG_REGISTRY', () => {
    const text = lines('FROM node:22-slim', 'RUN npm config set registry http://registry.example.com/ && npm ci');
    const [finding] = check(D108, text);
    assert.equal(finding.message, 'npm uses the registry http://registry.example.com/ over plain HTTP: a network attacker can replace the packages (and read the auth token). Use an https:// registry.');
    assert.equal(fixD108(text, finding), lines('FROM node:22-slim', 'RUN npm config set registry https://registry.example.com/ && npm ci'));
    assert.equal(check(D108, lines('FROM node:22-slim', 'RUN npm install --registry=http://registry.example.com/ left-pad')).length, 1);
    assert.equal(check(D108, lines('FROM node:22-slim', 'ENV npm_config_registry=http://registry.example.com/')).length, 1);
    assert.deepEqual(check(D108, lines('FROM node:22-slim', 'RUN npm config set registry https://registry.example.com/')), []);
  });

  it('reports GOINSECURE, -insecure, GOSUMDB=off and match-all GOPRIVATE, with their tiers', () => {
    const text = lines('FROM golang:1.23', 'ENV GOINSECURE=git.example.com GOSUMDB=off GOPRIVATE=*', 'RUN go env -w GOFLAGS=-insecure && go get -insecure example.com/x');
    const findings = check(D108, text);
    assert.deepEqual(findings.map((f) => [f.range.start.line, f.range.start.character, f.severity ?? 'error']), [
      [1, 4, 'error'],
      [1, 31, 'warning'],
      [1, 43, 'warning'],
      [2, 14, 'error'],
      [2, 42, 'error'],
    ]);
    assert.equal(fixD108(text, findings[0]), lines('FROM golang:1.23', 'ENV GOSUMDB=off GOPRIVATE=*', 'RUN go env -w GOFLAGS=-insecure && go get -insecure example.com/x'));
    assert.deepEqual(check(D108, lines('FROM golang:1.23', 'ENV GOPRIVATE=*.corp.example.com,github.com/acme GONOSUMDB=github.com/acme')), []);
  });

  it('reports git http.sslVerify false in config and -c, and removes them', () => {
    const config = lines('FROM alpine:3.20', 'RUN git config --global http.sslVerify false && git clone https://git.example.com/app.git');
    const [finding] = check(D108, config);
    assert.deepEqual(finding.range, range(1, 24, 1, 44));
    assert.equal(finding.message, "git 'http.sslVerify false' turns off TLS certificate verification: a network attacker can serve other code for the repositories the build fetches. Remove it and trust the right CA instead.");
    assert.equal(fixD108(config, finding), lines('FROM alpine:3.20', 'RUN git clone https://git.example.com/app.git'));
    const dashC = lines('FROM alpine:3.20', 'RUN git -c http.sslVerify=false clone https://git.example.com/app.git');
    assert.equal(fixD108(dashC, check(D108, dashC)[0]), lines('FROM alpine:3.20', 'RUN git clone https://git.example.com/app.git'));
    assert.equal(check(D108, lines('FROM alpine:3.20', 'RUN git config --system http.https://git.example.com/.sslverify "false"')).length, 1);
    assert.deepEqual(check(D108, lines('FROM alpine:3.20', 'RUN git config --global http.sslVerify true')), []);
  });

  it('warns on emptied CA bundles, not on a real bundle path', () => {
    const text = lines('FROM python:3.12', 'ENV REQUESTS_CA_BUNDLE="" SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt', 'RUN export CURL_CA_BUNDLE=/dev/null && curl https://example.com');
    const findings = check(D108, text);
    assert.deepEqual(findings.map((f) => [f.range, f.severity]), [[range(1, 4, 1, 22), 'warning'], [range(2, 11, 2, 25), 'warning']]);
    assert.equal(fixD108(text, findings[0]), lines('FROM python:3.12', 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt', 'RUN export CURL_CA_BUNDLE=/dev/null && curl https://example.com'));
  });

  it('leaves what D007–D013 report to them (one risk, one finding)', () => {
    const cases = [
      'RUN curl -k https://example.com/x',
      'ENV GIT_SSL_NO_VERIFY=1',
      'RUN npm config set strict-ssl false',
      'RUN apt-get install -y --allow-unauthenticated x',
      'RUN apk add --allow-untrusted x',
    ];
    for (const line of cases) assert.deepEqual(check(D108, lines('FROM debian:12', line)), [], line);
  });
});

describe('CG-D103/D104/D108 through the engine', () => {
  it('publish at their severities and honour our ignore comments', () => {
    const text = lines('FROM debian:12', 'ARG TOKEN', '# container-guard ignore=CG-D108', 'RUN echo "deb [trusted=yes] http://x/ ./" > /etc/apt/sources.list', 'RUN git clone https://$TOKEN@github.com/acme/app.git');
    const findings = analyze(text, { kind: 'dockerfile' }).findings.filter((f) => ['CG-D103', 'CG-D108'].includes(f.ruleId));
    assert.deepEqual(findings.map((f) => [f.ruleId, f.severity, f.range.start.line]), [['CG-D103', 'error', 4]]);
  });

  it('keep the baseline context free of file access (no file path: D104 is silent)', () => {
    assert.deepEqual(check(D104, lines('FROM alpine:3.20', 'COPY . /app'), baseline), []);
  });
});
