// Compose rules that no anchor has (catalogue §3.2): image digests (C101), sysctls (C103), host cgroup
// namespace (C104), writable bind mounts (C106), tmpfs exec (C109) and sensitive ports on all
// interfaces (C111).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCompose } from '../../server/src/engine/compose/model';
import type { ComposeModel } from '../../server/src/engine/compose/model';
import { analyze, runRule } from '../../server/src/engine/engine';
import { fixAllEdits } from '../../server/src/engine/fix-all';
import { defaultSettings } from '../../server/src/engine/settings';
import { applyEdits } from '../../server/src/engine/text';
import type { Finding, Rule } from '../../server/src/engine/types';
import { composeRules } from '../../server/src/rules/compose';
import { rule as C101 } from '../../server/src/rules/compose/C101-image-digest';
import { rule as C103 } from '../../server/src/rules/compose/C103-unsafe-sysctls';
import { rule as C104 } from '../../server/src/rules/compose/C104-host-cgroup';
import { rule as C106 } from '../../server/src/rules/compose/C106-writable-bind-mount';
import { rule as C109 } from '../../server/src/rules/compose/C109-tmpfs-exec';
import { rule as C111 } from '../../server/src/rules/compose/C111-sensitive-port';

const lines = (...l: string[]) => l.join('\n') + '\n';
const r = (sl: number, sc: number, el: number, ec: number) => ({ start: { line: sl, character: sc }, end: { line: el, character: ec } });
const DIGEST = 'sha256:' + 'a'.repeat(64);

function check(rule: Rule<ComposeModel>, text: string): Finding[] {
  return runRule(rule, parseCompose(text), { profile: 'baseline' });
}

/** Applies fix `index` of the finding and asserts the result still parses. */
function fix(text: string, finding: Finding, index = 0): string {
  const out = applyEdits(text, finding.fixes[index].edits);
  assert.deepEqual(parseCompose(out).problems.filter((p) => p.severity === 'error'), [], `fixed text does not parse:\n${out}`);
  return out;
}

/** Findings of one rule through the whole engine (suppressions and severities applied). */
function diagnosed(id: string, text: string, profile: 'baseline' | 'strict' = 'baseline') {
  return analyze(text, { kind: 'compose', settings: { ...defaultSettings, profile } }).findings.filter((f) => f.ruleId === id);
}

describe('§3.2 additions: metadata', () => {
  it('are registered once each, in id order, with catalogue severities', () => {
    const expected: [Rule<ComposeModel>, string, string | undefined, boolean][] = [
      [C101, 'hint', 'warning', false],
      [C103, 'warning', undefined, false],
      [C104, 'warning', undefined, true],
      [C106, 'hint', 'info', true],
      [C109, 'hint', undefined, true],
      [C111, 'error', undefined, true],
    ];
    for (const [rule, severity, strict, fixable] of expected) {
      assert.equal(composeRules.filter((x) => x.meta.id === rule.meta.id).length, 1, rule.meta.id);
      assert.equal(rule.meta.severity, severity, rule.meta.id);
      assert.equal(rule.meta.strictSeverity, strict, rule.meta.id);
      assert.equal(rule.meta.fixable, fixable, rule.meta.id);
      assert.equal(rule.meta.kind, 'compose');
      // No anchor has these checks (catalogue §3.2).
      assert.deepEqual(rule.meta.equivalents, [], rule.meta.id);
    }
    const ordered = composeRules.map((rule) => rule.meta.id);
    assert.deepEqual([...ordered].sort(), ordered, 'index keeps id order');
  });
});

describe('CG-C101 image not pinned by digest', () => {
  it('reports a tagged image without a digest, on the value, with no offline fix', () => {
    const text = lines('services:', '  web:', '    image: nginx:1.27');
    const [finding, ...rest] = check(C101, text);
    assert.equal(rest.length, 0);
    assert.deepEqual(finding.range, r(2, 11, 2, 21));
    assert.equal(
      finding.message,
      "Image 'nginx:1.27' of service \"web\" is not pinned by digest: the tag can be moved to a different image. Append '@sha256:<digest>' to run exactly the image you reviewed.",
    );
    assert.deepEqual(finding.fixes, []);
    assert.equal(finding.related, undefined);
  });

  it('is a Hint by default and a Warning under the strict profile (catalogue §6.2)', () => {
    const text = lines('services:', '  web:', '    image: ghcr.io/acme/web:2.1');
    assert.deepEqual(diagnosed('CG-C101', text).map((f) => f.severity), ['hint']);
    assert.deepEqual(diagnosed('CG-C101', text, 'strict').map((f) => f.severity), ['warning']);
  });

  it('does not report digests, build services, unresolved tails or empty images', () => {
    for (const value of [`nginx:1.27@${DIGEST}`, `nginx@${DIGEST}`, `"registry:5000/app@${DIGEST}"`, 'nginx:${TAG}', '${IMAGE}', 'acme/${NAME}', '""', '']) {
      assert.deepEqual(check(C101, lines('services:', '  web:', `    image: ${value}`)), [], value);
    }
    assert.deepEqual(check(C101, lines('services:', '  web:', '    build: .', '    image: acme/web:1.0')), []);
  });

  it('reports a resolved default, and an image in an anchor once with each receiving service', () => {
    const [d] = check(C101, lines('services:', '  web:', '    image: ${IMG:-redis:7}'));
    assert.match(d.message, /^Image 'redis:7' of service "web"/);
    const text = lines('x-base: &base', '  image: redis:7', 'services:', '  a:', '    <<: *base', '  b:', '    <<: *base', '  c:', '    <<: *base', '    image: redis:7@' + DIGEST);
    const [finding, ...rest] = check(C101, text);
    assert.equal(rest.length, 0);
    assert.deepEqual(finding.range, r(1, 9, 1, 16));
    assert.match(finding.message, /of services "a", "b" is not pinned/);
    assert.deepEqual(finding.related?.map((x) => x.range), [r(4, 4, 4, 13), r(6, 4, 6, 13)]);
  });

  it('is suppressed by our ignore comment', () => {
    const text = lines('services:', '  web:', '    # container-guard ignore=CG-C101 -- pinned by renovate', '    image: nginx:1.27');
    assert.deepEqual(diagnosed('CG-C101', text), []);
  });
});

describe('CG-C103 unsafe sysctls', () => {
  it('reports a host-wide sysctl in mapping form on its key', () => {
    const text = lines('services:', '  web:', '    image: nginx:1.27', '    sysctls:', '      kernel.core_pattern: "|/tmp/x"', '      net.core.somaxconn: 1024', '      kernel.shmmax: 1000');
    const [finding, ...rest] = check(C103, text);
    assert.equal(rest.length, 0);
    assert.deepEqual(finding.range, r(4, 6, 4, 25));
    assert.match(finding.message, /^Sysctl "kernel\.core_pattern" of service "web" is not isolated per container: it is a host-wide kernel setting/);
    assert.deepEqual(finding.fixes, []);
  });

  it('reports list form on the name only', () => {
    const text = lines('services:', '  web:', '    sysctls:', '      - vm.max_map_count=262144', '      - "net.ipv4.ip_forward=1"', '      - fs.mqueue.msg_max=100', '      - kernel.sem=250 32000 32 128', '      - ${NAME}=1');
    const found = check(C103, text);
    assert.deepEqual(found.map((f) => f.range), [r(3, 8, 3, 24)]);
    assert.match(found[0].message, /"vm\.max_map_count"/);
  });

  it('reports net.* sysctls (only) on a service that uses the host network', () => {
    const text = lines('services:', '  web:', '    network_mode: host', '    sysctls:', '      net/ipv4/ip_forward: 1', '      kernel.msgmax: 65536');
    const [finding, ...rest] = check(C103, text);
    assert.equal(rest.length, 0);
    assert.deepEqual(finding.range, r(4, 6, 4, 25));
    assert.match(finding.message, /^Service "web" uses the host network \(network_mode: host\), so sysctl "net\/ipv4\/ip_forward" changes the host's network stack/);
    // Not host: namespaced; unknown network mode: not judged.
    assert.deepEqual(check(C103, text.replace('network_mode: host', 'network_mode: bridge')), []);
    assert.deepEqual(check(C103, text.replace('network_mode: host', 'network_mode: ${NET}')), []);
  });

  it('reports a sysctl written in an anchor once, for the services it reaches', () => {
    const text = lines('x-k: &k', '  sysctls:', '    kernel.panic: 10', 'services:', '  a:', '    <<: *k', '  b:', '    <<: *k');
    const [finding, ...rest] = check(C103, text);
    assert.equal(rest.length, 0);
    assert.deepEqual(finding.range, r(2, 4, 2, 16));
    assert.equal(finding.related?.length, 2);
  });

  it('is suppressed by our ignore comment on the entry', () => {
    const text = lines('services:', '  web:', '    sysctls:', '      # container-guard ignore=CG-C103', '      vm.overcommit_memory: 1');
    assert.deepEqual(diagnosed('CG-C103', text), []);
    assert.equal(diagnosed('CG-C103', text.replace('# container-guard ignore=CG-C103', '# nothing')).length, 1);
  });
});

describe('CG-C104 host cgroup namespace', () => {
  it('reports "cgroup: host" on the value; removing the key clears it', () => {
    const text = lines('services:', '  web:', '    image: nginx:1.27', '    cgroup: host', '    user: "1000"');
    const [finding, ...rest] = check(C104, text);
    assert.equal(rest.length, 0);
    assert.deepEqual(finding.range, r(3, 12, 3, 16));
    assert.match(finding.message, /^Service "web" shares the host's cgroup namespace \(cgroup: host\)\. The whole host cgroup tree is visible/);
    assert.deepEqual(finding.fixes.map((f) => [f.title, f.isPreferred]), [['Remove "cgroup: host"', false]]);
    const out = fix(text, finding);
    assert.equal(out, lines('services:', '  web:', '    image: nginx:1.27', '    user: "1000"'));
    assert.deepEqual(check(C104, out), []);
  });

  it('ignores "private", reports an unknown value as an Info that depends on it', () => {
    assert.deepEqual(check(C104, lines('services:', '  web:', '    cgroup: private')), []);
    assert.deepEqual(check(C104, lines('services:', '  web:', '    cgroup: ${CG:-private}')), []);
    const [unknown] = check(C104, lines('services:', '  web:', '    cgroup: ${CG}'));
    assert.equal(unknown.severity, 'info');
    assert.match(unknown.message, /^"cgroup" depends on \$\{CG\}/);
  });

  it('offers a reset only in a service that merges it from an anchor', () => {
    const text = lines('x-d: &d', '  cgroup: host', 'services:', '  a:', '    <<: *d', '    image: busybox:1.36');
    const [finding] = check(C104, text);
    assert.deepEqual(finding.fixes.map((f) => f.title), ['Remove "cgroup" in the anchor (affects 1 service)', 'Reset "cgroup" only in service "a"']);
    const out = fix(text, finding, 1);
    assert.equal(out, lines('x-d: &d', '  cgroup: host', 'services:', '  a:', '    <<: *d', '    cgroup: !reset null', '    image: busybox:1.36'));
    assert.deepEqual(check(C104, out), []);
  });

  it('is suppressed by our ignore comment', () => {
    const text = lines('services:', '  web:', '    # container-guard ignore=CG-C104', '    cgroup: host');
    assert.deepEqual(diagnosed('CG-C104', text), []);
    assert.equal(diagnosed('CG-C104', lines('services:', '  web:', '    cgroup: host'))[0].severity, 'warning');
  });
});

describe('CG-C106 writable bind mounts', () => {
  it('reports a short bind without :ro and appends :ro', () => {
    const text = lines('services:', '  web:', '    volumes:', '      - ./src:/app', '      - "./conf:/etc/app:rw"', '      - ./cache:/cache:z');
    const found = check(C106, text);
    assert.deepEqual(found.map((f) => f.range), [r(3, 8, 3, 18), r(4, 8, 4, 28), r(5, 8, 5, 24)]);
    assert.equal(
      found[0].message,
      'Service "web" bind-mounts the host path "./src" at "/app" read-write: the container can change or add files on the host there. Mount it read-only unless the service writes to it.',
    );
    assert.deepEqual(found[0].fixes.map((f) => [f.title, f.isPreferred]), [["Make the mount read-only (':ro')", false]]);
    let out = text;
    for (const f of [...found].reverse()) out = fix(out, f);
    assert.equal(out, lines('services:', '  web:', '    volumes:', '      - ./src:/app:ro', '      - "./conf:/etc/app:ro"', '      - ./cache:/cache:z,ro'));
    assert.deepEqual(check(C106, out), []);
  });

  it('reports long-form type: bind without read_only: true and sets it', () => {
    const text = lines('services:', '  web:', '    volumes:', '      - type: bind', '        source: ./data', '        target: /data', '      - type: bind', '        source: ../logs', '        target: /logs', '        read_only: false');
    const found = check(C106, text);
    assert.deepEqual(found.map((f) => f.range), [r(4, 16, 4, 22), r(7, 16, 7, 23)]);
    assert.match(found[1].message, /host path "\.\.\/logs" at "\/logs" read-write/);
    assert.deepEqual(found.map((f) => f.fixes[0].title), ['Make the mount read-only (read_only: true)', 'Make the mount read-only (read_only: true)']);
    const out = applyEdits(text, found.flatMap((f) => f.fixes[0].edits));
    assert.equal(
      out,
      lines('services:', '  web:', '    volumes:', '      - type: bind', '        source: ./data', '        target: /data', '        read_only: true', '      - type: bind', '        source: ../logs', '        target: /logs', '        read_only: true'),
    );
    assert.deepEqual(check(C106, out), []);
  });

  it('leaves read-only, named, anonymous, unresolved and other rules\' mounts alone', () => {
    for (const item of ['./src:/app:ro', './src:/app:z,ro', 'data:/data', '/data', './x:/y:${MODE}', '${SRC}:/app', '/etc:/etc', '/var/run/docker.sock:/var/run/docker.sock', '/home/me:/h']) {
      assert.deepEqual(check(C106, lines('services:', '  web:', '    volumes:', `      - ${item}`)), [], item);
    }
    for (const long of [['type: volume', 'source: data'], ['type: bind', 'source: ./x', 'read_only: true'], ['type: bind', 'source: ./x', 'read_only: ${RO}'], ['type: tmpfs', 'target: /tmp']]) {
      const text = lines('services:', '  web:', '    volumes:', `      - ${long[0]}`, ...long.slice(1).map((l) => `        ${l}`), '        target: /t');
      assert.deepEqual(check(C106, text), [], long.join(', '));
    }
  });

  it('is a Hint by default and Info under the strict profile; suppressed by our comment', () => {
    const text = lines('services:', '  web:', '    volumes:', '      - ./src:/app');
    assert.deepEqual(diagnosed('CG-C106', text).map((f) => f.severity), ['hint']);
    assert.deepEqual(diagnosed('CG-C106', text, 'strict').map((f) => f.severity), ['info']);
    const ignored = lines('services:', '  web:', '    volumes:', '      # container-guard ignore=CG-C106', '      - ./src:/app');
    assert.deepEqual(diagnosed('CG-C106', ignored), []);
  });

  it('fixes a mount in an anchor there, saying how many services it affects', () => {
    const text = lines('x-v: &v', '  volumes:', '    - ./src:/app', 'services:', '  a:', '    <<: *v', '  b:', '    <<: *v');
    const [finding, ...rest] = check(C106, text);
    assert.equal(rest.length, 0);
    assert.match(finding.message, /^Services "a", "b" bind-mount the host path/);
    assert.equal(finding.fixes[0].title, "Make the mount read-only (':ro') in the anchor (affects 2 services)");
    assert.deepEqual(check(C106, fix(text, finding)), []);
  });
});

describe('CG-C109 tmpfs with exec, suid or dev', () => {
  it('reports a tmpfs entry that turns a default off', () => {
    const text = lines('services:', '  web:', '    tmpfs:', '      - /tmp:rw,noexec,nosuid', '      - /run:exec,suid,size=64m');
    const [finding, ...rest] = check(C109, text);
    assert.equal(rest.length, 0);
    assert.deepEqual(finding.range, r(4, 8, 4, 31));
    assert.equal(
      finding.message,
      'Service "web" mounts tmpfs "/run" with "exec", "suid", turning off Docker\'s noexec, nosuid default: a writable directory from which programs (or setuid binaries, or device nodes) work. Remove those options unless the service needs them.',
    );
    assert.equal(finding.fixes[0].title, 'Remove "exec", "suid" from the tmpfs options');
    assert.deepEqual(check(C109, fix(text, finding)), []);
  });

  it('reads the string form, and trusts Docker\'s defaults otherwise', () => {
    assert.equal(check(C109, lines('services:', '  web:', '    tmpfs: /cache:dev')).length, 1);
    for (const value of ['/tmp', '/tmp:size=64m', '[/tmp, /run]', '/tmp:noexec,nosuid,nodev', '/tmp:${OPTS}']) {
      assert.deepEqual(check(C109, lines('services:', '  web:', `    tmpfs: ${value}`)), [], value);
    }
    const long = lines('services:', '  web:', '    volumes:', '      - type: tmpfs', '        target: /tmp');
    assert.deepEqual(check(C109, long), []);
  });

  it('is a Hint, suppressed by our comment', () => {
    const text = lines('services:', '  web:', '    tmpfs: /x:exec');
    assert.deepEqual(diagnosed('CG-C109', text).map((f) => f.severity), ['hint']);
    assert.deepEqual(diagnosed('CG-C109', lines('services:', '  web:', '    # container-guard ignore=CG-C109', '    tmpfs: /x:exec')), []);
  });
});

describe('CG-C111 sensitive ports on all interfaces', () => {
  it('reports a database port without host IP as an Error, with C041\'s bind fix and a removal', () => {
    const text = lines('services:', '  db:', '    image: postgres:16', '    ports:', '      - "5432:5432"', '      - "127.0.0.1:6379:6379"', '      - "8080:80"');
    const [finding, ...rest] = check(C111, text);
    assert.equal(rest.length, 0);
    assert.deepEqual(finding.range, r(4, 8, 4, 19));
    assert.match(finding.message, /^Container port 5432 \(PostgreSQL\) is published on all host interfaces/);
    assert.deepEqual(finding.fixes.map((f) => [f.title, f.isPreferred]), [['Bind to 127.0.0.1', false], ['Remove the published port', false]]);
    const bound = fix(text, finding);
    assert.equal(bound, text.replace('"5432:5432"', '"127.0.0.1:5432:5432"'));
    assert.deepEqual(check(C111, bound), []);
    const removed = fix(text, finding, 1);
    assert.equal(removed, lines('services:', '  db:', '    image: postgres:16', '    ports:', '      - "127.0.0.1:6379:6379"', '      - "8080:80"'));
    assert.deepEqual(check(C111, removed), []);
  });

  it('is the only finding on its port entry (no C041, no C042, §6.2); its bind fix is not in fix-all', () => {
    const text = lines('services:', '  cache:', '    ports:', '      - 6379:6379', '      - 22:22');
    const analysis = analyze(text, { kind: 'compose' });
    const onPorts = (a: typeof analysis) => a.findings.filter((f) => ['CG-C111', 'CG-C041', 'CG-C042'].includes(f.ruleId)).map((f) => [f.ruleId, f.severity, f.range.start.line]);
    assert.deepEqual(onPorts(analysis), [['CG-C111', 'error', 3], ['CG-C111', 'error', 4]]);
    assert.equal(applyEdits(text, fixAllEdits(analysis)), text, 'binding to loopback cuts off remote clients: never unattended');
    const bound = applyEdits(text, analysis.findings.filter((f) => f.ruleId === 'CG-C111').flatMap((f) => f.fixes[0].edits));
    assert.equal(bound, lines('services:', '  cache:', '    ports:', '      - 127.0.0.1:6379:6379', '      - 127.0.0.1:22:22'));
    // Bound to loopback, host port 22 is below 1024: now C042's (Info), no longer an exposure.
    assert.deepEqual(onPorts(analyze(bound, { kind: 'compose' })), [['CG-C042', 'info', 4]]);
  });

  it('follows C041: long form, explicit 0.0.0.0, ranges and unknown host ports', () => {
    const long = lines('services:', '  mongo:', '    ports:', '      - target: 27017', '        published: 27017');
    const [l] = check(C111, long);
    assert.deepEqual(l.range, r(4, 8, 4, 17));
    assert.match(l.message, /^Container port 27017 \(MongoDB\)/);
    assert.equal(fix(long, l), lines('services:', '  mongo:', '    ports:', '      - target: 27017', '        published: 27017', '        host_ip: 127.0.0.1'));
    for (const port of ['"0.0.0.0:2375:2375"', '"${SSH_PORT}:22"', '"9200-9201:9200-9201"', '"[::]:3306:3306"', '11211:11211/udp']) {
      assert.equal(check(C111, lines('services:', '  s:', '    ports:', `      - ${port}`)).length, 1, port);
    }
    for (const port of ['"127.0.0.1:5432:5432"', '"${IP}:5432:5432"', '"5433:80"', '"2222:2200"', '${PORT}']) {
      assert.deepEqual(check(C111, lines('services:', '  s:', '    ports:', `      - ${port}`)), [], port);
    }
  });

  it('reports a shared port item once, without the per-service removal', () => {
    const text = lines('x-p: &p', '  ports:', '    - "6379:6379"', 'services:', '  a:', '    <<: *p', '  b:', '    <<: *p');
    const [finding, ...rest] = check(C111, text);
    assert.equal(rest.length, 0);
    assert.equal(finding.related?.length, 2);
    assert.deepEqual(finding.fixes.map((f) => f.title), ['Bind to 127.0.0.1 in the anchor (affects 2 services)']);
  });

  it('is suppressed by our ignore comment, and C041 / C042 stay silent on that entry (§6.2)', () => {
    const text = lines('services:', '  db:', '    ports:', '      # container-guard ignore=CG-C111', '      - "5432:5432"', '      - "22:22"');
    assert.deepEqual(diagnosed('CG-C111', text).map((f) => f.range.start.line), [5]);
    assert.deepEqual(diagnosed('CG-C041', text), []);
    assert.deepEqual(diagnosed('CG-C042', text), []);
  });
});
