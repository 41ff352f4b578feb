// CG-C102 (catalogue §3.2 G-C02): combinations of settings that together mean host takeover.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCompose } from '../../server/src/engine/compose/model';
import { analyze, runRule } from '../../server/src/engine/engine';
import type { Finding } from '../../server/src/engine/types';
import { composeRules } from '../../server/src/rules/compose';
import { rule as C102 } from '../../server/src/rules/compose/C102-dangerous-combination';

const lines = (...l: string[]) => l.join('\n') + '\n';
const r = (sl: number, sc: number, el: number, ec: number) => ({ start: { line: sl, character: sc }, end: { line: el, character: ec } });
const check = (text: string): Finding[] => runRule(C102, parseCompose(text), { profile: 'baseline' });

describe('CG-C102 dangerous combinations', () => {
  it('is registered as an Error without fixes or equivalents', () => {
    assert.equal(composeRules.filter((rule) => rule.meta.id === 'CG-C102').length, 1);
    assert.equal(C102.meta.severity, 'error');
    assert.deepEqual(C102.meta.equivalents, []);
    assert.equal(C102.meta.fixable, false);
  });

  it('host network with privileged and NET_ADMIN: one finding on the service key, related to each value', () => {
    const text = lines('services:', '  router:', '    image: r:1', '    network_mode: host', '    privileged: true', '    cap_add:', '      - CAP_NET_ADMIN', '      - SYS_TIME');
    const [finding, ...rest] = check(text);
    assert.equal(rest.length, 0);
    assert.deepEqual(finding.range, r(1, 2, 1, 8));
    assert.equal(
      finding.message,
      "Service \"router\" combines network_mode: host with privileged: true and cap_add: NET_ADMIN: the container can reconfigure, sniff and spoof the host's own network interfaces (firewall, routes, all traffic). Remove at least one of them.",
    );
    assert.deepEqual(finding.related?.map((x) => [x.range, x.message]), [
      [r(3, 18, 3, 22), '"network_mode: host" is set here.'],
      [r(4, 16, 4, 20), '"privileged: true" is set here.'],
      [r(6, 8, 6, 21), '"cap_add: NET_ADMIN" is set here.'],
    ]);
    assert.deepEqual(finding.fixes, []);
  });

  it('host PID with SYS_PTRACE (or ALL)', () => {
    const [finding] = check(lines('services:', '  dbg:', '    pid: host', '    cap_add: [ALL]'));
    assert.match(finding.message, /^Service "dbg" combines pid: host with cap_add: ALL: the container can attach to any host process/);
    assert.equal(check(lines('services:', '  dbg:', '    pid: host', '    cap_add: [sys_ptrace]')).length, 1);
    assert.deepEqual(check(lines('services:', '  dbg:', '    pid: host', '    cap_add: [NET_ADMIN]')), []);
  });

  it('docker.sock with no user or a root user, not with a non-root or unknown user', () => {
    const base = ['services:', '  ci:', '    volumes:', '      - /var/run/docker.sock:/var/run/docker.sock:ro'];
    const [none] = check(lines(...base));
    assert.match(none.message, /combines a Docker socket mount with no "user:"/);
    assert.deepEqual(none.related?.map((x) => x.range), [r(3, 8, 3, 52)]);
    const [root] = check(lines(...base, '    user: "0:0"'));
    assert.match(root.message, /combines a Docker socket mount with user: 0:0: root in the container/);
    assert.equal(root.related?.length, 2);
    assert.deepEqual(check(lines(...base, '    user: "1000:999"')), []);
    assert.deepEqual(check(lines(...base, '    user: ${UID}')), []);
  });

  it('privileged with /, /dev or /sys bind-mounted (short or long form), not other paths', () => {
    const text = lines('services:', '  x:', '    privileged: "true"', '    volumes:', '      - /:/host', '      - type: bind', '        source: /dev/', '        target: /dev', '      - /sys/fs/cgroup:/sys/fs/cgroup');
    const [finding, ...rest] = check(text);
    assert.equal(rest.length, 0);
    assert.match(finding.message, /combines privileged: true with volume \/ and volume \/dev\/: the container can write the host's filesystem/);
    assert.deepEqual(check(lines('services:', '  x:', '    privileged: false', '    volumes: ["/:/host"]')), []);
  });

  it('does not report a single setting, or values that depend on variables', () => {
    for (const body of [
      ['    network_mode: host'],
      ['    privileged: true'],
      ['    network_mode: ${NET}', '    privileged: true'],
      ['    network_mode: host', '    privileged: ${PRIV:-false}'],
      ['    network_mode: host', '    cap_add: [NET_BIND_SERVICE]'],
      ['    network_mode: bridge', '    cap_add: [NET_ADMIN]'],
    ]) {
      assert.deepEqual(check(lines('services:', '  s:', ...body)), [], body.join(' '));
    }
  });

  it('reads merged values: a combination through an anchor is reported on each service', () => {
    const text = lines('x-net: &net', '  network_mode: host', 'services:', '  a:', '    <<: *net', '    privileged: true', '  b:', '    <<: *net');
    const found = check(text);
    assert.deepEqual(found.map((f) => f.range), [r(3, 2, 3, 3)]);
    assert.deepEqual(found[0].related?.[0].range, r(1, 16, 1, 20));
  });

  it('is an Error through the engine, suppressed by our ignore comment on the service', () => {
    const text = lines('services:', '  dbg:', '    pid: host', '    cap_add: [SYS_PTRACE]');
    assert.deepEqual(analyze(text, { kind: 'compose' }).findings.filter((f) => f.ruleId === 'CG-C102').map((f) => f.severity), ['error']);
    const ignored = lines('services:', '  # container-guard ignore=CG-C102 -- debugging only', '  dbg:', '    pid: host', '    cap_add: [SYS_PTRACE]');
    assert.deepEqual(analyze(ignored, { kind: 'compose' }).findings.filter((f) => f.ruleId === 'CG-C102'), []);
  });
});
