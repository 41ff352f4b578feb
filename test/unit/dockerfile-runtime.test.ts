// Unit tests of the Dockerfile runtime and image-content rules CG-D023, D024, D026, D040, D041,
// D050, D051, D074 (and the command rules D022, D025, D034, D075): shipped-chain scoping, exact
// ranges, exact text after each fix, a clean second pass, and foreign suppression pragmas.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile } from '../../server/src/engine/dockerfile/model';
import { applyEdits } from '../../server/src/engine/text';
import { rule as D022 } from '../../server/src/rules/dockerfile/D022-sudo';
import { rule as D023 } from '../../server/src/rules/dockerfile/D023-non-numeric-user';
import { rule as D024, isWritableDestination } from '../../server/src/rules/dockerfile/D024-chown-app-code';
import { rule as D025 } from '../../server/src/rules/dockerfile/D025-password-set';
import { rule as D026, grantsSetId } from '../../server/src/rules/dockerfile/D026-setuid-chmod';
import { rule as D040 } from '../../server/src/rules/dockerfile/D040-expose-ssh';
import { rule as D041 } from '../../server/src/rules/dockerfile/D041-volume-docker-socket';
import { rule as D050 } from '../../server/src/rules/dockerfile/D050-sensitive-workdir-volume';
import { rule as D051 } from '../../server/src/rules/dockerfile/D051-copy-root-to-root';
import { rule as D074 } from '../../server/src/rules/dockerfile/D074-missing-healthcheck';
import { rule as D075 } from '../../server/src/rules/dockerfile/D075-pointless-tools';
import { applyFixFewer as applyFix, baseline, checkDockerfile as check, dockerfileIds as ids, lines, range } from './kit';
import { runRule } from '../../server/src/engine/engine';

describe('CG-D040 EXPOSE 22', () => {
  it('flags 22, 22/tcp, 22/udp and an ARG that resolves to 22, on the port', () => {
    const text = lines('FROM alpine:3.20', 'ARG SSH_PORT=22', 'EXPOSE 80 22/tcp \\', '  $SSH_PORT 443', 'EXPOSE 22/UDP', 'EXPOSE 2222 220 8022');
    const findings = check(D040, text);
    assert.deepEqual(findings.map((f) => f.range), [range(2, 10, 2, 16), range(3, 2, 3, 11), range(4, 7, 4, 13)]);
    assert.match(findings[0].message, /^EXPOSE 22\/tcp declares the SSH port/);
    assert.match(findings[1].message, /^EXPOSE \$SSH_PORT \(= 22\)/);
    assert.deepEqual(findings[1].related?.map((r) => r.range), [range(1, 13, 1, 15)]);
  });

  it('removes the port from the list, or the whole EXPOSE, and keeps continuations', () => {
    const text = lines('FROM alpine:3.20', 'ARG SSH_PORT=22', 'EXPOSE 80 22/tcp \\', '  $SSH_PORT 443', 'EXPOSE 22', 'CMD ["sshd"]');
    const findings = check(D040, text);
    assert.equal(findings[0].fixes[0].isPreferred, false);
    assert.equal(applyFix(D040, text, findings[0]), lines('FROM alpine:3.20', 'ARG SSH_PORT=22', 'EXPOSE 80 $SSH_PORT 443', 'EXPOSE 22', 'CMD ["sshd"]'));
    assert.equal(applyFix(D040, text, findings[1]), lines('FROM alpine:3.20', 'ARG SSH_PORT=22', 'EXPOSE 80 22/tcp \\', '  443', 'EXPOSE 22', 'CMD ["sshd"]'));
    const fixed = applyFix(D040, text, findings[2]);
    assert.equal(fixed, lines('FROM alpine:3.20', 'ARG SSH_PORT=22', 'EXPOSE 80 22/tcp \\', '  $SSH_PORT 443', 'CMD ["sshd"]'));
    const last = 'FROM alpine:3.20\r\nEXPOSE 8080 22';
    assert.equal(applyFix(D040, last, check(D040, last)[0]), 'FROM alpine:3.20\r\nEXPOSE 8080');
  });

  it('follows the shipped chain only', () => {
    const text = lines('FROM alpine:3.20 AS debug', 'EXPOSE 22', 'FROM alpine:3.20 AS base', 'EXPOSE 22', 'FROM base');
    assert.deepEqual(check(D040, text).map((f) => f.range.start.line), [3]);
    assert.deepEqual(check(D040, text, { profile: 'baseline', buildTarget: 'debug' }).map((f) => f.range.start.line), [1]);
    assert.deepEqual(check(D040, lines('FROM alpine:3.20', 'ARG P', 'EXPOSE $P')), [], 'unresolved ports are not guessed');
  });

  it('is suppressed by Checkov and KICS pragmas', () => {
    const text = lines('FROM alpine:3.20', 'EXPOSE 22');
    assert.ok(ids(text).includes('CG-D040'));
    assert.ok(!ids('#checkov:skip=CKV_DOCKER_1:bastion image\n' + text).includes('CG-D040'));
    assert.ok(!ids(lines('FROM alpine:3.20', '# kics-scan ignore-line', 'EXPOSE 22')).includes('CG-D040'));
  });
});

describe('CG-D041 VOLUME docker.sock', () => {
  it('flags both socket paths in plain and JSON form, on the path', () => {
    const text = lines('FROM alpine:3.20', 'VOLUME ["/data", "/var/run/docker.sock"]', 'VOLUME /run//docker.sock/', 'VOLUME /a /var/run/docker.sock /b', 'VOLUME /var/run/docker.sock.d /run/docker');
    const findings = check(D041, text);
    assert.deepEqual(findings.map((f) => f.range), [range(1, 17, 1, 39), range(2, 7, 2, 25), range(3, 10, 3, 30)]);
    assert.match(findings[0].message, /^VOLUME \/var\/run\/docker\.sock asks for the Docker daemon socket/);
  });

  it('deletes the path (preferred), or the whole VOLUME', () => {
    const text = lines('FROM alpine:3.20', 'VOLUME ["/data", "/var/run/docker.sock"]', 'VOLUME /var/run/docker.sock', 'VOLUME /a /var/run/docker.sock /b');
    const findings = check(D041, text);
    assert.ok(findings.every((f) => f.fixes[0].isPreferred));
    assert.equal(applyFix(D041, text, findings[0]), lines('FROM alpine:3.20', 'VOLUME ["/data"]', 'VOLUME /var/run/docker.sock', 'VOLUME /a /var/run/docker.sock /b'));
    assert.equal(applyFix(D041, text, findings[1]), lines('FROM alpine:3.20', 'VOLUME ["/data", "/var/run/docker.sock"]', 'VOLUME /a /var/run/docker.sock /b'));
    assert.equal(applyFix(D041, text, findings[2]), lines('FROM alpine:3.20', 'VOLUME ["/data", "/var/run/docker.sock"]', 'VOLUME /var/run/docker.sock', 'VOLUME /a /b'));
    const json = lines('FROM alpine:3.20', 'VOLUME ["/run/docker.sock", "/data"]');
    assert.equal(applyFix(D041, json, check(D041, json)[0]), lines('FROM alpine:3.20', 'VOLUME ["/data"]'));
  });

  it('resolves variables, and ignores stages that do not ship', () => {
    assert.equal(check(D041, lines('FROM alpine:3.20', 'ENV SOCK=/var/run/docker.sock', 'VOLUME $SOCK')).length, 1);
    assert.deepEqual(check(D041, lines('FROM alpine:3.20 AS tools', 'VOLUME /var/run/docker.sock', 'FROM alpine:3.20')), []);
  });
});

describe('CG-D023 non-numeric USER', () => {
  it('flags a named user and uses the uid:gid the file creates (preferred)', () => {
    const text = lines(
      'FROM debian:12',
      'RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --no-create-home app',
      'USER app',
      'CMD ["app"]',
    );
    const [finding] = check(D023, text);
    assert.deepEqual(finding.range, range(2, 5, 2, 8));
    assert.match(finding.message, /uid 10001/);
    assert.equal(finding.fixes[0].isPreferred, true);
    const fixed = applyFix(D023, text, finding);
    assert.equal(fixed, lines('FROM debian:12', 'RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --no-create-home app', 'USER 10001:10001', 'CMD ["app"]'));
    assert.deepEqual(check(D023, fixed), []);
  });

  it('reads the Alpine tools and a written group', () => {
    const text = lines('FROM alpine:3.20', 'RUN addgroup -S -g 1000 web && adduser -S -D -H -u 1000 -G web web', 'USER web:web');
    const [finding] = check(D023, text);
    assert.equal(applyFix(D023, text, finding), lines('FROM alpine:3.20', 'RUN addgroup -S -g 1000 web && adduser -S -D -H -u 1000 -G web web', 'USER 1000:1000'));
  });

  it('offers USER <uid> (not preferred) when the gid is unknown, and nothing for users it does not create', () => {
    const text = lines('FROM debian:12', 'RUN useradd -u 2000 svc', 'USER svc');
    const [finding] = check(D023, text);
    assert.equal(finding.fixes[0].isPreferred, false);
    assert.equal(applyFix(D023, text, finding), lines('FROM debian:12', 'RUN useradd -u 2000 svc', 'USER 2000'));
    const [nobody] = check(D023, lines('FROM alpine:3.20', 'USER nobody'));
    assert.deepEqual(nobody.range, range(1, 5, 1, 11));
    assert.deepEqual(nobody.fixes, []);
  });

  it('leaves numeric, root, variable and Windows users alone, and looks only at the shipped stage', () => {
    for (const user of ['1000', '1000:1000', 'root', '0', '$APP_UID', '${UID}:${GID}']) {
      assert.deepEqual(check(D023, lines('FROM alpine:3.20', `USER ${user}`)), [], user);
    }
    assert.deepEqual(check(D023, lines('FROM mcr.microsoft.com/windows/nanoserver:ltsc2022', 'USER ContainerUser')), []);
    assert.deepEqual(check(D023, lines('FROM golang:1.22 AS build', 'USER builder', 'FROM alpine:3.20', 'USER 1000')), []);
  });

  it('is suppressed by hadolint DL3066', () => {
    assert.ok(ids(lines('FROM alpine:3.20', 'USER nobody')).includes('CG-D023'));
    assert.ok(!ids(lines('FROM alpine:3.20', '# hadolint ignore=DL3066', 'USER nobody')).includes('CG-D023'));
  });
});

describe('CG-D024 --chown of application code', () => {
  it('flags a non-root --chown on the flag and removes it (not preferred)', () => {
    const text = lines('FROM node:22', 'WORKDIR /home/node/app', 'COPY --chown=node:node   package.json ./', 'USER node');
    const [finding] = check(D024, text);
    assert.deepEqual(finding.range, range(2, 5, 2, 22));
    assert.match(finding.message, /makes node the owner/);
    assert.equal(finding.fixes[0].isPreferred, false);
    const fixed = applyFix(D024, text, finding);
    assert.equal(fixed, lines('FROM node:22', 'WORKDIR /home/node/app', 'COPY package.json ./', 'USER node'));
    assert.deepEqual(check(D024, fixed), []);
  });

  it('leaves root owners, data and cache destinations and builder stages alone', () => {
    const text = lines(
      'FROM golang:1.22 AS build',
      'COPY --chown=1000 . /src',
      'FROM alpine:3.20',
      'COPY --chown=root:root app /app',
      'COPY --chown=0:1000 app /app',
      'COPY --chown=app seed/ /var/lib/app/',
      'COPY --chown=app cfg /srv/app/data/',
      'ADD --chown=app:app cache.tar /tmp/cache',
      'ARG OWNER',
      'COPY --chown=$OWNER app /app',
    );
    assert.deepEqual(check(D024, text), []);
    assert.ok(isWritableDestination('/app/uploads/'));
    assert.ok(!isWritableDestination('/var/www/html'));
  });

  it('resolves the owner and reads ADD and JSON form', () => {
    const text = lines('FROM alpine:3.20', 'ARG OWNER=app', 'ADD --chown=${OWNER} ["src", "/app/"]');
    assert.equal(check(D024, text).length, 1);
  });

  it('is suppressed by its KICS id', () => {
    const text = lines('FROM alpine:3.20', 'COPY --chown=app . /app');
    assert.ok(ids(text).includes('CG-D024'));
    assert.ok(!ids('# kics-scan disable=aa93e17f-b6db-4162-9334-c70334e7ac28\n' + text).includes('CG-D024'));
  });
});

describe('CG-D026 setuid/setgid', () => {
  it('knows the modes', () => {
    for (const mode of ['+s', 'u+s', 'g+s', 'a+rs', 'ug=rxs', 'u=rwx,g+s', '4755', '2755', '6755', '04755', '7755']) assert.ok(grantsSetId(mode), mode);
    for (const mode of ['o+s', 'u-s', 'a-s', '755', '0755', '1777', '01777', '+x', 'u+rwx', 'abc']) assert.ok(!grantsSetId(mode), mode);
  });

  it('flags each chmod on its mode and inserts the strip RUN before the last USER', () => {
    const text = lines('FROM debian:12', 'RUN chmod u+s /usr/bin/ping && chmod -R 4755 /x && chmod 0755 /y && chmod o+s /z', 'USER 10001', 'CMD ["x"]');
    const findings = check(D026, text);
    assert.deepEqual(findings.map((f) => f.range), [range(1, 10, 1, 13), range(1, 40, 1, 44)]);
    assert.match(findings[0].message, /^chmod u\+s sets the setuid\/setgid bit/);
    assert.equal(findings[0].fixes[0].isPreferred, false);
    const fixed = applyEdits(text, findings[0].fixes[0].edits);
    assert.equal(
      fixed,
      lines('FROM debian:12', 'RUN chmod u+s /usr/bin/ping && chmod -R 4755 /x && chmod 0755 /y && chmod o+s /z', 'RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} + || true', 'USER 10001', 'CMD ["x"]'),
    );
    assert.deepEqual(check(D026, fixed), [], 'the strip RUN neutralises every earlier chmod');
  });

  it('appends the strip RUN after the last RUN when there is no USER, and offers none when it cannot run', () => {
    const text = lines('FROM alpine:3.20', 'RUN chmod +s /bin/tool', 'CMD ["tool"]');
    const fixed = applyFix(D026, text, check(D026, text)[0]);
    assert.equal(fixed, lines('FROM alpine:3.20', 'RUN chmod +s /bin/tool', 'RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} + || true', 'CMD ["tool"]'));
    assert.deepEqual(check(D026, lines('FROM alpine:3.20', 'USER 1000', 'RUN chmod u+s /x'))[0].fixes, [], 'the chmod runs after USER');
    assert.deepEqual(check(D026, lines('FROM alpine:3.20 AS base', 'RUN chmod u+s /x', 'USER 1000', 'FROM base'))[0].fixes, [], 'inherited non-root user');
  });

  it('follows the shipped chain, and a later chmod after the strip is flagged again', () => {
    assert.deepEqual(check(D026, lines('FROM alpine:3.20 AS build', 'RUN chmod u+s /x', 'FROM alpine:3.20')), []);
    const text = lines('FROM alpine:3.20', 'RUN chmod u+s /x', 'RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} + || true', 'RUN chmod g+s /y');
    assert.deepEqual(check(D026, text).map((f) => f.range.start.line), [3]);
  });

  it('is suppressed by its Dockle id', () => {
    const text = lines('FROM alpine:3.20', 'RUN chmod u+s /x');
    assert.ok(ids(text).includes('CG-D026'));
    assert.ok(!ids(lines('FROM alpine:3.20', '# hadolint ignore=CIS-DI-0008', 'RUN chmod u+s /x')).includes('CG-D026'));
  });
});

describe('CG-D050 WORKDIR / VOLUME on system directories', () => {
  it('flags WORKDIR at or under the boot and kernel directories, resolving relative ones', () => {
    const text = lines('FROM alpine:3.20', 'WORKDIR /proc/self', 'WORKDIR /device-plugin', 'WORKDIR /', 'WORKDIR boot', 'WORKDIR /bootstrap', 'ENV D=/dev', 'WORKDIR ${D}/shm', 'WORKDIR /lost+found');
    const findings = check(D050, text);
    assert.deepEqual(findings.map((f) => f.range), [range(1, 8, 1, 18), range(4, 8, 4, 12), range(7, 8, 7, 16), range(8, 8, 8, 19)]);
    assert.match(findings[1].message, /^WORKDIR \/boot is inside \/boot/);
    assert.ok(findings.every((f) => f.fixes.length === 0));
  });

  it('flags VOLUME of /, /sys, /dev, /proc and below, by segment', () => {
    const text = lines('FROM alpine:3.20', 'ARG CG=/sys/fs/cgroup', 'VOLUME / $CG', 'VOLUME ["/dev/shm", "/data"]', 'VOLUME /proc2 /system /devices /tmp');
    const findings = check(D050, text);
    assert.deepEqual(findings.map((f) => f.range), [range(2, 7, 2, 8), range(2, 9, 2, 12), range(3, 8, 3, 18)]);
    assert.match(findings[0].message, /^VOLUME \/ makes the whole filesystem a volume/);
  });

  it('does not guess a relative WORKDIR on an unknown base directory, and ignores other stages', () => {
    assert.deepEqual(check(D050, lines('FROM alpine:3.20', 'WORKDIR proc')), []);
    assert.deepEqual(check(D050, lines('FROM alpine:3.20 AS x', 'WORKDIR /proc', 'FROM alpine:3.20')), []);
  });

  it('is suppressed by Trivy DS-0030 via a hadolint-style pragma', () => {
    assert.ok(ids(lines('FROM alpine:3.20', 'WORKDIR /proc')).includes('CG-D050'));
    assert.ok(!ids(lines('FROM alpine:3.20', '# hadolint ignore=DS-0030', 'WORKDIR /proc')).includes('CG-D050'));
  });
});

describe('CG-D051 COPY --from root to root', () => {
  it('flags / and . copied to / in the shipped chain, on the source', () => {
    const text = lines('FROM alpine:3.20 AS b', 'FROM scratch', 'COPY --from=b / /', 'COPY --from=b /app /', 'COPY --from=alpine:3.20 . /', 'COPY --from=b / /rootfs/', 'COPY / /');
    const findings = check(D051, text);
    assert.deepEqual(findings.map((f) => f.range), [range(2, 14, 2, 15), range(4, 24, 4, 25)]);
    assert.match(findings[0].message, /^COPY --from=b \/ \/ copies the whole filesystem of 'b'/);
    assert.deepEqual(findings[0].fixes, []);
  });

  it('ignores builder stages and is suppressed by DL3067', () => {
    assert.deepEqual(check(D051, lines('FROM alpine:3.20 AS a', 'FROM alpine:3.20 AS b', 'COPY --from=a / /', 'FROM alpine:3.20')), []);
    assert.ok(ids(lines('FROM alpine:3.20 AS a', 'FROM scratch', 'COPY --from=a / /')).includes('CG-D051'));
    assert.ok(!ids(lines('FROM alpine:3.20 AS a', 'FROM scratch', '# hadolint ignore=DL3067', 'COPY --from=a / /')).includes('CG-D051'));
  });
});

describe('CG-D074 missing HEALTHCHECK', () => {
  it('flags a service image (EXPOSE) without HEALTHCHECK and inserts a placeholder before CMD', () => {
    const text = lines('FROM nginx:1.27', 'EXPOSE 80', 'CMD ["nginx", "-g", "daemon off;"]');
    const [finding] = check(D074, text);
    assert.deepEqual(finding.range, range(0, 5, 0, 15));
    assert.match(finding.message, /EXPOSEs 80 .*no HEALTHCHECK/);
    assert.equal(finding.fixes[0].isPreferred, false);
    const fixed = applyFix(D074, text, finding);
    assert.equal(
      fixed,
      lines('FROM nginx:1.27', 'EXPOSE 80', 'HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD ["<replace-with-probe-command>"]', 'CMD ["nginx", "-g", "daemon off;"]'),
    );
    assert.deepEqual(check(D074, fixed), []);
  });

  it('appends at the end without CMD, and is silent for non-service images and inherited checks', () => {
    const text = 'FROM alpine:3.20\nEXPOSE 8080';
    assert.equal(applyFix(D074, text, check(D074, text)[0]), 'FROM alpine:3.20\nEXPOSE 8080\nHEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD ["<replace-with-probe-command>"]');
    assert.deepEqual(check(D074, lines('FROM alpine:3.20', 'ENTRYPOINT ["tool"]')), [], 'no EXPOSE: not a service');
    assert.deepEqual(check(D074, lines('FROM alpine:3.20 AS base', 'HEALTHCHECK CMD ["/probe"]', 'FROM base', 'EXPOSE 80')), []);
    assert.deepEqual(check(D074, lines('FROM alpine:3.20 AS svc', 'EXPOSE 80', 'FROM alpine:3.20')), [], 'only the shipped chain counts');
  });

  it('flags HEALTHCHECK NONE on NONE and replaces it', () => {
    const text = lines('FROM nginx:1.27', 'HEALTHCHECK NONE');
    const [finding] = check(D074, text);
    assert.deepEqual(finding.range, range(1, 12, 1, 16));
    assert.equal(applyFix(D074, text, finding), lines('FROM nginx:1.27', 'HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD ["<replace-with-probe-command>"]'));
  });

  it('is suppressed by Checkov CKV_DOCKER_2 and our file-wide comment', () => {
    const text = lines('FROM nginx:1.27', 'EXPOSE 80');
    assert.ok(ids(text).includes('CG-D074'));
    assert.ok(!ids('#checkov:skip=CKV_DOCKER_2\n' + text).includes('CG-D074'));
    assert.ok(!ids('# container-guard global ignore=CG-D074\n' + text).includes('CG-D074'));
  });
});

describe('CG-D022 sudo', () => {
  it('flags sudo at the start of any segment and in exec form, on the word', () => {
    const text = lines('FROM debian:12', 'RUN sudo -E apt-get update && sudo -u app make install', 'RUN echo hi | sudo tee /x; sh -c "sudo ls"', 'RUN ["sudo", "-H", "apt-get", "install", "-y", "x"]', 'RUN echo sudo && apt-get install -y sudo');
    const findings = check(D022, text);
    assert.deepEqual(findings.map((f) => f.range), [range(1, 4, 1, 8), range(1, 30, 1, 34), range(2, 14, 2, 18), range(2, 34, 2, 38), range(3, 5, 3, 11)]);
    assert.match(findings[0].message, /^sudo in a build step/);
  });

  it('deletes sudo and its options when the step runs as root (preferred unless -u picks another user)', () => {
    const text = lines('FROM debian:12', 'RUN sudo -E apt-get update && sudo -u app make install', 'RUN ["sudo", "-H", "apt-get", "install", "-y", "x"]', 'RUN sh -c "sudo ls"');
    const findings = check(D022, text);
    assert.equal(findings[0].fixes[0].isPreferred, true);
    assert.equal(applyFix(D022, text, findings[0]), lines('FROM debian:12', 'RUN apt-get update && sudo -u app make install', 'RUN ["sudo", "-H", "apt-get", "install", "-y", "x"]', 'RUN sh -c "sudo ls"'));
    assert.equal(findings[1].fixes[0].isPreferred, false);
    assert.equal(applyFix(D022, text, findings[1]), lines('FROM debian:12', 'RUN sudo -E apt-get update && make install', 'RUN ["sudo", "-H", "apt-get", "install", "-y", "x"]', 'RUN sh -c "sudo ls"'));
    assert.equal(applyFix(D022, text, findings[2]), lines('FROM debian:12', 'RUN sudo -E apt-get update && sudo -u app make install', 'RUN ["apt-get", "install", "-y", "x"]', 'RUN sh -c "sudo ls"'));
    assert.equal(applyFix(D022, text, findings[3]), lines('FROM debian:12', 'RUN sudo -E apt-get update && sudo -u app make install', 'RUN ["sudo", "-H", "apt-get", "install", "-y", "x"]', 'RUN sh -c "ls"'));
  });

  it('wraps the step in USER root … USER <previous> under a non-root USER', () => {
    const text = 'FROM node:22\nUSER node\nRUN sudo npm i -g x && sudo chown a b\nCMD ["node"]';
    const findings = check(D022, text);
    assert.equal(findings.length, 2);
    assert.equal(findings[0].fixes[0].isPreferred, false);
    const fixed = applyEdits(text, findings[0].fixes[0].edits);
    assert.equal(fixed, 'FROM node:22\nUSER node\nUSER root\nRUN npm i -g x && chown a b\nUSER node\nCMD ["node"]');
    assert.deepEqual(check(D022, fixed), [], 'one fix removes every sudo of the step');
    const atEnd = 'FROM node:22\nUSER node\nRUN sudo ls';
    assert.equal(applyEdits(atEnd, check(D022, atEnd)[0].fixes[0].edits), 'FROM node:22\nUSER node\nUSER root\nRUN ls\nUSER node');
    assert.deepEqual(check(D022, lines('FROM alpine:3.20', 'ARG U', 'USER $U', 'RUN sudo ls'))[0].fixes, [], 'unknown user: no fix');
  });

  it('is suppressed by hadolint DL3004 and Checkov CKV2_DOCKER_1', () => {
    const text = lines('FROM debian:12', 'RUN sudo apt-get update');
    assert.ok(ids(text).includes('CG-D022'));
    assert.ok(!ids(lines('FROM debian:12', '# hadolint ignore=DL3004', 'RUN sudo apt-get update')).includes('CG-D022'));
    assert.ok(!ids('#checkov:skip=CKV2_DOCKER_1\n' + text).includes('CG-D022'));
  });
});

describe('CG-D025 passwords set in the image', () => {
  it('flags chpasswd, passwd --stdin, piped passwd, passwd -d and useradd/usermod -p', () => {
    const text = lines(
      'FROM debian:12',
      'RUN echo "root:pw" | chpasswd && echo pw | passwd --stdin app && passwd -d guest && passwd -l root',
      'RUN useradd -p "$6$abc" bob && useradd -p ! carol && usermod --password=xyz dave && useradd --password \'*\' eve',
      'RUN echo secret | passwd',
    );
    const findings = check(D025, text);
    assert.deepEqual(findings.map((f) => f.range), [range(1, 21, 1, 29), range(1, 43, 1, 49), range(1, 72, 1, 74), range(2, 15, 2, 23), range(2, 61, 2, 75), range(3, 18, 3, 24)]);
    assert.match(findings[2].message, /^passwd -d leaves the account with an empty password/);
    assert.match(findings[3].message, /^useradd -p sets a password hash/);
    assert.ok(findings.every((f) => f.fixes.length === 0));
  });

  it('ignores builder stages and locked accounts', () => {
    assert.deepEqual(check(D025, lines('FROM debian:12 AS build', 'RUN echo "root:pw" | chpasswd', 'FROM debian:12', 'RUN passwd -l root && useradd -p !! x')), []);
  });

  it('is suppressed by Checkov CKV2_DOCKER_17', () => {
    const text = lines('FROM debian:12', 'RUN echo "root:pw" | chpasswd');
    assert.ok(ids(text).includes('CG-D025'));
    assert.ok(!ids('#checkov:skip=CKV2_DOCKER_17\n' + text).includes('CG-D025'));
  });
});

describe('CG-D075 pointless tools', () => {
  it('flags the tools as commands, not as install arguments', () => {
    const text = lines('FROM debian:12', 'RUN apt-get install -y vim ssh && service nginx start && ps aux | grep x', 'RUN /usr/sbin/sshd -D', 'RUN echo top && which kill');
    const findings = check(D075, text);
    assert.deepEqual(findings.map((f) => f.range), [range(1, 34, 1, 41), range(1, 57, 1, 59), range(2, 4, 2, 18)]);
    assert.equal(findings[0].message, 'RUN calls service: services started in a build step do not survive into the running container.');
    assert.ok(findings.every((f) => f.fixes.length === 0));
  });

  it('is suppressed by hadolint DL3001', () => {
    assert.ok(ids(lines('FROM debian:12', 'RUN service x start')).includes('CG-D075'));
    assert.ok(!ids(lines('FROM debian:12', '# hadolint ignore=DL3001', 'RUN service x start')).includes('CG-D075'));
  });
});

describe('robustness of the runtime and secret rules', () => {
  const mine = [D022, D023, D024, D025, D026, D040, D041, D050, D051, D074, D075];
  it('never throw on broken or half-typed input', () => {
    const inputs = [
      '', ' - $G\nFROM x', 'FROM a\rRUN <<EOF\rhi\rEOF\r', 'FROM\nUSER\nEXPOSE\nVOLUME\nWORKDIR\nHEALTHCHECK\nCOPY --chown=\nRUN sudo\n',
      'FROM a\nVOLUME ["/x", \nEXPOSE ${\nWORKDIR $\nCOPY --from= / /\nRUN chmod\nRUN passwd -p\n', '\u0000\u00ff\n', 'FROM $X AS\nUSER $\nONBUILD RUN sudo ls\n',
    ];
    for (const text of inputs) for (const rule of mine) runRule(rule, parseDockerfile(text), baseline);
  });

  it('report nothing on a hardened multi-stage Dockerfile', () => {
    const text = lines(
      '# syntax=docker/dockerfile:1',
      'FROM golang:1.22 AS build',
      'WORKDIR /src',
      'RUN --mount=type=secret,id=netrc,target=/root/.netrc go build -o /out/app ./cmd/app',
      'FROM gcr.io/distroless/static-debian12:nonroot',
      'COPY --from=build /out/app /app',
      'EXPOSE 8080',
      'HEALTHCHECK --interval=30s CMD ["/app", "health"]',
      'USER 65532:65532',
      'ENTRYPOINT ["/app"]',
    );
    const ours = new Set(mine.map((r) => r.meta.id).concat(['CG-D030', 'CG-D031', 'CG-D032', 'CG-D033', 'CG-D034']));
    assert.deepEqual(ids(text).filter((id) => ours.has(id)), []);
  });
});
