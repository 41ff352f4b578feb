// CG-C105 (catalogue §3.2 G-C05): joining another container's namespaces or volumes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCompose } from '../../server/src/engine/compose/model';
import { analyze, runRule } from '../../server/src/engine/engine';
import type { Finding } from '../../server/src/engine/types';
import { composeRules } from '../../server/src/rules/compose';
import { rule as C105 } from '../../server/src/rules/compose/C105-joined-namespace';

const lines = (...l: string[]) => l.join('\n') + '\n';
const r = (sl: number, sc: number, el: number, ec: number) => ({ start: { line: sl, character: sc }, end: { line: el, character: ec } });
const check = (text: string): Finding[] => runRule(C105, parseCompose(text), { profile: 'baseline' });

describe('CG-C105 joining another container', () => {
  it('is registered as an Info without fixes or equivalents', () => {
    assert.equal(composeRules.filter((rule) => rule.meta.id === 'CG-C105').length, 1);
    assert.equal(C105.meta.severity, 'info');
    assert.deepEqual(C105.meta.equivalents, []);
    assert.equal(C105.meta.fixable, false);
  });

  it('reports "service:x" on the value as an Info when the target is not on the host namespace', () => {
    const text = lines('services:', '  vpn:', '    image: vpn:1', '  app:', '    image: app:1', '    network_mode: "service:vpn"');
    const [finding, ...rest] = check(text);
    assert.equal(rest.length, 0);
    assert.deepEqual(finding.range, r(5, 18, 5, 31));
    assert.equal(finding.severity, undefined);
    assert.equal(
      finding.message,
      'Service "app" joins the network namespace of service "vpn" (network_mode): it inherits that container\'s network exposure. Make sure the target is no more privileged than this service needs.',
    );
    assert.deepEqual(finding.fixes, []);
  });

  it('is a Warning when the target uses the host namespace of the same kind', () => {
    const text = lines('services:', '  agent:', '    pid: host', '    network_mode: host', '  sidecar:', '    pid: service:agent', '    ipc: service:agent');
    const found = check(text);
    assert.deepEqual(found.map((f) => [f.range.start.line, f.severity]), [[5, 'warning'], [6, undefined]]);
    assert.match(found[0].message, /joins the PID namespace of service "agent" \(pid\).* This reaches the host: service "agent" uses the host's PID namespace \(pid: host\)\.$/);
  });

  it('a container:x target is outside the project and stays Info', () => {
    const [finding] = check(lines('services:', '  app:', '    network_mode: container:abc123'));
    assert.equal(finding.severity, undefined);
    assert.match(finding.message, /container "abc123" \(outside this project\)/);
  });

  it('reports volumes_from items; Warning when the target mounts docker.sock or a sensitive path', () => {
    const text = lines(
      'services:',
      '  ci:',
      '    volumes:',
      '      - /var/run/docker.sock:/var/run/docker.sock',
      '  data:',
      '    volumes:',
      '      - ./data:/data',
      '  etc:',
      '    volumes:',
      '      - type: bind',
      '        source: /etc',
      '        target: /host-etc',
      '  app:',
      '    volumes_from:',
      '      - ci',
      '      - data:ro',
      '      - etc',
      '      - container:other',
    );
    const found = check(text);
    assert.deepEqual(found.map((f) => [f.range, f.severity]), [
      [r(14, 8, 14, 10), 'warning'],
      [r(15, 8, 15, 15), undefined],
      [r(16, 8, 16, 11), 'warning'],
      [r(17, 8, 17, 23), undefined],
    ]);
    assert.match(found[0].message, /^Service "app" mounts every volume of service "ci" \(volumes_from\).* This reaches the host: service "ci" mounts the Docker socket\.$/);
    assert.match(found[2].message, /service "etc" mounts the sensitive host path "\/etc"\.$/);
  });

  it('ignores own namespaces, shareable IPC, host (other rules) and unknown values', () => {
    for (const [key, value] of [['ipc', 'shareable'], ['ipc', 'private'], ['pid', 'host'], ['network_mode', 'bridge'], ['network_mode', 'none'], ['network_mode', '${NET}'], ['network_mode', '${NET:-bridge}']]) {
      assert.deepEqual(check(lines('services:', '  app:', `    ${key}: ${value}`)), [], `${key}: ${value}`);
    }
    // A partly unknown target is still a join, never a Warning.
    const [partly] = check(lines('services:', '  app:', '    network_mode: service:${VPN}'));
    assert.equal(partly.severity, undefined);
    assert.match(partly.message, /service "\$\{…\}"/);
  });

  it('reports a join written in an anchor once, for every receiving service', () => {
    const text = lines('x-net: &net', '  network_mode: service:vpn', 'services:', '  vpn:', '    network_mode: host', '  a:', '    <<: *net', '  b:', '    <<: *net');
    const [finding, ...rest] = check(text);
    assert.equal(rest.length, 0);
    assert.equal(finding.severity, 'warning');
    assert.match(finding.message, /^Services "a", "b" join the network namespace .* they inherit/);
    assert.equal(finding.related?.length, 2);
  });

  it('is suppressed by our ignore comment', () => {
    const text = lines('services:', '  app:', '    # container-guard ignore=CG-C105', '    network_mode: service:vpn', '  vpn:', '    image: vpn:1');
    assert.deepEqual(analyze(text, { kind: 'compose' }).findings.filter((f) => f.ruleId === 'CG-C105'), []);
    const shown = analyze(text.replace('# container-guard ignore=CG-C105', '# joined on purpose'), { kind: 'compose' }).findings.filter((f) => f.ruleId === 'CG-C105');
    assert.deepEqual(shown.map((f) => f.severity), ['info']);
  });
});
