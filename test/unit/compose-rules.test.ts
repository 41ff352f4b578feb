import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCompose } from '../../server/src/engine/compose/model';
import { composeRules } from '../../server/src/rules/compose';
import { rule as C020 } from '../../server/src/rules/compose/C020-cap-drop-all';
import { rule as C023 } from '../../server/src/rules/compose/C023-no-new-privileges';
import { rule as C040 } from '../../server/src/rules/compose/C040-host-network';
import { rule as C041 } from '../../server/src/rules/compose/C041-port-all-interfaces';
import { rule as C043 } from '../../server/src/rules/compose/C043-docker-socket';
import { rule as C070 } from '../../server/src/rules/compose/C070-privileged';
import { applyEdits } from '../../server/src/engine/text';
import type { Rule } from '../../server/src/engine/types';
import type { ComposeModel } from '../../server/src/engine/compose/model';
import { assertComposeParses as assertNoErrors, checkCompose as check, fixCompose as fix, lines, range as r } from './kit';
import { runRule } from '../../server/src/engine/engine';

/** The edits of every finding's preferred fix (fix-all), or with `all` of every finding's first fix (the wizard). */
function fixEdits(rules: Rule<ComposeModel>[], text: string, all = false) {
  const model = parseCompose(text);
  const findings = rules.flatMap((rule) => runRule(rule, model, { profile: 'baseline' }));
  return findings.flatMap((f) => (all ? f.fixes.slice(0, 1) : f.fixes.filter((x) => x.isPreferred)).flatMap((x) => x.edits));
}

function fixAll(rules: Rule<ComposeModel>[], text: string): string {
  return applyEdits(text, fixEdits(rules, text));
}

/** Every finding's first fix at once, as the wizard applies its chosen measures. */
function hardenAll(rules: Rule<ComposeModel>[], text: string): string {
  return applyEdits(text, fixEdits(rules, text, true));
}

const capDropAndNoNewPrivileges = composeRules.filter((rule) => ['CG-C020', 'CG-C023'].includes(rule.meta.id));

/** The rules this file tests; later rules have their own test files. */
const firstRules = composeRules.filter((rule) => ['CG-C020', 'CG-C023', 'CG-C040', 'CG-C041', 'CG-C043', 'CG-C070'].includes(rule.meta.id));

describe('rule metadata', () => {
  it('lists the rules in id order with catalogue severities', () => {
    const ids = composeRules.map((rule) => rule.meta.id);
    assert.deepEqual(ids, [...ids].sort(), 'registered in id order');
    assert.deepEqual(firstRules.map((rule) => [rule.meta.id, rule.meta.severity, rule.meta.kind, rule.meta.fixable]), [
      ['CG-C020', 'warning', 'compose', true],
      ['CG-C023', 'warning', 'compose', true],
      ['CG-C040', 'error', 'compose', true],
      ['CG-C041', 'warning', 'compose', true],
      ['CG-C043', 'error', 'compose', true],
      ['CG-C070', 'error', 'compose', true],
    ]);
    assert.deepEqual(C070.meta.equivalents, [
      'KICS ae5b6871-7f45-42e0-bb4c-ab300c4d2026',
      'Semgrep yaml.docker-compose.security.privileged-service',
      'CIS 5.5',
    ]);
  });
});

describe('CG-C070 privileged', () => {
  const text = lines('services:', '  web:', '    image: nginx', '    privileged: true', '    user: "1000"');

  it('reports the value and deletes the line', () => {
    const [finding, ...rest] = check(C070, text);
    assert.equal(rest.length, 0);
    assert.equal(finding.ruleId, 'CG-C070');
    assert.equal(finding.severity, undefined);
    assert.deepEqual(finding.range, r(3, 16, 3, 20));
    assert.equal(finding.related, undefined);
    assert.equal(finding.fixes.length, 1);
    assert.equal(finding.fixes[0].isPreferred, false, 'removing privileged can break a service that needs it: not in fix-all');
    const out = fix(text, finding);
    assert.equal(out, lines('services:', '  web:', '    image: nginx', '    user: "1000"'));
    assert.deepEqual(check(C070, out), []);
    assert.equal(parseCompose(text).statementStart(finding.range.start.line), 3);
  });

  it('reads strings and defaults after interpolation', () => {
    for (const value of ['"true"', 'True', "'TRUE'", '${PRIV:-true}', '"${PRIV-true}"']) {
      assert.equal(check(C070, lines('services:', '  web:', `    privileged: ${value}`)).length, 1, value);
    }
    for (const value of ['false', '"false"', '${PRIV:-false}', 'no', '']) {
      assert.deepEqual(check(C070, lines('services:', '  web:', `    privileged: ${value}`)), [], value);
    }
  });

  it('gives an unknown variable an Info without a preferred fix', () => {
    const [finding] = check(C070, lines('services:', '  web:', '    privileged: ${PRIV}'));
    assert.equal(finding.severity, 'info');
    assert.match(finding.message, /\$\{PRIV\}/);
    assert.ok(finding.fixes.every((f) => !f.isPreferred));
  });

  it('deletes a pair in a flow mapping with its comma', () => {
    const flow = lines('services:', '  web: {image: x, privileged: true}', '  db: {privileged: true, image: y}');
    const findings = check(C070, flow);
    assert.deepEqual(findings.map((f) => f.range), [r(1, 30, 1, 34), r(2, 19, 2, 23)]);
    assert.equal(fix(flow, findings[0]), lines('services:', '  web: {image: x}', '  db: {privileged: true, image: y}'));
    const all = hardenAll([C070], flow);
    assert.equal(all, lines('services:', '  web: {image: x}', '  db: {image: y}'));
    assert.deepEqual(check(C070, all), []);
  });

  it('reports a value from an anchor once, in the anchor, with each receiving merge key', () => {
    const anchored = lines(
      'x-debug: &debug', // 0
      '  privileged: true', // 1
      '  image: busybox', // 2
      'services:', // 3
      '  a:', // 4
      '    <<: *debug', // 5
      '  b:', // 6
      '    <<: *debug', // 7
      '    command: sh', // 8
      '  c:', // 9
      '    <<: *debug', // 10
      '    privileged: false', // 11
    );
    const findings = check(C070, anchored);
    assert.equal(findings.length, 1);
    const [finding] = findings;
    assert.deepEqual(finding.range, r(1, 14, 1, 18));
    assert.deepEqual(finding.related, [
      { range: r(5, 4, 5, 14), message: 'Service "a" receives the value through this merge key.' },
      { range: r(7, 4, 7, 14), message: 'Service "b" receives the value through this merge key.' },
    ]);
    assert.match(finding.message, /^Services "a", "b" run privileged/);
    assert.equal(finding.fixes[0].title, 'Remove "privileged" in the anchor (affects 2 services)');
    assert.equal(finding.fixes[0].isPreferred, false);
    const out = fix(anchored, finding);
    assert.equal(out, anchored.replace('  privileged: true\n', ''));
    assert.deepEqual(check(C070, out), []);
    // "Only in b" inserts the override right after b's merge key.
    const onlyB = finding.fixes.find((f) => f.title.includes('"b"'))!;
    assert.equal(onlyB.isPreferred, false);
    const outB = applyEdits(anchored, onlyB.edits);
    assert.ok(outB.includes('  b:\n    <<: *debug\n    privileged: false\n    command: sh\n'));
    assert.equal(check(C070, outB)[0].related!.length, 1);
  });

  it('gives no finding for an anchor no service receives', () => {
    assert.deepEqual(check(C070, lines('x-debug: &debug', '  privileged: true', 'services:', '  web:', '    image: x')), []);
  });

  it('keeps CRLF line endings', () => {
    const crlf = 'services:\r\n  web:\r\n    privileged: true\r\n    image: x\r\n';
    const [finding] = check(C070, crlf);
    assert.deepEqual(finding.range, r(2, 16, 2, 20));
    assert.equal(fix(crlf, finding), 'services:\r\n  web:\r\n    image: x\r\n');
  });

  it('works after a BOM', () => {
    const bom = '\uFEFFservices:\n  web:\n    privileged: true\n';
    const [finding] = check(C070, bom);
    assert.deepEqual(finding.range, r(2, 16, 2, 20));
    assert.equal(fix(bom, finding), '\uFEFFservices:\n  web:\n    {}\n');
  });
});

describe('CG-C040 host network', () => {
  it('reports the value; the removal is offered but not preferred', () => {
    const text = lines('services:', '  web:', '    network_mode: host', '    image: x');
    const [finding] = check(C040, text);
    assert.deepEqual(finding.range, r(2, 18, 2, 22));
    assert.equal(finding.fixes.length, 1);
    assert.equal(finding.fixes[0].isPreferred, false);
    const out = fix(text, finding);
    assert.equal(out, lines('services:', '  web:', '    image: x'));
    assert.deepEqual(check(C040, out), []);
  });

  it('interpolates', () => {
    assert.equal(check(C040, lines('services:', '  web:', '    network_mode: "${NET:-host}"'))[0].severity, undefined);
    assert.deepEqual(check(C040, lines('services:', '  web:', '    network_mode: ${NET:-bridge}')), []);
    assert.deepEqual(check(C040, lines('services:', '  web:', '    network_mode: "service:db"')), []);
    assert.deepEqual(check(C040, lines('services:', '  web:', '    network_mode: "service:${DB}"')), []);
    assert.equal(check(C040, lines('services:', '  web:', '    network_mode: ${NET}'))[0].severity, 'info');
  });

  it('works in flow style', () => {
    const text = lines('services:', '  web: {network_mode: host, image: x}');
    const [finding] = check(C040, text);
    assert.deepEqual(finding.range, r(1, 22, 1, 26));
    assert.equal(fix(text, finding), lines('services:', '  web: {image: x}'));
  });
});

describe('CG-C041 ports on all interfaces', () => {
  const text = lines(
    'services:', // 0
    '  web:', // 1
    '    ports:', // 2
    '      - "8080:80"', // 3
    '      - 8081:81', // 4
    '      - 80', // 5
    '      - "90"', // 6
    '      - "8000-8010:8000-8010"', // 7
    '      - 0.0.0.0:443:443', // 8
    '      - "[::]:8443:443"', // 9
    '      - "127.0.0.1:5000:5000"', // 10
    '      - "[::1]:5001:5001"', // 11
    '      - "${PORT}:80"', // 12
    '      - "${PORTS}"', // 13
    '      - ${BIND:-127.0.0.1}:9000:9000', // 14
    '      - "6060:6060/udp"', // 15
    "      - ':::7000:7000'", // 16
  );

  it('reports each unbound short-form port on its scalar', () => {
    const findings = check(C041, text);
    assert.deepEqual(findings.map((f) => f.range), [
      r(3, 8, 3, 17),
      r(4, 8, 4, 15),
      r(5, 8, 5, 10),
      r(6, 8, 6, 12),
      r(7, 8, 7, 29),
      r(8, 8, 8, 23),
      r(9, 8, 9, 23),
      r(12, 8, 12, 20),
      r(15, 8, 15, 23),
      r(16, 8, 16, 22),
    ]);
    assert.ok(findings.every((f) => f.fixes.length === 1 && !f.fixes[0].isPreferred), 'binding to 127.0.0.1 changes who can reach the service: not in fix-all');
    assert.match(findings[0].message, /"8080:80"/);
  });

  it('binds each to loopback, keeping the quoting', () => {
    const out = hardenAll([C041], text);
    assert.equal(
      out,
      lines(
        'services:',
        '  web:',
        '    ports:',
        '      - "127.0.0.1:8080:80"',
        '      - 127.0.0.1:8081:81',
        '      - "127.0.0.1::80"',
        '      - "127.0.0.1::90"',
        '      - "127.0.0.1:8000-8010:8000-8010"',
        '      - 127.0.0.1:443:443',
        '      - "[::1]:8443:443"',
        '      - "127.0.0.1:5000:5000"',
        '      - "[::1]:5001:5001"',
        '      - "127.0.0.1:${PORT}:80"',
        '      - "${PORTS}"',
        '      - ${BIND:-127.0.0.1}:9000:9000',
        '      - "127.0.0.1:6060:6060/udp"',
        "      - '[::1]:7000:7000'",
      ),
    );
    assertNoErrors(out);
    assert.deepEqual(check(C041, out), []);
  });

  it('handles the long syntax', () => {
    const long = lines(
      'services:', // 0
      '  web:', // 1
      '    ports:', // 2
      '      - target: 80', // 3
      '        published: "8080"', // 4
      '        protocol: tcp', // 5
      '      - target: 81', // 6
      '        host_ip: 0.0.0.0', // 7
      '      - target: 82', // 8
      '        published: 8082', // 9
      '        host_ip: 127.0.0.1', // 10
      '      - {target: 83, published: 8083}', // 11
    );
    const findings = check(C041, long);
    assert.deepEqual(findings.map((f) => f.range), [r(4, 8, 4, 17), r(7, 17, 7, 24), r(11, 21, 11, 30)]);
    assert.equal(
      hardenAll([C041], long),
      lines(
        'services:',
        '  web:',
        '    ports:',
        '      - target: 80',
        '        published: "8080"',
        '        protocol: tcp',
        '        host_ip: 127.0.0.1',
        '      - target: 81',
        '        host_ip: 127.0.0.1',
        '      - target: 82',
        '        published: 8082',
        '        host_ip: 127.0.0.1',
        '      - {target: 83, published: 8083, host_ip: 127.0.0.1}',
      ),
    );
    assert.deepEqual(check(C041, hardenAll([C041], long)), []);
  });

  it('works in flow sequences and with CRLF', () => {
    const flow = 'services:\r\n  web:\r\n    ports: ["80:80", \'127.0.0.1:81:81\']\r\n';
    const [finding] = check(C041, flow);
    assert.deepEqual(finding.range, r(2, 12, 2, 19));
    assert.equal(fix(flow, finding), 'services:\r\n  web:\r\n    ports: ["127.0.0.1:80:80", \'127.0.0.1:81:81\']\r\n');
  });

  it('reports a port list shared through an alias once, with each alias', () => {
    const shared = lines('x-ports: &ports ["80:80"]', 'services:', '  a:', '    ports: *ports', '  b:', '    ports: *ports');
    const findings = check(C041, shared);
    assert.equal(findings.length, 1);
    assert.deepEqual(findings[0].range, r(0, 17, 0, 24));
    assert.deepEqual(findings[0].related!.map((x) => x.range), [r(3, 11, 3, 17), r(5, 11, 5, 17)]);
    assert.match(findings[0].fixes[0].title, /in the anchor \(affects 2 services\)/);
  });
});

describe('CG-C043 docker socket', () => {
  it('reports short-form mounts and deletes the item (not preferred)', () => {
    const text = lines(
      'services:', // 0
      '  web:', // 1
      '    volumes:', // 2
      '      - ./data:/data', // 3
      '      - /var/run/docker.sock:/var/run/docker.sock:ro', // 4
      '      - //var/run/docker.sock:/var/run/docker.sock', // 5
      '      - "/run/docker.sock:/run/docker.sock"', // 6
      '      - ${XDG_RUNTIME_DIR}/docker.sock:/var/run/docker.sock', // 7
      "      - 'C:\\Users\\me\\docker.sock:/var/run/docker.sock'", // 8
      '      - /var/run/docker.sock', // 9 anonymous volume at that path: no host mount
      '      - ./sock:/var/run/docker.sock', // 10
      '      - docker.sock:/x', // 11 named volume
      '      - /var/run/docker.sock.bak:/x', // 12
    );
    const findings = check(C043, text);
    assert.deepEqual(findings.map((f) => f.range), [r(4, 8, 4, 52), r(5, 8, 5, 50), r(6, 8, 6, 43), r(7, 8, 7, 59), r(8, 8, 8, 54)]);
    assert.match(findings[0].message, /tecnativa\/docker-socket-proxy/);
    assert.match(findings[0].message, /":ro" does not help/);
    assert.equal(findings[0].fixes[0].isPreferred, false);
    const out = fix(text, findings[0]);
    assert.equal(out, text.replace('      - /var/run/docker.sock:/var/run/docker.sock:ro\n', ''));
    assert.equal(check(C043, out).length, 4);
  });

  it('reports the long syntax on its source and deletes the whole item', () => {
    const text = lines(
      'services:',
      '  web:',
      '    volumes:',
      '      - type: bind',
      '        source: /var/run/docker.sock',
      '        target: /var/run/docker.sock',
      '        read_only: true',
      '      - type: volume',
      '        source: docker.sock',
      '        target: /x',
    );
    const [finding, ...rest] = check(C043, text);
    assert.equal(rest.length, 0);
    assert.deepEqual(finding.range, r(4, 16, 4, 36));
    const out = fix(text, finding);
    assert.equal(out, lines('services:', '  web:', '    volumes:', '      - type: volume', '        source: docker.sock', '        target: /x'));
  });

  it('leaves [] when the only mount goes, and works in flow style', () => {
    const text = lines('services:', '  web:', '    volumes: ["/var/run/docker.sock:/var/run/docker.sock"]');
    const [finding] = check(C043, text);
    assert.equal(fix(text, finding), lines('services:', '  web:', '    volumes: []'));
    const block = lines('services:', '  web:', '    volumes:', '      - /var/run/docker.sock:/var/run/docker.sock');
    assert.equal(fix(block, check(C043, block)[0]), lines('services:', '  web:', '    volumes:', '      []'));
  });

  it('reports a top-level volume whose device is the socket, with the services that mount it', () => {
    const text = lines(
      'services:', // 0
      '  web:', // 1
      '    volumes:', // 2
      '      - sock:/var/run/docker.sock', // 3
      'volumes:', // 4
      '  sock:', // 5
      '    driver_opts:', // 6
      '      type: none', // 7
      '      o: bind', // 8
      '      device: /var/run/docker.sock', // 9
    );
    const [finding, ...rest] = check(C043, text);
    assert.equal(rest.length, 0);
    assert.deepEqual(finding.range, r(9, 14, 9, 34));
    assert.deepEqual(finding.related, [{ range: r(3, 8, 3, 33), message: 'Service "web" mounts volume "sock" here.' }]);
    assert.deepEqual(finding.fixes, []);
  });
});

describe('CG-C020 cap_drop ALL', () => {
  it('reports a missing cap_drop on the service key and inserts it after the last key that holds no block list', () => {
    const text = lines('services:', '  web:', '    image: x', '    ports:', '      - "80"', '  db:', '    image: y');
    const findings = check(C020, text);
    assert.deepEqual(findings.map((f) => f.range), [r(1, 2, 1, 5), r(5, 2, 5, 4)]);
    const out = fix(text, findings[0]);
    // Not after `ports:`'s list: that is where other fixes append items, and the result would depend on their order.
    assert.equal(out, lines('services:', '  web:', '    image: x', '    cap_drop:', '      - ALL', '    ports:', '      - "80"', '  db:', '    image: y'));
    assert.deepEqual(check(C020, out).map((f) => f.range), [r(7, 2, 7, 4)]);
    const all = hardenAll([C020], text);
    assert.deepEqual(check(C020, all), []);
    assert.equal(all, lines('services:', '  web:', '    image: x', '    cap_drop:', '      - ALL', '    ports:', '      - "80"', '  db:', '    image: y', '    cap_drop:', '      - ALL'));
  });

  it('counts cap_drop received through a merge key', () => {
    const text = lines('x-hardening: &hardening', '  cap_drop: [ALL]', 'services:', '  web:', '    <<: *hardening', '    image: x');
    assert.deepEqual(check(C020, text), []);
  });

  it('inserts next to the merge key when the merged mapping lacks it', () => {
    const text = lines('x-base: &base', '  restart: always', 'services:', '  web:', '    <<: *base', '    image: x');
    const [finding] = check(C020, text);
    assert.equal(fix(text, finding), lines('x-base: &base', '  restart: always', 'services:', '  web:', '    <<: *base', '    cap_drop:', '      - ALL', '    image: x'));
  });

  it('accepts ALL in any case with an optional CAP_ prefix', () => {
    for (const list of ['[ALL]', '[all]', '[CAP_ALL]', '["cap_all"]', '[NET_RAW, All]', '["${DROP}"]']) {
      assert.deepEqual(check(C020, lines('services:', '  web:', `    cap_drop: ${list}`)), [], list);
    }
  });

  it('reports a list without ALL on its key and appends ALL', () => {
    const flow = lines('services:', '  web:', '    cap_drop: [NET_RAW]');
    const [finding] = check(C020, flow);
    assert.deepEqual(finding.range, r(2, 4, 2, 12));
    assert.equal(fix(flow, finding), lines('services:', '  web:', '    cap_drop: [NET_RAW, ALL]'));
    const block = lines('services:', '  web:', '    cap_drop:', '      - NET_RAW # why', '    image: x');
    assert.equal(fix(block, check(C020, block)[0]), lines('services:', '  web:', '    cap_drop:', '      - NET_RAW # why', '      - ALL', '    image: x'));
    const empty = lines('services:', '  web:', '    cap_drop:', '    image: x');
    assert.equal(fix(empty, check(C020, empty)[0]), lines('services:', '  web:', '    cap_drop: [ALL]', '    image: x'));
    const reset = lines('services:', '  web:', '    cap_drop: !reset []');
    assert.equal(fix(reset, check(C020, reset)[0]), lines('services:', '  web:', '    cap_drop: !reset [ALL]'));
  });

  it('handles flow services, the file style, CRLF and EOF without a line break', () => {
    const flow = lines('services:', '  web: {image: x}');
    assert.equal(fix(flow, check(C020, flow)[0]), lines('services:', '  web: {image: x, cap_drop: [ALL]}'));
    const four = lines('services:', '    web:', '        image: x', '        ports:', '        - "80"');
    assert.equal(fix(four, check(C020, four)[0]), lines('services:', '    web:', '        image: x', '        cap_drop:', '        - ALL', '        ports:', '        - "80"'));
    const crlf = 'services:\r\n  web:\r\n    image: x';
    assert.equal(fix(crlf, check(C020, crlf)[0]), 'services:\r\n  web:\r\n    image: x\r\n    cap_drop:\r\n      - ALL');
  });

  it('reports a service that is only an alias without a fix', () => {
    const text = lines('services:', '  web: &web', '    image: x', '    cap_drop: [ALL]', '  api: &api', '    image: y', '  api2: *api');
    const findings = check(C020, text);
    assert.deepEqual(findings.map((f) => [f.range, f.fixes.length]), [[r(4, 2, 4, 5), 1], [r(6, 2, 6, 6), 0]]);
  });
});

describe('CG-C023 no-new-privileges', () => {
  it('reports a missing security_opt and inserts it', () => {
    const text = lines('services:', '  web:', '    image: x');
    const [finding] = check(C023, text);
    assert.deepEqual(finding.range, r(1, 2, 1, 5));
    const out = fix(text, finding);
    assert.equal(out, lines('services:', '  web:', '    image: x', '    security_opt:', '      - no-new-privileges:true'));
    assert.deepEqual(check(C023, out), []);
  });

  it('accepts the three spellings', () => {
    for (const item of ['no-new-privileges', 'no-new-privileges:true', 'no-new-privileges=true', '"no-new-privileges:TRUE"', 'no-new-privileges:${NNP:-true}']) {
      assert.deepEqual(check(C023, lines('services:', '  web:', '    security_opt:', `      - ${item}`)), [], item);
    }
  });

  it('reports no-new-privileges:false on the item and turns it on', () => {
    const text = lines('services:', '  web:', '    security_opt:', '      - label:type:x', '      - "no-new-privileges:false"');
    const [finding, ...rest] = check(C023, text);
    assert.equal(rest.length, 0);
    assert.deepEqual(finding.range, r(4, 8, 4, 33));
    assert.equal(fix(text, finding), lines('services:', '  web:', '    security_opt:', '      - label:type:x', '      - "no-new-privileges:true"'));
  });

  it('reports a list without it on the key and appends it', () => {
    const block = lines('services:', '  web:', '    security_opt:', '      - seccomp:unconfined');
    const [finding] = check(C023, block);
    assert.deepEqual(finding.range, r(2, 4, 2, 16));
    const out = fix(block, finding);
    assert.equal(out, lines('services:', '  web:', '    security_opt:', '      - seccomp:unconfined', '      - no-new-privileges:true'));
    assert.deepEqual(check(C023, out), []);
    const flow = lines('services:', '  web:', '    security_opt: [seccomp:unconfined]');
    const flowOut = fix(flow, check(C023, flow)[0]);
    assert.equal(flowOut, lines('services:', '  web:', '    security_opt: [seccomp:unconfined, "no-new-privileges:true"]'));
    assert.deepEqual(check(C023, flowOut), []);
  });

  it('reports an anchored list once in the anchor', () => {
    const text = lines('x-sec: &sec', '  security_opt: [apparmor:x]', 'services:', '  a:', '    <<: *sec', '  b:', '    <<: *sec');
    const findings = check(C023, text);
    assert.equal(findings.length, 1);
    assert.deepEqual(findings[0].range, r(1, 2, 1, 14));
    assert.equal(findings[0].related!.length, 2);
    assert.deepEqual(check(C023, fix(text, findings[0])), []);
  });
});

describe('fixes across rules', () => {
  it('C020 and C023 insert at the same place without overlapping, also at EOF', () => {
    for (const eol of ['\n', '\r\n']) {
      for (const final of [eol, '']) {
        const text = ['x-base: &base', '  image: x', 'services:', '  web:', '    <<: *base', '  db:', '    image: y'].join(eol) + final;
        const out = hardenAll(capDropAndNoNewPrivileges, text);
        assertNoErrors(out);
        const model = parseCompose(out);
        assert.deepEqual(capDropAndNoNewPrivileges.flatMap((rule) => runRule(rule, model, { profile: 'baseline' })), []);
        assert.equal(
          out,
          [
            'x-base: &base',
            '  image: x',
            'services:',
            '  web:',
            '    <<: *base',
            '    cap_drop:',
            '      - ALL',
            '    security_opt:',
            '      - no-new-privileges:true',
            '  db:',
            '    image: y',
            '    cap_drop:',
            '      - ALL',
            '    security_opt:',
            '      - no-new-privileges:true',
          ].join(eol) + final,
        );
        // Idempotent: a second pass changes nothing.
        assert.equal(hardenAll(capDropAndNoNewPrivileges, out), out);
      }
    }
  });

  it('fix-all changes nothing in a realistic file: none of these fixes is safe unattended (catalogue §6.4)', () => {
    const text = lines(
      '# app',
      'services:',
      '  web:',
      '    image: nginx:1.27',
      '    privileged: true # debug',
      '    ports:',
      '      - "8080:80"',
      '    volumes:',
      '      - /var/run/docker.sock:/var/run/docker.sock',
      '  worker: {image: w, network_mode: host}',
    );
    assert.equal(fixAll(firstRules, text), text);
    const left = firstRules.flatMap((rule) => runRule(rule, parseCompose(text), { profile: 'baseline' }));
    assert.ok(left.length >= 6);
    assert.ok(left.every((f) => f.fixes.every((x) => !x.isPreferred)));
  });
});

describe('edge readings', () => {
  it('treats a quoted "<<" as an ordinary key, not a merge', () => {
    const text = lines('x-a: &a {cap_drop: [ALL]}', 'services:', '  web:', '    "<<": *a', '    image: x');
    assert.equal(check(C020, text).length, 1);
  });

  it('reports no-new-privileges=0 and keeps a plain item plain', () => {
    const text = lines('services:', '  web:', '    security_opt:', '      - no-new-privileges=0');
    const [finding] = check(C023, text);
    assert.deepEqual(finding.range, r(3, 8, 3, 27));
    assert.equal(fix(text, finding), lines('services:', '  web:', '    security_opt:', '      - no-new-privileges:true'));
  });

  it('does not offer to delete a mount whose anchor is used elsewhere', () => {
    const text = lines('services:', '  web:', '    volumes:', '      - &sock /var/run/docker.sock:/var/run/docker.sock', '  ci:', '    volumes: [*sock]');
    const findings = check(C043, text);
    assert.equal(findings.length, 1);
    assert.deepEqual(findings[0].fixes, []);
    assert.equal(findings[0].related!.length, 1);
  });

  it('places an ignore comment line for a finding in a flow mapping on the service line', () => {
    const text = lines('services:', '  web: {image: x,', '    privileged: true}');
    const model = parseCompose(text);
    const [finding] = runRule(C070, model, { profile: 'baseline' });
    assert.equal(model.statementStart(finding.range.start.line), 1);
  });
});
