// Unit tests of the Dockerfile secret rules CG-D030 (secret ARG), CG-D031 (secret ENV) and the
// Dockerfile side of CG-D032 (hard-coded credentials): exact ranges and tiers, the build-secret
// refactor, exact text after each fix, a clean second pass, and foreign suppression pragmas.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule as D030 } from '../../server/src/rules/dockerfile/D030-secret-build-arg';
import { rule as D031 } from '../../server/src/rules/dockerfile/D031-secret-env';
import { rule as D032 } from '../../server/src/rules/dockerfile/D032-hardcoded-credential';
import { rule as D033, isCredentialFile } from '../../server/src/rules/dockerfile/D033-credential-file-copy';
import { rule as D034 } from '../../server/src/rules/dockerfile/D034-cloud-cli-login';
import { findCredentials } from '../../server/src/engine/secrets';
import { parseDockerfile } from '../../server/src/engine/dockerfile/model';
import { runRule } from '../../server/src/engine/engine';
import { applyFixFewer as applyFix, checkDockerfile as check, dockerfileIds as ids, lines, range } from './kit';

describe('CG-D030 secret build argument', () => {
  it('has the catalogue metadata', () => {
    assert.equal(D030.meta.severity, 'warning');
    assert.ok(D030.meta.equivalents.includes('hadolint DL3064'));
    assert.ok(D030.meta.equivalents.includes('BuildKit SecretsUsedInArgOrEnv'));
    assert.ok(D030.meta.equivalents.includes('Trivy DS-0031'));
  });

  it('flags a secret-named ARG on its name, and refactors it to a build secret', () => {
    const text = lines('FROM node:22', 'ARG NPM_TOKEN', 'RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci', 'RUN npm run build');
    const [finding] = check(D030, text);
    assert.deepEqual(finding.range, range(1, 4, 1, 13));
    assert.match(finding.message, /^ARG NPM_TOKEN looks like a secret/);
    const fix = finding.fixes[0];
    assert.equal(fix.isPreferred, false);
    assert.match(fix.title, /--secret id=npm_token,env=NPM_TOKEN/);
    const fixed = applyFix(D030, text, finding);
    assert.equal(
      fixed,
      lines(
        '# syntax=docker/dockerfile:1',
        'FROM node:22',
        'RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci',
        'RUN npm run build',
      ),
    );
    assert.deepEqual(check(D030, fixed), [], 'a second pass finds nothing to fix');
  });

  it('checks every stage, the global scope and ONBUILD', () => {
    const text = lines('ARG GITHUB_TOKEN', 'FROM golang:1.22 AS build', 'ARG GITHUB_TOKEN', 'ARG DB_PASSWORD=x', 'FROM alpine:3.20', 'ONBUILD ARG API_KEY');
    const findings = check(D030, text);
    assert.deepEqual(findings.map((f) => f.range.start.line), [0, 2, 3, 5]);
    assert.deepEqual(findings[3].range, range(5, 12, 5, 19));
    assert.deepEqual(findings[3].fixes, [], 'no refactor inside ONBUILD');
  });

  it('does not flag names that only describe a secret', () => {
    const text = lines('FROM alpine:3.20', 'ARG POSTGRES_PASSWORD_FILE', 'ARG TOKEN_URL', 'ARG GPG_KEY', 'ARG PUBLIC_KEY', 'ARG GOOGLE_APPLICATION_CREDENTIALS', 'ARG REGISTRY_AUTH', 'ARG DOCKER_USERNAME');
    assert.deepEqual(check(D030, text), []);
  });

  it('refactors a global ARG together with its re-declarations, in every stage that uses it', () => {
    const text = lines(
      'ARG GITHUB_TOKEN',
      'FROM golang:1.22 AS build',
      'ARG GITHUB_TOKEN',
      'RUN --mount=type=cache,target=/go/pkg git config --global url."https://${GITHUB_TOKEN}@github.com/".insteadOf "https://github.com/"',
      'RUN go build',
      'FROM alpine:3.20',
      'ARG GITHUB_TOKEN',
      'RUN apk add git && git clone https://$GITHUB_TOKEN@github.com/o/r',
    );
    const findings = check(D030, text);
    assert.equal(findings.length, 3);
    assert.deepEqual(findings[0].fixes[0].edits, findings[1].fixes[0].edits, 'the same refactor from every declaration');
    const fixed = applyFix(D030, text, findings[1]);
    assert.equal(
      fixed,
      lines(
        '# syntax=docker/dockerfile:1',
        'FROM golang:1.22 AS build',
        'RUN --mount=type=secret,id=github_token,env=GITHUB_TOKEN --mount=type=cache,target=/go/pkg git config --global url."https://${GITHUB_TOKEN}@github.com/".insteadOf "https://github.com/"',
        'RUN go build',
        'FROM alpine:3.20',
        'RUN --mount=type=secret,id=github_token,env=GITHUB_TOKEN apk add git && git clone https://$GITHUB_TOKEN@github.com/o/r',
      ),
    );
  });

  it('deletes only its pair from a multi-pair ARG and mounts heredoc RUNs', () => {
    const text = lines('FROM alpine:3.20', 'ARG A=1 DB_PASSWORD B=2', 'RUN <<EOF', 'mysql -p"$DB_PASSWORD" -e "select 1"', 'EOF');
    const fixed = applyFix(D030, text, check(D030, text)[0]);
    assert.equal(fixed, lines('# syntax=docker/dockerfile:1', 'FROM alpine:3.20', 'ARG A=1 B=2', 'RUN --mount=type=secret,id=db_password,env=DB_PASSWORD <<EOF', 'mysql -p"$DB_PASSWORD" -e "select 1"', 'EOF'));
  });

  it('moves an old docker/dockerfile syntax to :1, keeps a modern or custom one, and keeps CRLF', () => {
    const old = '# syntax=docker/dockerfile:1.4\r\nFROM alpine:3.20\r\nARG API_TOKEN\r\nRUN fetch $API_TOKEN\r\n';
    assert.equal(
      applyFix(D030, old, check(D030, old)[0]),
      '# syntax=docker/dockerfile:1\r\nFROM alpine:3.20\r\nRUN --mount=type=secret,id=api_token,env=API_TOKEN fetch $API_TOKEN\r\n',
    );
    const modern = lines('# syntax=docker/dockerfile:1.10', 'FROM alpine:3.20', 'ARG API_TOKEN', 'RUN fetch $API_TOKEN');
    assert.equal(applyFix(D030, modern, check(D030, modern)[0]), lines('# syntax=docker/dockerfile:1.10', 'FROM alpine:3.20', 'RUN --mount=type=secret,id=api_token,env=API_TOKEN fetch $API_TOKEN'));
    const custom = lines('# syntax=example.com/frontend:2', 'FROM alpine:3.20', 'ARG API_TOKEN', 'RUN fetch $API_TOKEN');
    assert.match(applyFix(D030, custom, check(D030, custom)[0]), /^# syntax=example\.com\/frontend:2\n/);
  });

  it('does not mount twice, and only deletes an unused ARG', () => {
    const mounted = lines('FROM alpine:3.20', 'ARG API_TOKEN', 'RUN --mount=type=secret,id=t,env=API_TOKEN fetch');
    const [finding] = check(D030, mounted);
    assert.equal(applyFix(D030, mounted, finding), lines('FROM alpine:3.20', 'RUN --mount=type=secret,id=t,env=API_TOKEN fetch'));
    const unused = lines('FROM alpine:3.20', 'ARG API_TOKEN', 'RUN true');
    const [u] = check(D030, unused);
    assert.equal(u.fixes[0].title, 'Delete the unused ARG API_TOKEN');
    assert.equal(applyFix(D030, unused, u), lines('FROM alpine:3.20', 'RUN true'));
  });

  it('offers no refactor when a non-RUN instruction reads the ARG', () => {
    assert.deepEqual(check(D030, lines('FROM alpine:3.20', 'ARG DB_PASSWORD', 'ENV PGPASS=$DB_PASSWORD'))[0].fixes, []);
    assert.deepEqual(check(D030, lines('ARG REGISTRY_TOKEN', 'FROM reg.example.com/${REGISTRY_TOKEN}/base:1'))[0].fixes, []);
  });

  it('is suppressed by hadolint and BuildKit pragmas', () => {
    const text = lines('FROM alpine:3.20', '# hadolint ignore=DL3064', 'ARG API_TOKEN');
    assert.ok(!ids(text).includes('CG-D030'));
    assert.ok(ids(lines('FROM alpine:3.20', 'ARG API_TOKEN')).includes('CG-D030'));
    assert.ok(!ids(lines('# check=skip=SecretsUsedInArgOrEnv', 'FROM alpine:3.20', 'ARG API_TOKEN')).includes('CG-D030'));
  });
});

describe('CG-D031 secret in ENV', () => {
  it('has the catalogue metadata', () => {
    assert.equal(D031.meta.severity, 'error');
    assert.ok(D031.meta.equivalents.includes('KICS 781e75f7-bf43-4ab7-bae7-a08ad6607af3'));
    assert.ok(D031.meta.equivalents.includes('Dockle CIS-DI-0010'));
  });

  it('flags a literal as Error and a reference as Warning, on the name', () => {
    const text = lines('FROM alpine:3.20', 'ARG T', 'ENV DB_PASSWORD="hunter2" OTHER=1 SECRET_KEY=$T');
    const findings = check(D031, text);
    assert.deepEqual(findings.map((f) => f.range), [range(2, 4, 2, 15), range(2, 34, 2, 44)]);
    assert.equal(findings[0].severity, undefined, 'the default (Error)');
    assert.match(findings[0].message, /^ENV DB_PASSWORD hard-codes a secret into the image config/);
    assert.equal(findings[1].severity, 'warning');
    assert.match(findings[1].message, /^ENV SECRET_KEY copies a variable \(usually a build argument\) into the image config/);
  });

  it('reads the legacy ENV KEY value form', () => {
    const [finding] = check(D031, lines('FROM alpine:3.20', 'ENV API_KEY sk-abc def'));
    assert.deepEqual(finding.range, range(1, 4, 1, 11));
    assert.equal(finding.severity, undefined);
  });

  it('does not report empty, boolean, path or placeholder values, or non-secret names', () => {
    const text = lines(
      'FROM alpine:3.20',
      'ENV PASSWORD_FILE=/run/secrets/db TOKEN=changeme SECRET=<set-me> API_KEY=xxxx DB_PASSWORD="" USE_TOKEN=true',
      'ENV KEY=/etc/ssl/private/key.pem PASS=./pass.txt',
      'ENV GPG_KEY=7169605F62C751356D054A26A821E680E5FA6305 NODE_ENV=production',
    );
    assert.deepEqual(check(D031, text), []);
  });

  it('lowers a literal in a builder stage outside the shipped chain to Warning', () => {
    const text = lines('FROM golang:1.22 AS build', 'ENV GOPROXY_TOKEN=abc123', 'FROM build AS test', 'FROM alpine:3.20');
    const [finding] = check(D031, text);
    assert.equal(finding.severity, 'warning');
    assert.match(finding.message, /build stage 'build'/);
    const inherited = lines('FROM golang:1.22 AS build', 'ENV GOPROXY_TOKEN=abc123', 'FROM build');
    assert.equal(check(D031, inherited)[0].severity, undefined, 'a parent of the shipped stage ships its ENV');
    assert.equal(check(D031, text, { profile: 'baseline', buildTarget: 'test' })[0].severity, undefined);
  });

  it('deletes the pair, or the whole line, and keeps continuations', () => {
    const text = lines('FROM alpine:3.20', 'ENV A=1 \\', '    API_TOKEN=abc123 \\', '    B=2', 'ENV DB_PASSWORD=hunter2', 'CMD ["app"]');
    const findings = check(D031, text);
    assert.equal(findings.length, 2);
    assert.equal(findings[0].fixes[0].isPreferred, false);
    assert.equal(applyFix(D031, text, findings[0]), lines('FROM alpine:3.20', 'ENV A=1 \\', '    B=2', 'ENV DB_PASSWORD=hunter2', 'CMD ["app"]'));
    const fixed = applyFix(D031, text, findings[1]);
    assert.equal(fixed, lines('FROM alpine:3.20', 'ENV A=1 \\', '    API_TOKEN=abc123 \\', '    B=2', 'CMD ["app"]'));
    const last = 'FROM alpine:3.20\nENV A=1 API_TOKEN=abc123';
    assert.equal(applyFix(D031, last, check(D031, last)[0]), 'FROM alpine:3.20\nENV A=1');
    const only = 'FROM alpine:3.20\r\nENV API_TOKEN=abc123';
    assert.equal(applyFix(D031, only, check(D031, only)[0]), 'FROM alpine:3.20');
  });

  it('is suppressed by a Dockle id and by our own comment', () => {
    assert.ok(ids(lines('FROM alpine:3.20', 'ENV API_TOKEN=abc123')).includes('CG-D031'));
    assert.ok(!ids(lines('#checkov:skip=CKV_DOCKER_3', '# kics-scan disable=781e75f7-bf43-4ab7-bae7-a08ad6607af3', 'FROM alpine:3.20', 'ENV API_TOKEN=abc123')).includes('CG-D031'));
    assert.ok(!ids(lines('FROM alpine:3.20', '# container-guard ignore=CG-D031 -- test fixture', 'ENV API_TOKEN=abc123')).includes('CG-D031'));
  });
});

describe('CG-D032 hard-coded credentials (Dockerfile)', () => {
  const value = 'q8Zr2LmX9vT4pK7w';

  it('has the catalogue metadata', () => {
    assert.equal(D032.meta.severity, 'error');
    assert.equal(D032.meta.fixable, false);
    assert.ok(D032.meta.equivalents.includes('KICS a88baa34-e2ad-44ea-ad6f-8cac87bc7c71'));
    assert.ok(D032.meta.equivalents.includes('CKV_SECRET_6'));
  });

  it('finds URL passwords and AWS keys in RUN, private keys in heredocs and values in LABEL, on the credential itself', () => {
    const text = lines(
      'FROM alpine:3.20',
      'RUN curl -fsS https://ci:p4ssw0rdX@repo.example.com/x && echo AKIA2E0A8F3B244C9986',
      'COPY <<EOF /root/.ssh/id_ed25519',
      '-----BEGIN OPENSSH PRIVATE KEY-----',
      'b3BlbnNzaC1rZXktdjEAAAAA',
      'EOF',
      `LABEL org.example.api-token="${value}"`,
    );
    const findings = check(D032, text);
    assert.deepEqual(findings.map((f) => f.range), [range(1, 25, 1, 34), range(1, 62, 1, 82), range(3, 0, 3, 35), range(6, 29, 6, 45)]);
    assert.match(findings[0].message, /^This looks like a password in a URL/);
    assert.match(findings[1].message, /an AWS access key id/);
    assert.match(findings[2].message, /a PEM private key/);
    assert.ok(findings.every((f) => f.fixes.length === 0));
  });

  it('finds --flag values and tokens in ARG defaults', () => {
    const token = `ghp_${'a1B2'.repeat(9)}`;
    const text = lines('FROM alpine:3.20', `ARG GH=${token}`, `RUN mysql --password=${value} -h db`);
    assert.deepEqual(check(D032, text).map((f) => f.range), [range(1, 7, 1, 47), range(2, 21, 2, 37)]);
  });

  it('leaves references, placeholders, public keys and low-entropy values alone', () => {
    const text = lines(
      'FROM alpine:3.20',
      'RUN git clone https://oauth2:${GITLAB_TOKEN}@gitlab.example.com/r.git',
      'RUN curl https://user:<password>@example.com',
      'COPY <<EOF /etc/ssl/pub.pem',
      '-----BEGIN PUBLIC KEY-----',
      'EOF',
      'RUN echo AKIAIOSFODNN7EXAMPLE && export PASSWORD=aaaaaaaaaaaaaaaaaaaa',
      'ENV GPG_KEY=7169605F62C751356D054A26A821E680E5FA6305',
    );
    assert.deepEqual(check(D032, text), []);
  });

  it('leaves a secret-named ENV literal to CG-D031 (one finding per value)', () => {
    const text = lines('FROM alpine:3.20', `ENV API_TOKEN=${value}`);
    assert.deepEqual(check(D032, text), []);
    assert.deepEqual(ids(text).filter((id) => id === 'CG-D031' || id === 'CG-D032'), ['CG-D031']);
  });

  it('is suppressed by a Checkov skip and a KICS disable', () => {
    const text = lines('FROM alpine:3.20', 'RUN echo AKIA2E0A8F3B244C9986');
    assert.ok(ids(text).includes('CG-D032'));
    assert.ok(!ids('#checkov:skip=CKV_SECRET_2:test key\n' + text).includes('CG-D032'));
    assert.ok(!ids('# kics-scan disable=a88baa34-e2ad-44ea-ad6f-8cac87bc7c71\n' + text).includes('CG-D032'));
  });
});

describe('CG-D034 cloud CLI login in RUN', () => {
  it('flags aws, gcloud, az and doctl logins without a secret mount, on the credential word', () => {
    const text = lines(
      'FROM amazon/aws-cli:2',
      'RUN aws configure set aws_access_key_id AKIA2E0A8F3B244C9986 && aws configure set region eu-west-1',
      'RUN gcloud auth activate-service-account --key-file=/k.json',
      'RUN az login --service-principal -u x -p s3cret --tenant t && az login --identity',
      'RUN doctl auth init --access-token=dop_v1_x',
      'RUN --mount=type=secret,id=t,env=T doctl auth init -t "$T"',
    );
    const findings = check(D034, text);
    assert.deepEqual(findings.map((f) => f.range), [range(1, 22, 1, 39), range(2, 16, 2, 40), range(3, 38, 3, 40), range(4, 20, 4, 43)]);
    assert.match(findings[0].message, /^aws configure set aws_access_key_id puts a credential on the command line/);
    assert.deepEqual(findings[1].fixes, [], 'a key file needs a file mount: no automatic fix');
    assert.deepEqual(findings[3].fixes, [], 'the value is inside --access-token=…');
  });

  it('mounts the secret into the variable and replaces the literal (not preferred)', () => {
    const text = lines('FROM amazon/aws-cli:2', 'RUN az login --service-principal -u x -p s3cret --tenant t');
    const [finding] = check(D034, text);
    assert.equal(finding.fixes[0].isPreferred, false);
    const fixed = applyFix(D034, text, finding);
    assert.equal(
      fixed,
      lines('# syntax=docker/dockerfile:1', 'FROM amazon/aws-cli:2', 'RUN --mount=type=secret,id=azure_password,env=AZURE_PASSWORD az login --service-principal -u x -p "$AZURE_PASSWORD" --tenant t'),
    );
    assert.deepEqual(check(D034, fixed), []);
  });

  it('keeps a variable already used as the value', () => {
    const text = lines('FROM amazon/aws-cli:2', 'ARG AWS_KEY', 'RUN aws configure set aws_secret_access_key ${AWS_KEY}');
    const fixed = applyFix(D034, text, check(D034, text)[0]);
    assert.equal(fixed, lines('# syntax=docker/dockerfile:1', 'FROM amazon/aws-cli:2', 'ARG AWS_KEY', 'RUN --mount=type=secret,id=aws_key,env=AWS_KEY aws configure set aws_secret_access_key ${AWS_KEY}'));
  });

  it('is suppressed by Trivy DS-0031', () => {
    const text = lines('FROM alpine:3.20', 'RUN doctl auth init -t abc');
    assert.ok(ids(text).includes('CG-D034'));
    assert.ok(!ids(lines('FROM alpine:3.20', '# hadolint ignore=DS-0031', 'RUN doctl auth init -t abc')).includes('CG-D034'));
  });
});

describe('CG-D033 credential file copied', () => {
  it('knows the credential file names', () => {
    for (const name of ['id_rsa', 'keys/id_ed25519', 'server.key', 'tls/private.pem', 'client.p12', 'cert.pfx', '.env', '.env.production', '.npmrc', '.pypirc', '.netrc', '.git-credentials', 'credentials', 'aws/credentials.json', 'kubeconfig', '.docker/config.json', 'vpn.ovpn']) {
      assert.ok(isCredentialFile(name), name);
    }
    for (const name of ['.env.example', '.env.sample', 'id_rsa.pub', 'ca.pem', 'certs/fullchain.pem', 'server-cert.pem', 'public.pem', 'config.json', 'key.txt', 'monkey', 'src/']) {
      assert.ok(!isCredentialFile(name), name);
    }
  });

  it('flags each credential source on its token, in plain and JSON form, in every stage', () => {
    const text = lines('FROM node:22 AS build', 'COPY .npmrc package.json ./', 'FROM alpine:3.20', 'COPY ["id_rsa", "certs/ca.pem", "server.key", ".env.example", "/x/"]');
    const findings = check(D033, text);
    assert.deepEqual(findings.map((f) => f.range), [range(1, 5, 1, 11), range(3, 6, 3, 14), range(3, 32, 3, 44)]);
    assert.match(findings[0].message, /^COPY \.npmrc copies a credential file into a layer/);
    assert.deepEqual(findings[0].fixes, [], 'several sources: no automatic refactor');
  });

  it('refactors COPY <f> <dst> into a secret mount on the RUN that uses it (not preferred)', () => {
    const text = lines('FROM node:22', 'WORKDIR /app', 'COPY .npmrc /root/', 'RUN npm ci', 'RUN cat /root/.npmrc >/dev/null');
    const [finding] = check(D033, text);
    assert.equal(finding.fixes[0].isPreferred, false);
    assert.match(finding.fixes[0].title, /--secret id=npmrc,src=\.npmrc/);
    const fixed = applyFix(D033, text, finding);
    assert.equal(fixed, lines('# syntax=docker/dockerfile:1', 'FROM node:22', 'WORKDIR /app', 'RUN npm ci', 'RUN --mount=type=secret,id=npmrc,target=/root/.npmrc cat /root/.npmrc >/dev/null'));
    assert.deepEqual(check(D033, fixed), []);
    assert.deepEqual(check(D033, lines('FROM alpine:3.20', 'COPY id_rsa /root/.ssh/id_rsa'))[0].fixes, [], 'no RUN uses it');
    assert.deepEqual(check(D033, lines('FROM alpine:3.20', 'COPY id_rsa .ssh/', 'RUN ssh-add .ssh/id_rsa'))[0].fixes, [], 'relative destination');
  });

  it('follows GOOGLE_APPLICATION_CREDENTIALS, AWS_CONFIG_FILE and HF_TOKEN_PATH', () => {
    const text = lines(
      'FROM alpine:3.20',
      'ARG GOOGLE_APPLICATION_CREDENTIALS=sa.json',
      'COPY $GOOGLE_APPLICATION_CREDENTIALS /app/',
      'COPY sa.json /app/sa.json',
      'ENV AWS_CONFIG_FILE=/app/conf/aws HF_TOKEN_PATH=/elsewhere/token',
      'COPY conf /app/conf',
    );
    const findings = check(D033, text);
    assert.deepEqual(findings.map((f) => f.range), [range(2, 5, 2, 36), range(3, 5, 3, 12), range(4, 4, 4, 19)]);
    assert.match(findings[0].message, /the file named by GOOGLE_APPLICATION_CREDENTIALS/);
    assert.match(findings[2].message, /^AWS_CONFIG_FILE points at \/app\/conf\/aws, which a COPY of this stage fills/);
    assert.deepEqual(findings[2].related?.map((r) => r.range), [range(5, 0, 5, 4)]);
  });

  it('is suppressed by a hadolint-style Trivy id pragma', () => {
    const text = lines('FROM alpine:3.20', 'COPY id_rsa /root/.ssh/');
    assert.ok(ids(text).includes('CG-D033'));
    assert.ok(!ids(lines('FROM alpine:3.20', '# hadolint ignore=DS-0031', 'COPY id_rsa /root/.ssh/')).includes('CG-D033'));
  });
});

describe('CG-D032 reads the file line by line', () => {
  it('finds what a search of the whole text finds, with the same offsets', () => {
    const text = [
      'FROM alpine',
      'RUN curl https://deploy:x9Zq7LmP2vR8sT4kW1yB@example.com/a \\',
      '    && echo API_TOKEN=aB3dE6fG9hJ2kL5mN8pQ > /tmp/t\r',
      'LABEL key="-----BEGIN RSA PRIVATE KEY-----"',
      '# ghp_' + 'a'.repeat(36),
      'RUN --mount=type=secret,id=x AKIAIOSFODNN7EXAMPL1=1',
    ].join('\n');
    const model = parseDockerfile(text);
    const expected = findCredentials(text).map((m) => model.source.rangeOf(m.start, m.end));
    assert.ok(expected.length >= 4);
    assert.deepEqual(runRule(D032, model, { profile: 'baseline' }).map((f) => f.range), expected);
  });
});
