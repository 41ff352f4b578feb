// Compose port, network and shared-volume rules: C042 (privileged ports), C044 (no network, off by default),
// C045 (host port published twice) and C053 (volume shared read-write), project rules within one file.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/engine/engine';
import { normalizeSettings } from '../../server/src/engine/settings';
import { rule as C042 } from '../../server/src/rules/compose/C042-privileged-ports';
import { rule as C044 } from '../../server/src/rules/compose/C044-no-networks';
import { rule as C045 } from '../../server/src/rules/compose/C045-duplicate-host-port';
import { rule as C053 } from '../../server/src/rules/compose/C053-shared-volume';
import { checkCompose as check, fixCompose as fix, lines, range as r } from './kit';

const ids = (text: string, rules?: Record<string, string>) =>
  analyze(text, { kind: 'compose', settings: normalizeSettings(rules ? { rules } : null) }).findings.map((f) => f.ruleId);

describe('metadata', () => {
  it('carries the catalogue severities and anchors', () => {
    assert.deepEqual(
      [C042, C044, C045, C053].map((rule) => [rule.meta.id, rule.meta.kind, rule.meta.severity, rule.meta.fixable, rule.meta.equivalents]),
      [
        ['CG-C042', 'compose', 'info', false, ['KICS bc2908f3-f73c-40a9-8793-c1b7d5544f79', 'CIS 5.8']],
        ['CG-C044', 'compose', 'off', true, ['KICS ce14a68b-1668-41a0-ab7d-facd9f784742', 'CIS 5.30']],
        ['CG-C045', 'compose', 'warning', false, ['dclint no-duplicate-exported-ports']],
        ['CG-C053', 'compose', 'info', true, ['KICS 8c978947-0ff6-485c-b0c2-0bfca6026466']],
      ],
    );
  });
});

describe('CG-C042 privileged ports', () => {
  it('Info for a host port below 1024, Hint for a container port below 1024 without cap_drop ALL', () => {
    const text = lines(
      'services:', // 0
      '  web:', // 1
      '    ports:', // 2
      '      - "127.0.0.1:80:8080"', // 3 host 80: Info
      '      - "127.0.0.1:8080:80"', // 4 container 80: Hint
      '      - "127.0.0.1:1000-1030:9000-9030"', // 5 host range starting below 1024: Info
      '      - "127.0.0.1::443"', // 6 random host port, container 443: Hint
      '      - "127.0.0.1:8443:8443"', // 7
      '      - "127.0.0.1:53:53/udp"', // 8 host 53: Info
      '      - "${IP}:8080:80"', // 9 unknown host IP (not C041's): container 80: Hint
      '      - target: 22', // 10 long form without published: Hint on target
      '        host_ip: 127.0.0.1', // 11
      '      - target: 8080', // 12
      '        published: 81', // 13 Info on published
      '        host_ip: "::1"', // 14
      '      - "80:80"', // 15 on all interfaces: CG-C041's entry, not C042's (§6.2)
    );
    const findings = check(C042, text);
    assert.deepEqual(
      findings.map((f) => [f.range, f.severity]),
      [
        [r(3, 8, 3, 27), undefined],
        [r(4, 8, 4, 27), 'hint'],
        [r(5, 8, 5, 39), undefined],
        [r(6, 8, 6, 24), 'hint'],
        [r(8, 8, 8, 29), undefined],
        [r(9, 8, 9, 23), 'hint'],
        [r(10, 16, 10, 18), 'hint'],
        [r(13, 19, 13, 21), undefined],
      ],
    );
    assert.match(findings[0].message, /^Port "127\.0\.0\.1:80:8080" of service "web" publishes host port 80, a privileged port/);
    assert.match(findings[1].message, /maps to container port 80, below 1024, and the service keeps NET_BIND_SERVICE/);
    assert.ok(findings.every((f) => f.fixes.length === 0));
  });

  it('is silent for container ports when cap_drop has ALL or NET_BIND_SERVICE, even with cap_add back', () => {
    for (const drop of ['[ALL]', '[cap_net_bind_service]', '[all]']) {
      const text = lines('services:', '  web:', `    cap_drop: ${drop}`, '    cap_add: [NET_BIND_SERVICE]', '    ports: ["127.0.0.1:8080:80", "127.0.0.1:81:8081"]');
      assert.deepEqual(check(C042, text).map((f) => f.severity), [undefined], drop);
    }
  });

  it('reports an anchored port list once with each receiving service', () => {
    const text = lines('x-p: &p ["127.0.0.1:80:80"]', 'services:', '  a:', '    ports: *p', '  b:', '    ports: *p');
    const [finding, ...rest] = check(C042, text);
    assert.equal(rest.length, 0);
    assert.deepEqual(finding.range, r(0, 9, 0, 26));
    assert.equal(finding.related!.length, 2);
  });

  it('is suppressed by the KICS pragma', () => {
    const text = lines('services:', '  web:', '    ports:', '      # kics-scan disable=bc2908f3-f73c-40a9-8793-c1b7d5544f79', '      - "127.0.0.1:80:80"');
    assert.ok(!ids(text).includes('CG-C042'));
    assert.ok(ids(text.replace(/ *# kics.*\n/, '')).includes('CG-C042'));
  });
});

describe('CG-C045 host port published twice', () => {
  it('reports every occurrence with related information to the others', () => {
    const text = lines(
      'services:', // 0
      '  web:', // 1
      '    ports: ["8080:80", "9000:9000/udp"]', // 2
      '  api:', // 3
      '    ports:', // 4
      '      - "0.0.0.0:8080:3000"', // 5 same as "8080:80" (no IP = 0.0.0.0)
      '      - "127.0.0.1:9000:9000"', // 6 other IP and protocol: no clash
      '      - target: 81', // 7
      '        published: "8079-8081"', // 8 a host range for one container port: any free port of it, no clash
      '  other:', // 9
      '    ports: ["8081:81/udp"]', // 10
    );
    const findings = check(C045, text);
    assert.deepEqual(findings.map((f) => f.range), [r(2, 12, 2, 21), r(5, 8, 5, 27)]);
    assert.equal(findings[0].ruleId, 'CG-C045');
    assert.match(findings[0].message, /^Port "8080:80" of service "web" publishes 0\.0\.0\.0:8080\/tcp, which "api" also publishes/);
    assert.deepEqual(findings[0].related, [{ range: r(5, 8, 5, 27), message: 'Service "api" publishes 0.0.0.0:8080/tcp here too.' }]);
    assert.ok(findings.every((f) => f.fixes.length === 0));
  });

  it('counts a shared anchor entry received by two services, and a service publishing twice', () => {
    const shared = lines('x-p: &p ["80:80"]', 'services:', '  a:', '    ports: *p', '  b:', '    ports: *p');
    const [finding, ...rest] = check(C045, shared);
    assert.equal(rest.length, 0);
    assert.deepEqual(finding.related!.map((x) => x.range), [r(5, 11, 5, 13)]);
    const twice = lines('services:', '  web:', '    ports: ["80:80", "80:8080"]');
    assert.equal(check(C045, twice).length, 2);
  });

  it('ignores services in disjoint profiles, unknown values and entries without a host port', () => {
    const text = lines('services:', '  a:', '    profiles: [dev]', '    ports: ["80:80"]', '  b:', '    profiles: [prod]', '    ports: ["80:80"]', '  c:', '    ports: ["${P}:80", "81", "82"]', '  d:', '    ports: ["${P}:80", "81", "82"]');
    assert.deepEqual(check(C045, text), []);
    assert.equal(check(C045, text.replace('[prod]', '[prod, dev]')).length, 2);
  });

  it('is suppressed by our file-wide pragma (dclint comments are not read)', () => {
    const text = lines('# container-guard global ignore=CG-C045', 'services:', '  a:', '    ports: ["80:80"]', '  b:', '    ports: ["80:80"]');
    assert.ok(!ids(text).includes('CG-C045'));
    assert.ok(ids(text.slice(text.indexOf('\n') + 1)).includes('CG-C045'));
  });
});

describe('CG-C053 volume shared read-write', () => {
  it('reports each read-write mount; the consumers get a non-preferred read-only fix', () => {
    const text = lines(
      'services:', // 0
      '  app:', // 1
      '    volumes:', // 2
      '      - data:/var/lib/app', // 3
      '      - ./src:/src', // 4
      '  worker:', // 5
      '    volumes:', // 6
      '      - "data:/data:z"', // 7
      '      - type: bind', // 8
      '        source: ./src/', // 9
      '        target: /src', // 10
      '  reader:', // 11
      '    volumes: ["data:/data:ro"]', // 12 read-only: not counted
      'volumes:', // 13
      '  data: {}', // 14
    );
    const findings = check(C053, text);
    assert.deepEqual(findings.map((f) => f.range), [r(3, 8, 3, 25), r(4, 8, 4, 18), r(7, 8, 7, 22), r(9, 16, 9, 22)]);
    assert.match(findings[0].message, /^Service "app" mounts volume "data" read-write, and so do "worker"/);
    assert.deepEqual(findings[0].related, [{ range: r(7, 8, 7, 22), message: 'Service "worker" mounts it read-write here.' }]);
    // The first service is the writer: no fix there.
    assert.deepEqual(findings[0].fixes, []);
    assert.equal(findings[2].fixes[0].title, 'Mount volume "data" read-only in service "worker"');
    assert.equal(findings[2].fixes[0].isPreferred, false);
    const out = fix(text, findings[2]);
    assert.equal(out, text.replace('"data:/data:z"', '"data:/data:z,ro"'));
    assert.deepEqual(check(C053, out).map((f) => f.range), [r(4, 8, 4, 18), r(9, 16, 9, 22)]);
    const long = fix(text, findings[3]);
    assert.equal(long, text.replace('        target: /src\n', '        target: /src\n        read_only: true\n'));
    assert.deepEqual(check(C053, long).map((f) => f.range), [r(3, 8, 3, 25), r(7, 8, 7, 22)]);
  });

  it('appends ":ro" to a plain item without options', () => {
    const text = lines('services:', '  a:', '    volumes: [cache:/c]', '  b:', '    volumes:', '      - cache:/c');
    const [, consumer] = check(C053, text);
    assert.equal(fix(text, consumer), text.replace('      - cache:/c', '      - cache:/c:ro'));
  });

  it('is silent for one service, read-only mounts, anonymous volumes, variables and the Docker socket', () => {
    const text = lines(
      'services:',
      '  a:',
      '    volumes: [data:/d, data:/e, /anon, "${DIR}:/x", /var/run/docker.sock:/var/run/docker.sock]',
      '  b:',
      '    volumes: ["data:/d:ro", /anon, "${DIR}:/x", /var/run/docker.sock:/var/run/docker.sock]',
      '  c:',
      '    volumes:',
      '      - {type: volume, source: data, target: /d, read_only: true}',
    );
    assert.deepEqual(check(C053, text), []);
  });

  it('is suppressed by the KICS pragma', () => {
    const text = lines('# kics-scan disable=8c978947-0ff6-485c-b0c2-0bfca6026466', 'services:', '  a:', '    volumes: [db:/d]', '  b:', '    volumes: [db:/d]');
    assert.ok(!ids(text).includes('CG-C053'));
    assert.ok(ids(text.slice(text.indexOf('\n') + 1)).includes('CG-C053'));
  });
});

describe('CG-C044 no network (off by default)', () => {
  it('is off unless switched on', () => {
    const text = lines('services:', '  web:', '    image: x');
    assert.ok(!ids(text).includes('CG-C044'));
    assert.equal(C044.meta.severity, 'off');
    const on = analyze(text, { kind: 'compose', settings: normalizeSettings({ rules: { 'CG-C044': 'hint' } }) });
    assert.equal(on.findings.find((f) => f.ruleId === 'CG-C044')!.severity, 'hint');
  });

  it('reports the service key and attaches it to a declared internal network (not preferred)', () => {
    const text = lines('# app', 'services:', '  web:', '    image: x', '  db:', '    network_mode: none', '  api:', '    networks: [back]');
    const findings = check(C044, text);
    assert.deepEqual(findings.map((f) => f.range), [r(2, 2, 2, 5)]);
    assert.match(findings[0].message, /^Service "web" sets neither "networks" nor "network_mode"/);
    assert.equal(findings[0].fixes[0].isPreferred, false);
    const out = fix(text, findings[0]);
    assert.equal(out, lines('networks:', '  internal: {}', '# app', 'services:', '  web:', '    image: x', '    networks:', '      - internal', '  db:', '    network_mode: none', '  api:', '    networks: [back]'));
    assert.deepEqual(check(C044, out), []);
  });

  it('adds the network to an existing top-level networks mapping once', () => {
    const text = lines('services:', '  a:', '    image: x', '  b:', '    image: y', 'networks:', '  back: {}');
    const findings = check(C044, text);
    assert.deepEqual(findings[0].fixes[0].edits[1], findings[1].fixes[0].edits[1]);
    const out = fix(text, findings[0]);
    assert.equal(out, lines('services:', '  a:', '    image: x', '    networks:', '      - internal', '  b:', '    image: y', 'networks:', '  internal: {}', '  back: {}'));
    const second = check(C044, out)[0];
    assert.equal(second.fixes[0].edits.length, 1);
    assert.deepEqual(check(C044, fix(out, second)), []);
  });

  it('is suppressed by the KICS pragma when switched on', () => {
    const text = lines('# kics-scan disable=ce14a68b-1668-41a0-ab7d-facd9f784742', 'services:', '  web:', '    image: x');
    assert.ok(!ids(text, { 'CG-C044': 'hint' }).includes('CG-C044'));
    assert.ok(ids(text.slice(text.indexOf('\n') + 1), { 'CG-C044': 'hint' }).includes('CG-C044'));
  });
});
