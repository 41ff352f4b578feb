// Compose presence rules ("a dangerous value is written"): host namespaces (C071–C074), cgroup parent
// (C076), kernel confinement switched off (C024–C026), capabilities (C021), root user (C010), image
// tags (C001) and devices (C075).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCompose } from '../../server/src/engine/compose/model';
import type { Rule } from '../../server/src/engine/types';
import type { ComposeModel } from '../../server/src/engine/compose/model';
import { composeRules } from '../../server/src/rules/compose';
import { rule as C001 } from '../../server/src/rules/compose/C001-image-tag';
import { rule as C010 } from '../../server/src/rules/compose/C010-root-user';
import { rule as C021 } from '../../server/src/rules/compose/C021-cap-add';
import { rule as C024 } from '../../server/src/rules/compose/C024-seccomp-unconfined';
import { rule as C025 } from '../../server/src/rules/compose/C025-apparmor-unconfined';
import { rule as C026 } from '../../server/src/rules/compose/C026-selinux-disabled';
import { rule as C071 } from '../../server/src/rules/compose/C071-host-pid';
import { rule as C072 } from '../../server/src/rules/compose/C072-host-ipc';
import { rule as C073 } from '../../server/src/rules/compose/C073-host-uts';
import { rule as C074 } from '../../server/src/rules/compose/C074-host-userns';
import { rule as C075 } from '../../server/src/rules/compose/C075-devices';
import { rule as C076 } from '../../server/src/rules/compose/C076-cgroup-parent';
import { checkCompose as check, composeIds as ids, fixCompose as fix, lines, range as r } from './kit';
import { runRule } from '../../server/src/engine/engine';

describe('presence rules: metadata', () => {
  it('are registered once each, with catalogue severities and equivalents', () => {
    const expected: [Rule<ComposeModel>, string, boolean][] = [
      [C001, 'warning', false],
      [C010, 'warning', true],
      [C021, 'error', true],
      [C024, 'error', true],
      [C025, 'error', true],
      [C026, 'error', true],
      [C071, 'error', true],
      [C072, 'error', true],
      [C073, 'warning', true],
      [C074, 'warning', true],
      [C075, 'warning', false],
      [C076, 'info', true],
    ];
    for (const [rule, severity, fixable] of expected) {
      assert.equal(composeRules.filter((x) => x.meta.id === rule.meta.id).length, 1, rule.meta.id);
      assert.equal(rule.meta.severity, severity, rule.meta.id);
      assert.equal(rule.meta.fixable, fixable, rule.meta.id);
      assert.equal(rule.meta.kind, 'compose');
    }
    const ordered = composeRules.map((rule) => rule.meta.id);
    assert.deepEqual([...ordered].sort(), ordered, 'index keeps id order');
    assert.deepEqual(C071.meta.equivalents, ['KICS 4f31dd9f-2cc3-4751-9b53-67e4af83dac0', 'CIS 5.16']);
    assert.deepEqual(C072.meta.equivalents, ['KICS baa3890f-bed7-46f5-ab8f-1da8fc91c729', 'CIS 5.17']);
    assert.deepEqual(C073.meta.equivalents, ['CIS 5.21']);
    assert.deepEqual(C074.meta.equivalents, ['KICS 8af7162d-6c98-482f-868e-0d33fb675ca8', 'CIS 5.31']);
    assert.deepEqual(C076.meta.equivalents, ['KICS 4d9f44c6-2f4a-4317-9bb5-267adbea0232', 'CIS 5.25']);
    assert.deepEqual(C024.meta.equivalents, [
      'KICS 404fde2c-bc4b-4371-9747-7054132ac953',
      'Semgrep yaml.docker-compose.security.seccomp-confinement-disabled',
      'CIS 5.22',
    ]);
    assert.deepEqual(C025.meta.equivalents, ['CIS 5.2']);
    assert.deepEqual(C026.meta.equivalents, ['Semgrep yaml.docker-compose.security.selinux-separation-disabled', 'CIS 5.3']);
    assert.deepEqual(C021.meta.equivalents, ['KICS ce76b7d0-9e77-464d-b86f-c5c48e03e22d', 'CIS 5.4']);
    assert.deepEqual(C010.meta.equivalents, ['CIS 4.1']);
    assert.deepEqual(C001.meta.equivalents, ['dclint service-image-require-explicit-tag', 'Trivy USR-COMPOSE-0001']);
    assert.deepEqual(C075.meta.equivalents, ['CIS 5.18']);
  });
});

describe('CG-C071–C074 host namespaces', () => {
  const cases: [Rule<ComposeModel>, string, RegExp][] = [
    [C071, 'pid', /host's PID namespace \(pid: host\)\. Every host process is visible/],
    [C072, 'ipc', /host's IPC namespace \(ipc: host\)\. The shared memory/],
    [C073, 'uts', /host's UTS namespace \(uts: host\)\. The host's hostname/],
    [C074, 'userns_mode', /host's user namespace \(userns_mode: host\)\. When the daemon uses userns-remap/],
  ];

  for (const [rule, key, message] of cases) {
    it(`${rule.meta.id}: reports "${key}: host" on the value; removing the key clears it`, () => {
      const text = lines('services:', '  web:', '    image: nginx:1.27', `    ${key}: host`, '    user: "1000"');
      const [finding, ...rest] = check(rule, text);
      assert.equal(rest.length, 0);
      assert.equal(finding.ruleId, rule.meta.id);
      assert.equal(finding.severity, undefined);
      assert.deepEqual(finding.range, r(3, key.length + 6, 3, key.length + 10));
      assert.match(finding.message, /^Service "web" shares the /);
      assert.match(finding.message, message);
      assert.equal(finding.related, undefined);
      assert.deepEqual(finding.fixes.map((f) => [f.title, f.isPreferred]), [[`Remove "${key}: host"`, false]]);
      const out = fix(text, finding);
      assert.equal(out, lines('services:', '  web:', '    image: nginx:1.27', '    user: "1000"'));
      assert.deepEqual(check(rule, out), []);
    });

    it(`${rule.meta.id}: interpolates, ignores other values`, () => {
      for (const value of ['"host"', 'HOST', '${NS:-host}', "'${NS-host}'"]) {
        const [finding] = check(rule, lines('services:', '  web:', `    ${key}: ${value}`));
        assert.ok(finding, value);
        assert.equal(finding.severity, undefined, value);
      }
      for (const value of ['private', 'shareable', '"service:db"', '"container:abc"', '${NS:-private}', '"service:${DB}"', '""', '']) {
        assert.deepEqual(check(rule, lines('services:', '  web:', `    ${key}: ${value}`)), [], value);
      }
      // Only a value that is entirely an unknown variable may become "host": an Info, like CG-C040.
      const [unknown] = check(rule, lines('services:', '  web:', `    ${key}: \${NS}`));
      assert.equal(unknown.severity, 'info');
      assert.match(unknown.message, new RegExp(`^"${key}" depends on \\$\\{NS\\}: service "web" shares .* when it is "host"\\.`));
      assert.ok(unknown.fixes.every((f) => !f.isPreferred));
    });
  }

  it('reports a value from an anchor once, in the anchor, with every receiving merge key', () => {
    const text = lines(
      'x-debug: &debug', // 0
      '  pid: host', // 1
      '  image: busybox:1.36', // 2
      'services:', // 3
      '  a:', // 4
      '    <<: *debug', // 5
      '  b:', // 6
      '    <<: *debug', // 7
      '    command: sh', // 8
      '  c:', // 9
      '    <<: *debug', // 10
      '    pid: "service:a"', // 11
    );
    const findings = check(C071, text);
    assert.equal(findings.length, 1);
    const [finding] = findings;
    assert.deepEqual(finding.range, r(1, 7, 1, 11));
    assert.match(finding.message, /^Services "a", "b" share the host's PID namespace/);
    assert.deepEqual(finding.related, [
      { range: r(5, 4, 5, 14), message: 'Service "a" receives the value through this merge key.' },
      { range: r(7, 4, 7, 14), message: 'Service "b" receives the value through this merge key.' },
    ]);
    assert.deepEqual(
      finding.fixes.map((f) => [f.title, f.isPreferred]),
      [
        ['Remove "pid" in the anchor (affects 2 services)', false],
        ['Reset "pid" only in service "a"', false],
        ['Reset "pid" only in service "b"', false],
      ],
    );
    const out = fix(text, finding);
    assert.equal(out, text.replace('  pid: host\n', ''));
    assert.deepEqual(check(C071, out), []);
    // "Only in b": `pid: !reset null` right after b's merge key; a remains.
    const onlyB = fix(text, finding, 2);
    assert.ok(onlyB.includes('  b:\n    <<: *debug\n    pid: !reset null\n    command: sh\n'), onlyB);
    const left = check(C071, onlyB);
    assert.deepEqual(left.map((f) => f.related!.map((x) => x.message)), [['Service "a" receives the value through this merge key.']]);
    assert.equal(check(C071, fix(onlyB, left[0], 1)).length, 0);
  });

  it('gives no finding for an anchor no service receives, and works in flow style and with CRLF', () => {
    assert.deepEqual(check(C072, lines('x-a: &a', '  ipc: host', 'services:', '  web:', '    image: x:1')), []);
    const flow = lines('services:', '  web: {ipc: host, image: x}');
    const [finding] = check(C072, flow);
    assert.deepEqual(finding.range, r(1, 13, 1, 17));
    assert.equal(fix(flow, finding), lines('services:', '  web: {image: x}'));
    const crlf = 'services:\r\n  web:\r\n    uts: host\r\n    image: x\r\n';
    assert.equal(fix(crlf, check(C073, crlf)[0]), 'services:\r\n  web:\r\n    image: x\r\n');
  });

  it('is suppressed by the KICS pragma of its UUID, and ours for CIS-only rules', () => {
    const base = lines('services:', '  web:', '    image: nginx:1.27', '    pid: host', '    ipc: host', '    uts: host', '    userns_mode: host');
    const mine = (text: string) => ids(text).filter((id) => ['CG-C071', 'CG-C072', 'CG-C073', 'CG-C074'].includes(id));
    assert.deepEqual(mine(base), ['CG-C071', 'CG-C072', 'CG-C073', 'CG-C074']);
    assert.deepEqual(mine('# kics-scan disable=4f31dd9f-2cc3-4751-9b53-67e4af83dac0\n' + base), ['CG-C072', 'CG-C073', 'CG-C074']);
    assert.deepEqual(mine('# kics-scan disable=baa3890f-bed7-46f5-ab8f-1da8fc91c729\n' + base), ['CG-C071', 'CG-C073', 'CG-C074']);
    assert.deepEqual(mine('# kics-scan disable=8af7162d-6c98-482f-868e-0d33fb675ca8\n' + base), ['CG-C071', 'CG-C072', 'CG-C073']);
    assert.deepEqual(mine(base.replace('    uts: host', '    # container-guard ignore=CG-C073 -- shares the hostname on purpose\n    uts: host')), ['CG-C071', 'CG-C072', 'CG-C074']);
  });
});

describe('CG-C076 cgroup_parent', () => {
  it('reports any value as Info-level default and removes the key', () => {
    const text = lines('services:', '  web:', '    cgroup_parent: /custom', '    image: x:1');
    const [finding, ...rest] = check(C076, text);
    assert.equal(rest.length, 0);
    assert.deepEqual(finding.range, r(2, 19, 2, 26));
    assert.equal(finding.severity, undefined);
    assert.match(finding.message, /^Service "web" runs under the custom cgroup parent "\/custom"/);
    assert.deepEqual(finding.fixes.map((f) => [f.title, f.isPreferred]), [['Remove "cgroup_parent"', false]]);
    const out = fix(text, finding);
    assert.equal(out, lines('services:', '  web:', '    image: x:1'));
    assert.deepEqual(check(C076, out), []);
  });

  it('reads variables: a partly known value is set, a lone unknown variable may be empty', () => {
    assert.equal(check(C076, lines('services:', '  web:', '    cgroup_parent: /docker/${APP}'))[0].severity, undefined);
    const [lone] = check(C076, lines('services:', '  web:', '    cgroup_parent: ${CG}'));
    assert.match(lone.message, /^"cgroup_parent" depends on \$\{CG\}/);
    for (const value of ['""', '', '${CG:-}']) assert.deepEqual(check(C076, lines('services:', '  web:', `    cgroup_parent: ${value}`)), [], value);
  });

  it('is suppressed by its KICS pragma', () => {
    const text = lines('services:', '  web:', '    image: x:1', '    cgroup_parent: /custom');
    assert.ok(ids(text).includes('CG-C076'));
    assert.ok(!ids('# kics-scan disable=4d9f44c6-2f4a-4317-9bb5-267adbea0232\n' + text).includes('CG-C076'));
  });
});

describe('CG-C024–C026 kernel confinement switched off', () => {
  const cases: [Rule<ComposeModel>, string, string, string, RegExp][] = [
    [C024, 'seccomp:unconfined', 'seccomp=unconfined', 'seccomp:/etc/docker/custom.json', /turns off Docker's default seccomp profile/],
    [C025, 'apparmor:unconfined', 'apparmor=unconfined', 'apparmor:docker-nginx', /turns off the AppArmor profile/],
    [C026, 'label:disable', 'label=disable', 'label:type:svirt_apache_t', /turns off SELinux label separation/],
  ];
  for (const [rule, colon, equals, fine, message] of cases) {
    it(`${rule.meta.id}: reports "${colon}" and "${equals}" on the item and deletes it`, () => {
      const text = lines('services:', '  web:', '    security_opt:', '      - no-new-privileges:true', `      - ${colon}`, `      - "${equals}"`, `      - ${fine}`);
      const findings = check(rule, text);
      assert.deepEqual(findings.map((f) => f.range), [r(4, 8, 4, 8 + colon.length), r(5, 8, 5, 10 + equals.length)]);
      assert.match(findings[0].message, new RegExp(`^"${colon}" `));
      assert.match(findings[0].message, message);
      assert.match(findings[0].message, /for service "web"\./);
      assert.equal(findings[0].severity, undefined);
      assert.deepEqual(findings[0].fixes.map((f) => [f.title, f.isPreferred]), [[`Remove "${colon}"`, false]]);
      const out = fix(text, findings[0]);
      assert.equal(out, text.replace(`      - ${colon}\n`, ''));
      assert.equal(check(rule, out).length, 1);
      const both = fix(out, check(rule, out)[0]);
      assert.equal(both, lines('services:', '  web:', '    security_opt:', '      - no-new-privileges:true', `      - ${fine}`));
      assert.deepEqual(check(rule, both), []);
    });
  }

  it('reads interpolated items; unknown values and other spellings are not reported', () => {
    const [finding] = check(C024, lines('services:', '  web:', '    security_opt: ["seccomp:${PROFILE:-unconfined}"]'));
    assert.deepEqual(finding.range, r(2, 19, 2, 51));
    for (const item of ['seccomp:${PROFILE}', 'SECCOMP:unconfined', 'seccomp:Unconfined', 'seccomp:unconfined.json', 'seccomp']) {
      assert.deepEqual(check(C024, lines('services:', '  web:', '    security_opt:', `      - "${item}"`)), [], item);
    }
  });

  it('deletes from a flow list and leaves [] for the only item', () => {
    const flow = lines('services:', '  web:', '    security_opt: [label=disable, "no-new-privileges:true"]');
    assert.equal(fix(flow, check(C026, flow)[0]), lines('services:', '  web:', '    security_opt: ["no-new-privileges:true"]'));
    const only = lines('services:', '  web:', '    security_opt: [apparmor:unconfined]');
    assert.equal(fix(only, check(C025, only)[0]), lines('services:', '  web:', '    security_opt: []'));
  });

  it('reports an anchored list once, in the anchor, and keeps aliased items without a fix', () => {
    const text = lines('x-sec: &sec', '  security_opt:', '    - seccomp:unconfined', 'services:', '  a:', '    <<: *sec', '  b:', '    <<: *sec');
    const [finding, ...rest] = check(C024, text);
    assert.equal(rest.length, 0);
    assert.deepEqual(finding.range, r(2, 6, 2, 24));
    assert.match(finding.message, /for services "a", "b"\./);
    assert.equal(finding.related!.length, 2);
    assert.equal(finding.fixes[0].title, 'Remove "seccomp:unconfined" in the anchor (affects 2 services)');
    assert.deepEqual(check(C024, fix(text, finding)), []);
    const aliased = lines('services:', '  a:', '    security_opt: [&u seccomp:unconfined]', '  b:', '    security_opt: [*u]');
    const found = check(C024, aliased);
    assert.equal(found.length, 1);
    assert.deepEqual(found[0].fixes, [], 'deleting the anchor would orphan the alias');
    assert.deepEqual(found[0].related, [{ range: r(4, 19, 4, 21), message: 'Service "b" receives the value through this alias.' }]);
  });

  it('is suppressed by the KICS pragma (C024) and ours (C025, C026)', () => {
    const text = lines('services:', '  web:', '    image: x:1', '    security_opt:', '      - seccomp:unconfined', '      - apparmor:unconfined', '      - label:disable');
    const mine = (t: string) => ids(t).filter((id) => ['CG-C024', 'CG-C025', 'CG-C026'].includes(id));
    assert.deepEqual(mine(text), ['CG-C024', 'CG-C025', 'CG-C026']);
    assert.deepEqual(mine('# kics-scan disable=404fde2c-bc4b-4371-9747-7054132ac953\n' + text), ['CG-C025', 'CG-C026']);
    assert.deepEqual(mine(text.replace('      - label:disable', '      # container-guard ignore=CG-C026\n      - label:disable')), ['CG-C024', 'CG-C025']);
  });
});

describe('CG-C021 cap_add', () => {
  const text = lines(
    'services:', // 0
    '  web:', // 1
    '    cap_add:', // 2
    '      - SYS_ADMIN', // 3
    '      - cap_net_admin', // 4
    '      - NET_BIND_SERVICE', // 5
    '      - CAP_CHOWN', // 6
    '      - sys_time', // 7
    '      - all', // 8
    '      - "${CAP}"', // 9
  );

  it('reports the Error tier and, as Warning, any other non-default capability', () => {
    const findings = check(C021, text);
    assert.deepEqual(
      findings.map((f) => [f.range, f.severity]),
      [
        [r(3, 8, 3, 17), undefined],
        [r(4, 8, 4, 21), undefined],
        [r(7, 8, 7, 16), 'warning'],
        [r(8, 8, 8, 11), undefined],
      ],
    );
    assert.equal(findings[0].message, 'Service "web" gets SYS_ADMIN, a capability that is, or easily becomes, root on the host. Remove it, or isolate what needs it in a small dedicated service.');
    assert.match(findings[1].message, /gets NET_ADMIN, a capability/);
    assert.equal(findings[2].message, 'Service "web" gets SYS_TIME, which is not in Docker\'s default capability set. Make sure it is needed.');
    assert.match(findings[3].message, /^Service "web" gets every Linux capability \("cap_add: all"\)/);
  });

  it('deletes the list item (not preferred) and the finding goes', () => {
    const [first] = check(C021, text);
    assert.deepEqual(first.fixes.map((f) => [f.title, f.isPreferred]), [['Remove "SYS_ADMIN" from "cap_add"', false]]);
    const out = fix(text, first);
    assert.equal(out, text.replace('      - SYS_ADMIN\n', ''));
    assert.equal(check(C021, out).length, 3);
    let all = text;
    for (let i = 0; i < 4; i++) all = fix(all, check(C021, all)[0]);
    assert.deepEqual(check(C021, all), []);
    assert.equal(all, lines('services:', '  web:', '    cap_add:', '      - NET_BIND_SERVICE', '      - CAP_CHOWN', '      - "${CAP}"'));
  });

  it('accepts every capability of Docker\'s default set', () => {
    const defaults = ['CHOWN', 'DAC_OVERRIDE', 'FSETID', 'FOWNER', 'MKNOD', 'NET_RAW', 'SETGID', 'SETUID', 'SETFCAP', 'SETPCAP', 'NET_BIND_SERVICE', 'SYS_CHROOT', 'KILL', 'AUDIT_WRITE'];
    assert.deepEqual(check(C021, lines('services:', '  web:', `    cap_add: [${defaults.map((c) => `cap_${c.toLowerCase()}`).join(', ')}]`)), []);
    assert.deepEqual(check(C021, lines('services:', '  web:', '    cap_add: []')), []);
    assert.deepEqual(check(C021, lines('services:', '  web:', '    cap_add:')), []);
  });

  it('reports an anchored item once with its receivers; is suppressed by the KICS pragma', () => {
    const anchored = lines('x-caps: &caps', '  cap_add: [SYS_PTRACE]', 'services:', '  a:', '    <<: *caps', '  b:', '    <<: *caps');
    const [finding, ...rest] = check(C021, anchored);
    assert.equal(rest.length, 0);
    assert.deepEqual(finding.range, r(1, 12, 1, 22));
    assert.match(finding.message, /^Services "a", "b" get SYS_PTRACE/);
    assert.equal(finding.fixes[0].title, 'Remove "SYS_PTRACE" from "cap_add" in the anchor (affects 2 services)');
    assert.equal(fix(anchored, finding), anchored.replace('[SYS_PTRACE]', '[]'));
    const plain = lines('services:', '  web:', '    image: x:1', '    cap_add: [SYS_ADMIN]');
    assert.ok(ids(plain).includes('CG-C021'));
    assert.ok(!ids('# kics-scan disable=ce76b7d0-9e77-464d-b86f-c5c48e03e22d\n' + plain).includes('CG-C021'));
  });
});

describe('CG-C010 root user', () => {
  it('reports root, 0 and root:*/0:* on the value and offers a non-root uid:gid', () => {
    const text = lines('services:', '  web:', '    image: x:1', '    user: root', '  db:', '    user: "0:0"', '  api:', '    user: 0');
    const findings = check(C010, text);
    assert.deepEqual(findings.map((f) => f.range), [r(3, 10, 3, 14), r(5, 10, 5, 15), r(7, 10, 7, 11)]);
    assert.equal(
      findings[0].message,
      'Service "web" runs as root ("user: root"), overriding any non-root user of the image. Use a non-root uid:gid such as "10001:10001" (or the image\'s own non-root user).',
    );
    assert.deepEqual(findings[0].fixes.map((f) => [f.title, f.isPreferred]), [['Run as "10001:10001"', false]]);
    const out = fix(text, findings[0]);
    assert.equal(out, text.replace('user: root', 'user: "10001:10001"'));
    assert.equal(check(C010, out).length, 2);
    assert.equal(fix(text, findings[1]), text.replace('user: "0:0"', 'user: "10001:10001"'));
    assert.equal(fix(text, findings[2]), text.replace('user: 0\n', 'user: "10001:10001"\n'));
  });

  it('reads defaults; non-root and unknown users are not reported', () => {
    for (const value of ['root:root', '"0:1000"', '${RUN_AS:-root}', "'00'"]) {
      assert.equal(check(C010, lines('services:', '  web:', `    user: ${value}`)).length, 1, value);
    }
    for (const value of ['"1000"', 'app', '"1000:0"', 'rootless', '${UID}', '"${UID}:${GID}"', '']) {
      assert.deepEqual(check(C010, lines('services:', '  web:', `    user: ${value}`)), [], value);
    }
  });

  it('reports an anchored user once; is suppressed by our pragma (CIS has no comment syntax)', () => {
    const anchored = lines('x-u: &u', '  user: root', 'services:', '  a:', '    <<: *u', '  b:', '    <<: *u');
    const [finding] = check(C010, anchored);
    assert.equal(finding.related!.length, 2);
    assert.deepEqual(finding.fixes.map((f) => f.title), [
      'Run as "10001:10001" in the anchor (affects 2 services)',
      'Run as "10001:10001" only in service "a"',
      'Run as "10001:10001" only in service "b"',
    ]);
    assert.deepEqual(check(C010, fix(anchored, finding)), []);
    const onlyA = fix(anchored, finding, 1);
    assert.equal(onlyA, anchored.replace('    <<: *u\n  b:', '    <<: *u\n    user: "10001:10001"\n  b:'));
    assert.deepEqual(check(C010, onlyA).map((f) => f.related!.length), [1]);
    const text = lines('services:', '  web:', '    image: x:1', '    user: root');
    assert.ok(ids(text).includes('CG-C010'));
    assert.ok(!ids(text.replace('    user: root', '    # container-guard ignore=CG-C010 -- needs root\n    user: root')).includes('CG-C010'));
  });
});

describe('CG-C001 image tag', () => {
  it('reports a missing tag on the value and a floating tag on the tag', () => {
    const text = lines(
      'services:', // 0
      '  a:', // 1
      '    image: nginx', // 2
      '  b:', // 3
      '    image: "nginx:latest"', // 4
      '  c:', // 5
      '    image: registry:5000/team/app', // 6
      '  d:', // 7
      '    image: node:lts-alpine', // 8
      '  e:', // 9
      '    image: ${IMAGE:-redis:stable}', // 10
    );
    const findings = check(C001, text);
    assert.deepEqual(findings.map((f) => f.range), [r(2, 11, 2, 16), r(4, 18, 4, 24), r(6, 11, 6, 33), r(8, 16, 8, 26), r(10, 11, 10, 33)]);
    assert.equal(findings[0].message, "Image 'nginx' of service \"a\" has no tag or digest, so it means 'nginx:latest' and can change on every pull. Pin a version tag (and a digest).");
    assert.equal(findings[1].message, 'Image tag \'latest\' of service "b" is a floating tag: \'nginx:latest\' can be a different image on every pull. Pin a version tag (and a digest).');
    assert.match(findings[4].message, /'redis:stable'/);
    assert.ok(findings.every((f) => f.fixes.length === 0 && f.severity === undefined));
  });

  it('skips digests, fixed tags, services with build: and unresolved tags', () => {
    const text = lines(
      'x-build: &build',
      '  build: .',
      'services:',
      '  a:',
      '    image: nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      '  b:',
      '    image: nginx:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      '  c:',
      '    image: nginx:1.27-alpine',
      '  d:',
      '    build: ./app',
      '    image: myapp',
      '  e:',
      '    <<: *build',
      '    image: myapp:latest',
      '  f:',
      '    image: nginx:${TAG}',
      '  g:',
      '    image: ${IMAGE}',
      '  h:',
      '    image: latest-tools:1.0',
      '  i:',
      '    image:',
    );
    assert.deepEqual(check(C001, text), []);
  });

  it('reports an anchored image once; is suppressed by our pragma', () => {
    const anchored = lines('x-img: &img', '  image: busybox', 'services:', '  a:', '    <<: *img', '  b:', '    <<: *img');
    const [finding, ...rest] = check(C001, anchored);
    assert.equal(rest.length, 0);
    assert.deepEqual(finding.range, r(1, 9, 1, 16));
    assert.match(finding.message, /of services "a", "b"/);
    assert.equal(finding.related!.length, 2);
    const text = lines('services:', '  web:', '    image: nginx');
    assert.ok(ids(text).includes('CG-C001'));
    assert.ok(!ids('# container-guard global ignore=CG-C001\n' + text).includes('CG-C001'));
  });
});

describe('CG-C075 devices', () => {
  it('reports raw memory and block devices as Error, other devices and cgroup rules as Warning, without fixes', () => {
    const text = lines(
      'services:', // 0
      '  web:', // 1
      '    devices:', // 2
      '      - /dev/mem:/dev/mem', // 3
      '      - "/dev/sda1:/dev/xvda:rwm"', // 4
      '      - /dev/nvme0n1', // 5
      '      - /dev/dm-0:/dev/dm-0:r', // 6
      '      - /dev/ttyUSB0:/dev/ttyUSB0', // 7
      '      - /dev/memory_bandwidth', // 8
      '    device_cgroup_rules:', // 9
      "      - 'c 1:3 mr'", // 10
      '    deploy:', // 11
      '      resources:', // 12
      '        reservations:', // 13
      '          devices:', // 14
      '            - capabilities: [gpu]', // 15
    );
    const findings = check(C075, text);
    assert.deepEqual(
      findings.map((f) => [f.range.start.line, f.severity]),
      [
        [3, 'error'],
        [4, 'error'],
        [5, 'error'],
        [6, 'error'],
        [7, undefined],
        [8, undefined],
        [10, undefined],
      ],
    );
    assert.deepEqual(findings[0].range, r(3, 8, 3, 25));
    assert.match(findings[0].message, /^Service "web" gets the host device "\/dev\/mem:\/dev\/mem": raw access to host memory or a disk/);
    assert.match(findings[4].message, /Review that it is needed; add ":r" when read access is enough\.$/);
    assert.match(findings[6].message, /^Service "web" gets the device cgroup rule "c 1:3 mr"/);
    assert.ok(findings.every((f) => f.fixes.length === 0));
  });

  it('ignores empty lists and GPU reservations; reports anchors once; our pragma suppresses it', () => {
    assert.deepEqual(check(C075, lines('services:', '  web:', '    devices: []', '    deploy: {resources: {reservations: {devices: [{capabilities: [gpu]}]}}}')), []);
    const anchored = lines('x-d: &d', '  devices: [/dev/fuse]', 'services:', '  a:', '    <<: *d', '  b:', '    <<: *d');
    const [finding, ...rest] = check(C075, anchored);
    assert.equal(rest.length, 0);
    assert.equal(finding.related!.length, 2);
    const text = lines('services:', '  web:', '    image: x:1', '    devices:', '      - /dev/fuse');
    assert.ok(ids(text).includes('CG-C075'));
    assert.ok(!ids(text.replace('      - /dev/fuse', '      # container-guard ignore=CG-C075\n      - /dev/fuse')).includes('CG-C075'));
  });
});

describe('presence rules: odd input', () => {
  it('never throw on wrong types, empty items, unknown aliases or a service that is not a mapping', () => {
    const odd = lines(
      'services:',
      '  a:',
      '    pid: [host]',
      '    ipc: {host: true}',
      '    user: [root]',
      '    image: [nginx]',
      '    cap_add: SYS_ADMIN',
      '    security_opt: seccomp:unconfined',
      '    devices: {a: /dev/mem}',
      '    device_cgroup_rules:',
      '      -',
      '      - [x]',
      '    cgroup_parent: {}',
      '    volumes: [*missing, ~, 3, {type: bind}, {source: ~}]',
      '    environment: 3',
      '    build: [1]',
      '  b: ~',
      '  c: [1, 2]',
      '  d: *nothing',
    );
    const model = parseCompose(odd);
    for (const rule of composeRules) assert.doesNotThrow(() => runRule(rule, model, { profile: 'baseline' }), rule.meta.id);
    for (const rule of [C001, C010, C021, C024, C071, C072, C075, C076]) assert.deepEqual(runRule(rule, model, { profile: 'baseline' }), [], rule.meta.id);
  });
});
