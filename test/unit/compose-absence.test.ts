// Absence rules ("hardening is missing or too weak") for Compose: C022, C050, C060–C065, and how their
// fixes combine with C020/C023 under fix-all.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCompose } from '../../server/src/engine/compose/model';
import { analyze } from '../../server/src/engine/engine';
import { combineFixes, fixAllEdits } from '../../server/src/engine/fix-all';
import { applyEdits } from '../../server/src/engine/text';
import { rule as C022 } from '../../server/src/rules/compose/C022-security-opt-missing';
import { rule as C050 } from '../../server/src/rules/compose/C050-read-only';
import { rule as C060 } from '../../server/src/rules/compose/C060-memory-limit';
import { rule as C061 } from '../../server/src/rules/compose/C061-cpu-limit';
import { rule as C062 } from '../../server/src/rules/compose/C062-pids-limit';
import { rule as C063 } from '../../server/src/rules/compose/C063-ulimits';
import { rule as C064 } from '../../server/src/rules/compose/C064-restart-policy';
import { rule as C065, PLACEHOLDER_TEST } from '../../server/src/rules/compose/C065-healthcheck';
import { checkCompose as check, composeIds as ids, fixComposeGone as fix, lines, range as r, unsummarized } from './kit';

describe('metadata', () => {
  it('carries the catalogue severities and anchors', () => {
    assert.deepEqual(
      [C022, C050, C060, C061, C062, C063, C064, C065].map((rule) => [rule.meta.id, rule.meta.kind, rule.meta.severity, rule.meta.fixable, rule.meta.equivalents]),
      [
        ['CG-C022', 'compose', 'off', true, ['KICS 610e266e-6c12-4bca-9925-1ed0cd29742b']],
        ['CG-C050', 'compose', 'warning', true, ['Semgrep yaml.docker-compose.security.writable-filesystem-service', 'CIS 5.13']],
        ['CG-C060', 'compose', 'warning', true, ['KICS bb9ac4f7-e13b-423d-a010-c74a1bfbe492', 'CIS 5.11']],
        ['CG-C061', 'compose', 'info', true, ['KICS 6b610c50-99fb-4ef0-a5f3-e312fd945bc3', 'CIS 5.12']],
        ['CG-C062', 'compose', 'warning', true, ['KICS 221e0658-cb2a-44e3-b08a-db96a341d6fa', 'CIS 5.29']],
        ['CG-C063', 'compose', 'hint', true, ['CIS 5.19']],
        ['CG-C064', 'compose', 'info', true, ['KICS 2fc99041-ddad-49d5-853f-e35e70a48391', 'CIS 5.15']],
        ['CG-C065', 'compose', 'info', true, ['KICS 698ed579-b239-4f8f-a388-baa4bcb13ef8', 'CIS 5.27']],
      ],
    );
  });
});

describe('CG-C050 read_only', () => {
  it('reports a missing read_only on the service key and inserts it with a tmpfs for /tmp', () => {
    const text = lines('services:', '  web:', '    image: nginx:1.27', '  db:', '    image: postgres:17', '    tmpfs: [/run]');
    const findings = check(C050, text);
    assert.deepEqual(findings.map((f) => f.range), [r(1, 2, 1, 5), r(3, 2, 3, 4)]);
    assert.equal(findings[0].ruleId, 'CG-C050');
    assert.match(findings[0].message, /^Service "web" has a writable root filesystem/);
    assert.equal(findings[0].fixes[0].title, 'Add "read_only: true" with a tmpfs for /tmp');
    assert.equal(findings[0].fixes[0].isPreferred, false, 'a read-only root can break a service: never in fix-all');
    const out = fix(C050, text, findings[0]);
    assert.equal(out, lines('services:', '  web:', '    image: nginx:1.27', '    read_only: true', '    tmpfs:', '      - /tmp', '  db:', '    image: postgres:17', '    tmpfs: [/run]'));
    // A service that already has tmpfs mounts gets only the flag.
    assert.equal(findings[1].fixes[0].title, 'Add "read_only: true"');
    const db = fix(C050, out, check(C050, out)[0]);
    assert.equal(db, lines('services:', '  web:', '    image: nginx:1.27', '    read_only: true', '    tmpfs:', '      - /tmp', '  db:', '    image: postgres:17', '    tmpfs: [/run]', '    read_only: true'));
    assert.deepEqual(check(C050, db), []);
  });

  it('accepts true in any spelling, from a merge key, and an unknown variable', () => {
    for (const value of ['true', 'True', '"true"', '${RO:-true}', '${RO}']) {
      assert.deepEqual(check(C050, lines('services:', '  web:', `    read_only: ${value}`)), [], value);
    }
    assert.deepEqual(check(C050, lines('x-h: &h', '  read_only: true', 'services:', '  web:', '    <<: *h', '    image: x')), []);
  });

  it('reports read_only: false on the value and sets it to true, keeping the quoting', () => {
    const text = lines('services:', '  web:', '    read_only: false', '  api:', '    read_only: "false"', '  job:', '    read_only: ${RO:-false}', '  bare:', '    read_only:');
    const findings = check(C050, text);
    assert.deepEqual(findings.map((f) => f.range), [r(2, 15, 2, 20), r(4, 15, 4, 22), r(6, 15, 6, 27), r(8, 4, 8, 13)]);
    assert.match(findings[0].message, /^"read_only: false" leaves the root filesystem of service "web" writable/);
    assert.equal(fix(C050, text, findings[0]), text.replace('read_only: false', 'read_only: true'));
    assert.equal(fix(C050, text, findings[1]), text.replace('"false"', '"true"'));
    // The user's variable is not overwritten.
    assert.deepEqual(findings[2].fixes, []);
    assert.match(findings[3].message, /^"read_only" without a value leaves/);
    assert.equal(fix(C050, text, findings[3]), text.replace('    read_only:\n', '    read_only: true\n'));
  });

  it('reports a false value in an anchor once, with each receiving service', () => {
    const text = lines('x-w: &w', '  read_only: false', 'services:', '  a:', '    <<: *w', '  b:', '    <<: *w', '  c:', '    <<: *w', '    read_only: true');
    const [finding, ...rest] = check(C050, text);
    assert.equal(rest.length, 0);
    assert.deepEqual(finding.range, r(1, 13, 1, 18));
    assert.deepEqual(finding.related!.map((x) => x.range), [r(4, 4, 4, 10), r(6, 4, 6, 10)]);
    assert.equal(finding.fixes[0].title, 'Set "read_only: true" in the anchor (affects 2 services)');
    assert.deepEqual(check(C050, fix(C050, text, finding)), []);
  });

  it('inserts next to a merge key and into a flow service', () => {
    const merged = lines('x-b: &b', '  image: x', 'services:', '  web:', '    <<: *b', '    ports:', '      - "80"');
    assert.equal(fix(C050, merged, check(C050, merged)[0]), lines('x-b: &b', '  image: x', 'services:', '  web:', '    <<: *b', '    read_only: true', '    tmpfs:', '      - /tmp', '    ports:', '      - "80"'));
    const flow = lines('services:', '  web: {image: x}');
    assert.equal(fix(C050, flow, check(C050, flow)[0]), lines('services:', '  web: {image: x, read_only: true, tmpfs: [/tmp]}'));
  });

  it('is suppressed by our pragma on the service', () => {
    const text = lines('services:', '  # container-guard ignore=CG-C050 -- writes to /var/lib', '  web:', '    image: x');
    assert.ok(!ids(text).includes('CG-C050'));
    assert.ok(ids(text.replace('ignore=CG-C050', 'ignore=CG-C060')).includes('CG-C050'));
  });
});

describe('CG-C060 / CG-C061 memory and CPU limits', () => {
  it('reports both on the service key; both offer the same edit, which a combined hardening applies once', () => {
    const text = lines('services:', '  web:', '    image: x');
    const [memory] = check(C060, text);
    const [cpu] = check(C061, text);
    assert.deepEqual(memory.range, r(1, 2, 1, 5));
    assert.deepEqual(cpu.range, r(1, 2, 1, 5));
    assert.match(memory.message, /^Service "web" has no memory limit/);
    assert.match(cpu.message, /^Service "web" has no CPU limit/);
    assert.deepEqual(memory.fixes, cpu.fixes);
    assert.equal(memory.fixes[0].title, 'Add memory: 512M, cpus: "1.0" under "deploy.resources.limits"');
    const out = fix(C060, text, memory);
    assert.equal(out, lines('services:', '  web:', '    image: x', '    deploy:', '      resources:', '        limits:', '          memory: 512M', '          cpus: "1.0"'));
    assert.deepEqual(check(C061, out), []);
    assert.equal(memory.fixes[0].isPreferred, false, 'a guessed limit can kill a service: never in fix-all');
    const both = analyze(text, { kind: 'compose', settings: unsummarized }).findings.filter((f) => f.ruleId === 'CG-C060' || f.ruleId === 'CG-C061');
    const fixed = applyEdits(text, combineFixes(both, false));
    assert.equal(fixed.match(/deploy:/g)!.length, 1);
  });

  it('accepts every version-agnostic spelling', () => {
    for (const key of ['mem_limit: 256m', 'deploy: {resources: {limits: {memory: 1G}}}']) {
      assert.deepEqual(check(C060, lines('services:', '  web:', `    ${key}`)), [], key);
    }
    for (const key of ['cpus: 0.5', 'cpu_quota: 50000', 'cpu_shares: 512', 'deploy: {resources: {limits: {cpus: "2"}}}']) {
      assert.deepEqual(check(C061, lines('services:', '  web:', `    ${key}`)), [], key);
    }
    // With or without a top-level version (KICS needs one; we do not).
    assert.equal(check(C060, lines('version: "3.8"', 'services:', '  web:', '    image: x')).length, 1);
    // A null value is no limit; reservations are not limits.
    assert.equal(check(C060, lines('services:', '  web:', '    mem_limit:', '    deploy: {resources: {reservations: {memory: 1G}}}')).length, 1);
  });

  it('inserts only what is missing, merging into the deploy mapping the service writes', () => {
    const text = lines('services:', '  web:', '    deploy:', '      replicas: 2', '    cpus: 1');
    const [finding] = check(C060, text);
    assert.deepEqual(check(C061, text), []);
    assert.equal(finding.fixes[0].title, 'Add memory: 512M under "deploy.resources.limits"');
    assert.equal(fix(C060, text, finding), lines('services:', '  web:', '    deploy:', '      resources:', '        limits:', '          memory: 512M', '      replicas: 2', '    cpus: 1'));
    const limits = lines('services:', '  web:', '    deploy:', '      resources:', '        limits:', '          # cpu only', '          cpus: "1"');
    assert.equal(
      fix(C060, limits, check(C060, limits)[0]),
      lines('services:', '  web:', '    deploy:', '      resources:', '        limits:', '          memory: 512M', '          # cpu only', '          cpus: "1"'),
    );
    const flow = lines('services:', '  web:', '    deploy: {resources: {reservations: {cpus: "0.5"}}}');
    assert.equal(fix(C061, flow, check(C061, flow)[0]), lines('services:', '  web:', '    deploy: {resources: {reservations: {cpus: "0.5"}, limits: {memory: 512M, cpus: "1.0"}}}'));
    const empty = lines('services:', '  web:', '    deploy:', '    image: x');
    assert.equal(fix(C060, empty, check(C060, empty)[0]), lines('services:', '  web:', '    deploy: {resources: {limits: {memory: 512M, cpus: "1.0"}}}', '    image: x'));
  });

  it('falls back to service-level keys when deploy comes from an anchor', () => {
    const text = lines('x-d: &d', '  deploy:', '    replicas: 2', 'services:', '  web:', '    <<: *d', '    image: x');
    const [finding] = check(C060, text);
    assert.equal(finding.fixes[0].title, 'Add mem_limit: 512M, cpus: "1.0"');
    const out = fix(C060, text, finding);
    assert.equal(out, lines('x-d: &d', '  deploy:', '    replicas: 2', 'services:', '  web:', '    <<: *d', '    mem_limit: 512M', '    cpus: "1.0"', '    image: x'));
    assert.deepEqual(check(C061, out), []);
  });

  it('is suppressed by the KICS pragma', () => {
    const text = lines('# kics-scan disable=bb9ac4f7-e13b-423d-a010-c74a1bfbe492', 'services:', '  web:', '    image: x');
    assert.ok(!ids(text).includes('CG-C060'));
    assert.ok(ids(text).includes('CG-C061'));
    assert.ok(!ids(text.replace('bb9ac4f7-e13b-423d-a010-c74a1bfbe492', '6b610c50-99fb-4ef0-a5f3-e312fd945bc3')).includes('CG-C061'));
  });
});

describe('CG-C062 PID limit', () => {
  it('reports a missing limit on the service key and inserts pids_limit: 256', () => {
    const text = lines('services:', '  web:', '    image: x', '    cap_drop:', '      - NET_RAW');
    const [finding] = check(C062, text);
    assert.deepEqual(finding.range, r(1, 2, 1, 5));
    assert.equal(finding.fixes[0].title, 'Add "pids_limit: 256"');
    // After the last scalar-valued key: the line after the cap_drop list is where C020 appends "- ALL".
    assert.equal(fix(C062, text, finding), lines('services:', '  web:', '    image: x', '    pids_limit: 256', '    cap_drop:', '      - NET_RAW'));
  });

  it('accepts pids_limit or deploy.resources.limits.pids, and unknown variables', () => {
    for (const key of ['pids_limit: 100', 'pids_limit: "${PIDS}"', 'deploy: {resources: {limits: {pids: 50}}}']) {
      assert.deepEqual(check(C062, lines('services:', '  web:', `    ${key}`)), [], key);
    }
  });

  it('reports -1 and 0 on the value and replaces them', () => {
    const text = lines('services:', '  web:', '    pids_limit: -1', '  api:', '    deploy:', '      resources:', '        limits:', '          pids: "0"', '  job:', '    pids_limit: ${P:-0}');
    const findings = check(C062, text);
    assert.deepEqual(findings.map((f) => f.range), [r(2, 16, 2, 18), r(7, 16, 7, 19), r(9, 16, 9, 23)]);
    assert.match(findings[0].message, /^"pids_limit: -1" leaves the number of processes of service "web" unlimited/);
    assert.equal(fix(C062, text, findings[0]), text.replace('pids_limit: -1', 'pids_limit: 256'));
    assert.equal(fix(C062, text, findings[1]), text.replace('pids: "0"', 'pids: "256"'));
    assert.deepEqual(findings[2].fixes, []);
  });

  it('is suppressed by the KICS pragma', () => {
    const text = lines('# kics-scan disable=221e0658-cb2a-44e3-b08a-db96a341d6fa', 'services:', '  web:', '    image: x');
    assert.ok(!ids(text).includes('CG-C062'));
    assert.ok(ids(text.slice(text.indexOf('\n') + 1)).includes('CG-C062'));
  });
});

describe('CG-C022 security_opt missing', () => {
  it('reports a missing security_opt as the same edit as C023 (one insertion under fix-all)', () => {
    const text = lines('services:', '  web:', '    image: x');
    const [finding] = check(C022, text);
    assert.deepEqual(finding.range, r(1, 2, 1, 5));
    assert.equal(finding.fixes[0].isPreferred, false);
    const out = fix(C022, text, finding);
    assert.equal(out, lines('services:', '  web:', '    image: x', '    security_opt:', '      - no-new-privileges:true'));
    const analysis = analyze(text, { kind: 'compose', settings: unsummarized });
    const c023 = analysis.findings.find((f) => f.ruleId === 'CG-C023')!;
    assert.deepEqual(c023.fixes[0].edits, finding.fixes[0].edits);
  });

  it('reports an empty list on its key, including !reset []', () => {
    for (const [value, fixed] of [
      ['[]', '["no-new-privileges:true"]'],
      ['!reset []', '!reset ["no-new-privileges:true"]'],
      ['', '[no-new-privileges:true]'],
    ]) {
      const text = lines('services:', '  web:', `    security_opt: ${value}`.trimEnd());
      const [finding] = check(C022, text);
      assert.deepEqual(finding.range, r(2, 4, 2, 16), value);
      assert.match(finding.message, /^"security_opt" is empty for service "web"/);
      assert.equal(fix(C022, text, finding), lines('services:', '  web:', `    security_opt: ${fixed}`));
    }
  });

  it('is silent for any non-empty list (C023 judges its content)', () => {
    assert.deepEqual(check(C022, lines('services:', '  web:', '    security_opt: [seccomp:unconfined]')), []);
    assert.deepEqual(check(C022, lines('x: &s', '  security_opt: [label:disable]', 'services:', '  web:', '    <<: *s')), []);
  });

  it('is off by default (CG-C023 says the same with a fix); switched on, the KICS pragma suppresses it', () => {
    const bare = lines('services:', '  web:', '    image: x');
    assert.ok(!ids(bare).includes('CG-C022'));
    const on = { rules: { 'CG-C022': 'hint' as const } };
    assert.ok(ids(bare, on).includes('CG-C022'));
    const text = lines('services:', '  # kics-scan disable=610e266e-6c12-4bca-9925-1ed0cd29742b', '  web:', '    image: x');
    assert.ok(!ids(text, on).includes('CG-C022'));
    assert.ok(ids(text, on).includes('CG-C023'));
  });
});

describe('CG-C063 ulimits', () => {
  const added = ['    ulimits:', '      nproc: 512', '      nofile:', '        soft: 1024', '        hard: 2048'];

  it('reports missing ulimits on the service key and inserts nproc and nofile', () => {
    const text = lines('services:', '  web:', '    image: x');
    const [finding] = check(C063, text);
    assert.deepEqual(finding.range, r(1, 2, 1, 5));
    assert.equal(fix(C063, text, finding), lines('services:', '  web:', '    image: x', ...added));
  });

  it('accepts either nofile or nproc', () => {
    assert.deepEqual(check(C063, lines('services:', '  web:', '    ulimits:', '      nofile: 65535')), []);
    assert.deepEqual(check(C063, lines('services:', '  web:', '    ulimits: {nproc: {soft: 10, hard: 20}}')), []);
  });

  it('reports ulimits with only other limits on its key and adds both into it', () => {
    const text = lines('services:', '  web:', '    ulimits:', '      memlock: -1');
    const [finding] = check(C063, text);
    assert.deepEqual(finding.range, r(2, 4, 2, 11));
    assert.match(finding.message, /sets neither "nofile" nor "nproc"/);
    assert.equal(fix(C063, text, finding), lines('services:', '  web:', '    ulimits:', '      nproc: 512', '      nofile:', '        soft: 1024', '        hard: 2048', '      memlock: -1'));
    const flow = lines('services:', '  web:', '    ulimits: {}');
    assert.equal(fix(C063, flow, check(C063, flow)[0]), lines('services:', '  web:', '    ulimits: {nproc: 512, nofile: {soft: 1024, hard: 2048}}'));
  });

  it('is suppressed by our pragma', () => {
    assert.ok(!ids(lines('# container-guard global ignore=CG-C063', 'services:', '  web:', '    image: x')).includes('CG-C063'));
  });
});

describe('CG-C064 restart policy', () => {
  it('reports on-failure with other than 5 retries on the value and replaces it', () => {
    const text = lines('services:', '  a:', '    restart: on-failure:3', '  b:', "    restart: 'on-failure'", '  c:', '    restart: "on-failure:5"', '    pids_limit: 1');
    const findings = check(C064, text);
    assert.deepEqual(findings.map((f) => f.range), [r(2, 13, 2, 25), r(4, 13, 4, 25)]);
    assert.match(findings[0].message, /^"restart: on-failure:3" restarts service "a" up to 3 times/);
    assert.match(findings[1].message, /without a retry limit/);
    assert.equal(findings[0].fixes[0].isPreferred, false, 'fewer restarts change how the service recovers: not in fix-all');
    assert.equal(fix(C064, text, findings[0]), text.replace('on-failure:3', '"on-failure:5"'));
    assert.equal(fix(C064, text, findings[1]), text.replace("'on-failure'", "'on-failure:5'"));
  });

  it('reports always / unless-stopped only without any limit; the fix is not preferred', () => {
    const text = lines('services:', '  web:', '    restart: always', '    image: x');
    const [finding] = check(C064, text);
    assert.deepEqual(finding.range, r(2, 13, 2, 19));
    assert.match(finding.message, /no memory, CPU or PID limit/);
    assert.equal(finding.fixes[0].isPreferred, false);
    assert.equal(fix(C064, text, finding), text.replace('always', '"on-failure:5"'));
    for (const limit of ['mem_limit: 1g', 'cpus: 1', 'pids_limit: 100', 'deploy: {resources: {limits: {pids: 10}}}']) {
      assert.deepEqual(check(C064, text + `    ${limit}\n`), [], limit);
    }
    // A PID "limit" of -1 bounds nothing.
    assert.equal(check(C064, text + '    pids_limit: -1\n').length, 1);
    assert.equal(check(C064, lines('services:', '  web:', '    restart: ${R:-unless-stopped}')).length, 1);
    for (const value of ['"no"', 'on-failure:5', '${RESTART}']) assert.deepEqual(check(C064, lines('services:', '  web:', `    restart: ${value}`)), [], value);
  });

  it('reads deploy.restart_policy', () => {
    const text = lines('services:', '  web:', '    deploy:', '      restart_policy:', '        condition: on-failure', '        max_attempts: 10', '  api:', '    deploy:', '      restart_policy:', '        condition: on-failure');
    const findings = check(C064, text);
    assert.deepEqual(findings.map((f) => f.range), [r(5, 22, 5, 24), r(8, 6, 8, 20)]);
    assert.equal(fix(C064, text, findings[0]), text.replace('max_attempts: 10', 'max_attempts: 5'));
    assert.equal(fix(C064, text, findings[1]), text.replace('        condition: on-failure\n', 'X').replace('        condition: on-failure\n', '        max_attempts: 5\n        condition: on-failure\n').replace('X', '        condition: on-failure\n'));
    assert.deepEqual(check(C064, lines('services:', '  web:', '    deploy:', '      restart_policy:', '        condition: any')), []);
  });

  it('is suppressed by the KICS pragma', () => {
    const text = lines('# kics-scan disable=2fc99041-ddad-49d5-853f-e35e70a48391', 'services:', '  web:', '    restart: on-failure:2');
    assert.ok(!ids(text).includes('CG-C064'));
  });
});

describe('CG-C065 healthcheck', () => {
  it('reports an image-only service without a healthcheck; the template fix is not preferred', () => {
    const text = lines('services:', '  web:', '    image: nginx:1.27');
    const [finding] = check(C065, text);
    assert.deepEqual(finding.range, r(1, 2, 1, 5));
    assert.equal(finding.fixes[0].isPreferred, false);
    const out = fix(C065, text, finding);
    assert.equal(out, lines('services:', '  web:', '    image: nginx:1.27', '    healthcheck:', `      test: ${PLACEHOLDER_TEST}`, '      interval: 30s', '      timeout: 5s', '      retries: 3'));
    assert.match(PLACEHOLDER_TEST, /TODO: replace with a real probe/);
  });

  it('skips build services (their Dockerfile is CG-D074\'s) and services with a healthcheck', () => {
    assert.deepEqual(check(C065, lines('services:', '  web:', '    build: .')), []);
    assert.deepEqual(check(C065, lines('services:', '  web:', '    image: x', '    healthcheck:', '      test: ["CMD", "curl", "-f", "http://localhost"]')), []);
    assert.deepEqual(check(C065, lines('services:', '  web:', '    image: x', '    healthcheck:', '      interval: 10s')), []);
  });

  it('reports disable: true and test: [NONE] where written, even with build', () => {
    const text = lines('services:', '  web:', '    build: .', '    healthcheck:', '      disable: true', '  api:', '    image: x', '    healthcheck:', '      test: ["NONE"]', '  ok:', '    image: y', '    healthcheck: {disable: false, test: [CMD, "true"]}');
    const findings = check(C065, text);
    assert.deepEqual(findings.map((f) => f.range), [r(4, 15, 4, 19), r(8, 12, 8, 20)]);
    assert.match(findings[0].message, /^"disable: true" turns the health check of service "web" off/);
    assert.deepEqual(findings.map((f) => f.fixes), [[], []]);
  });

  it('is suppressed by the KICS pragma', () => {
    assert.ok(!ids(lines('# kics-scan disable=698ed579-b239-4f8f-a388-baa4bcb13ef8', 'services:', '  web:', '    image: x')).includes('CG-C065'));
  });
});

describe('anchors, aliases and line endings', () => {
  it('reports weak values written in an anchor once, with the receiving services', () => {
    const text = lines('x-l: &l', '  pids_limit: 0', '  ulimits:', '    core: 0', '  restart: on-failure:1', 'services:', '  a:', '    <<: *l', '  b:', '    <<: *l');
    for (const [rule, range, title] of [
      [C062, r(1, 14, 1, 15), 'Set "pids_limit: 256" in the anchor (affects 2 services)'],
      [C063, r(2, 2, 2, 9), 'Add nproc and nofile in the anchor (affects 2 services)'],
      [C064, r(4, 11, 4, 23), 'Change to "restart: on-failure:5" in the anchor (affects 2 services)'],
    ] as const) {
      const [finding, ...rest] = check(rule, text);
      assert.equal(rest.length, 0, rule.meta.id);
      assert.deepEqual(finding.range, range, rule.meta.id);
      assert.deepEqual(finding.related!.map((x) => x.range), [r(7, 4, 7, 10), r(9, 4, 9, 10)], rule.meta.id);
      assert.equal(finding.fixes[0].title, title);
      assert.deepEqual(check(rule, fix(rule, text, finding)), [], rule.meta.id);
    }
  });

  it('offers no fix for a service that is only an alias of another', () => {
    const text = lines('services:', '  web: &web', '    image: x', '  copy: *web');
    for (const rule of [C050, C060, C062, C063]) {
      const findings = check(rule, text);
      assert.deepEqual(findings.map((f) => [f.range, f.fixes.length]), [[r(1, 2, 1, 5), 1], [r(3, 2, 3, 6), 0]], rule.meta.id);
    }
  });

  it('keeps CRLF in nested insertions', () => {
    const text = 'services:\r\n  web:\r\n    deploy:\r\n      replicas: 1\r\n    ulimits:\r\n      core: 0\r\n';
    assert.equal(
      fix(C060, text, check(C060, text)[0]),
      'services:\r\n  web:\r\n    deploy:\r\n      resources:\r\n        limits:\r\n          memory: 512M\r\n          cpus: "1.0"\r\n      replicas: 1\r\n    ulimits:\r\n      core: 0\r\n',
    );
    assert.equal(
      fix(C063, text, check(C063, text)[0]),
      'services:\r\n  web:\r\n    deploy:\r\n      replicas: 1\r\n    ulimits:\r\n      nproc: 512\r\n      nofile:\r\n        soft: 1024\r\n        hard: 2048\r\n      core: 0\r\n',
    );
  });
});

describe('absence fixes applied together (the wizard with every measure chosen)', () => {
  const absence = ['CG-C020', 'CG-C022', 'CG-C023', 'CG-C044', 'CG-C050', 'CG-C060', 'CG-C061', 'CG-C062', 'CG-C063', 'CG-C064', 'CG-C065'];
  /** Every absence finding's first fix in one pass, as `containerGuard/harden` combines them. */
  const absenceEdits = (text: string) => combineFixes(analyze(text, { kind: 'compose', settings: unsummarized }).findings.filter((f) => absence.includes(f.ruleId)), false);

  function hardenAll(text: string): string {
    const out = applyEdits(text, absenceEdits(text));
    const after = analyze(out, { kind: 'compose', settings: unsummarized });
    assert.deepEqual(after.problems.filter((p) => p.severity === 'error'), [], out);
    return out;
  }

  it('hardens a bare service in one pass: the result parses and no absence finding is left', () => {
    for (const eol of ['\n', '\r\n']) {
      for (const final of [eol, '']) {
        const text = ['services:', '  web:', '    image: x', '    restart: always'].join(eol) + final;
        const out = hardenAll(text);
        const left = analyze(out, { kind: 'compose', settings: unsummarized }).findings.filter((f) => absence.includes(f.ruleId));
        assert.deepEqual(left.map((f) => f.ruleId), [], out);
        assert.equal(out, EXPECTED_BARE.join(eol) + final);
        assert.deepEqual(absenceEdits(out), [], 'a second pass changes nothing');
      }
    }
  });

  it('fix-all changes nothing: every hardening measure can break a working service (catalogue §6.4)', () => {
    const text = lines('services:', '  web:', '    image: x', '    restart: on-failure');
    for (const summarize of [true, false]) {
      assert.deepEqual(fixAllEdits(analyze(text, { kind: 'compose', settings: { ...unsummarized, summarize } })), [], `summarize: ${summarize}`);
    }
  });

  it('stays valid whatever the order when a nested mapping or list is the last key', () => {
    const text = lines(
      'services:',
      '  web:',
      '    image: x',
      '    restart: on-failure',
      '    ulimits:',
      '      memlock: -1',
      '    deploy:',
      '      replicas: 2',
      '      restart_policy:',
      '        condition: on-failure',
      '  flow: {image: y, cap_drop: [NET_RAW]}',
    );
    const out = hardenAll(text);
    assert.deepEqual(analyze(out, { kind: 'compose', settings: unsummarized }).findings.filter((f) => absence.includes(f.ruleId)).map((f) => f.ruleId), []);
    // Reversing the edit order gives valid YAML too: no two edits compete for one position in a
    // way that depends on their order.
    const reversed = applyEdits(text, [...absenceEdits(text)].reverse());
    assert.deepEqual(parseCompose(reversed).problems.filter((p) => p.severity === 'error'), [], reversed);
    assert.deepEqual(analyze(reversed, { kind: 'compose', settings: unsummarized }).findings.filter((f) => absence.includes(f.ruleId)).map((f) => f.ruleId), []);
  });
});

const EXPECTED_BARE = [
  'services:',
  '  web:',
  '    image: x',
  '    restart: "on-failure:5"',
  '    cap_drop:',
  '      - ALL',
  '    security_opt:',
  '      - no-new-privileges:true',
  '    read_only: true',
  '    tmpfs:',
  '      - /tmp',
  '    deploy:',
  '      resources:',
  '        limits:',
  '          memory: 512M',
  '          cpus: "1.0"',
  '    pids_limit: 256',
  '    ulimits:',
  '      nproc: 512',
  '      nofile:',
  '        soft: 1024',
  '        hard: 2048',
  '    healthcheck:',
  '      test: ["CMD-SHELL", "echo \'TODO: replace with a real probe\' >&2; exit 1"]',
  '      interval: 30s',
  '      timeout: 5s',
  '      retries: 3',
];
