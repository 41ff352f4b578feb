// Compose presence rules on mounts: sensitive host paths (C051) and mount propagation (C052).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { composeRules } from '../../server/src/rules/compose';
import { rule as C051 } from '../../server/src/rules/compose/C051-sensitive-host-path';
import { isReadOnlyExempt, normalizeHostPath, sensitivity } from '../../server/src/engine/compose/host-paths';
import { rule as C052 } from '../../server/src/rules/compose/C052-mount-propagation';
import { checkCompose as check, composeIds as ids, fixCompose as fix, lines, range as r } from './kit';

describe('presence rules on mounts: metadata', () => {
  it('are registered with catalogue severities and equivalents', () => {
    for (const rule of [C051, C052]) assert.equal(composeRules.filter((x) => x.meta.id === rule.meta.id).length, 1, rule.meta.id);
    assert.equal(C051.meta.severity, 'error');
    assert.deepEqual(C051.meta.equivalents, ['KICS 1c1325ff-831d-43a1-973e-839ae57dfcc0', 'CIS 5.6', 'Dockle DKL-DI-0002']);
    assert.equal(C052.meta.severity, 'warning');
    assert.deepEqual(C052.meta.equivalents, ['KICS baa452f0-1f21-4a25-ace5-844e7a5f410d', 'CIS 5.20']);
  });
});

describe('CG-C051 host paths', () => {
  it('classifies paths by segment', () => {
    const tier = (p: string) => {
      const normal = normalizeHostPath(p);
      return normal === undefined ? 'relative' : sensitivity(normal)?.tier;
    };
    // Catalogue §6.3: the roots themselves and credential or control locations are Errors …
    for (const p of ['/', '//', '/etc', '/etc/', '/etc/shadow', '/etc/ssh/sshd_config', '/etc/sudoers.d', '/proc/1', '/sys', '/dev/shm', '/boot', '/root/.ssh', '/lib', '/lib64', '/libx32', '/lib/modules', '/usr', '/bin', '/sbin', '/var/lib/docker', '/var/lib/docker/volumes', '/run', '/run/containerd', '/var/run', '/var/./run/x', '/srv/../etc', '~/.ssh', '/home/bob/.aws/credentials']) {
      assert.equal(tier(p), 'error', p);
    }
    // … other system paths, whole home directories and their dotfiles, and the data roots themselves are Warnings …
    for (const p of ['/etc/nginx', '/usr/local/bin', '/lib/firmware', '/home', '/home/me', '~', '~/.bashrc', '~bob/.config/x', '/var', '/var/log', '/var/lib/postgres', '/srv', '/media', '/mnt']) assert.equal(tier(p), 'warning', p);
    // … and application data below them is not reported.
    for (const p of ['/etcd', '/opt', '/opt/app', '/data', '/usrlocal', '/variable', '/tmp', '/homework', '/srv/data', '/media/usb', '/mnt/data', '~/projects', '~bob/x', '/home/me/data']) assert.equal(tier(p), undefined, p);
    for (const p of ['./etc', 'etc', '../etc', 'C:\\Windows', '\\\\server\\share', '\u0000/etc']) assert.equal(tier(p), 'relative', p);
    assert.ok(isReadOnlyExempt('/etc/localtime'));
    assert.ok(isReadOnlyExempt('/usr/share/zoneinfo/Europe/Paris'));
    assert.ok(isReadOnlyExempt('/etc/ssl/certs/ca-certificates.crt'));
    assert.ok(!isReadOnlyExempt('/etc/ssl/private'));
    assert.ok(!isReadOnlyExempt('/etc/hostsx'));
  });

  const text = lines(
    'services:', // 0
    '  web:', // 1
    '    volumes:', // 2
    '      - /etc:/host-etc', // 3
    '      - /etc/nginx:/etc/nginx:ro', // 4
    '      - /home/me/data:/data', // 5
    '      - "~/.aws:/root/.aws:ro,z"', // 6
    '      - /etcd:/x', // 7
    '      - ./etc:/y', // 8
    '      - /var/run/docker.sock:/var/run/docker.sock', // 9
    '      - /etc/localtime:/etc/localtime:ro', // 10
    '      - logs:/var/log', // 11
    '      - /var/lib/docker', // 12
    '      - C:\\etc:/z', // 13
  );

  it('reports short syntax on the item with tiers lowered by :ro', () => {
    const findings = check(C051, text);
    assert.deepEqual(
      findings.map((f) => [f.range, f.severity]),
      [
        [r(3, 8, 3, 22), undefined],
        [r(4, 8, 4, 32), 'info'],
        [r(6, 8, 6, 32), 'warning'],
      ],
    );
    assert.equal(
      findings[0].message,
      'Service "web" bind-mounts the host path "/etc" read-write: the container can read and change host files there, which can lead to host compromise. Mount only the files it needs, read-only, or use a named volume.',
    );
    assert.equal(
      findings[1].message,
      'Service "web" bind-mounts the host path "/etc/nginx" (under /etc) read-only: the container can still read host files there (keys, credentials, configuration). Mount only the files it needs.',
    );
    assert.match(findings[2].message, /host path "~\/.aws" read-only/);
    assert.ok(findings.every((f) => f.fixes.length === 0), 'no fix clears these');
  });

  it('reports long syntax on its source; read_only: true lowers the tier', () => {
    const long = lines(
      'services:', // 0
      '  web:', // 1
      '    volumes:', // 2
      '      - type: bind', // 3
      '        source: /proc', // 4
      '        target: /host/proc', // 5
      '        read_only: true', // 6
      '      - type: bind', // 7
      '        source: /srv/www', // 8
      '        target: /www', // 9
      '      - type: volume', // 10
      '        source: etc', // 11
      '        target: /etc', // 12
    );
    const findings = check(C051, long);
    // `/srv/www` is application data below /srv: not reported (§6.3).
    assert.deepEqual(findings.map((f) => [f.range, f.severity]), [[r(4, 16, 4, 21), 'warning']]);
    assert.match(findings[0].message, /"\/proc" read-only/);
  });

  it('skips read-only mounts of the exempt paths and offers "make read-only" where it clears the finding', () => {
    const exempt = lines(
      'services:', // 0
      '  web:', // 1
      '    volumes:', // 2
      '      - /etc/localtime:/etc/localtime', // 3
      '      - "/etc/timezone:/etc/timezone:rw"', // 4
      "      - '/etc/resolv.conf:/etc/resolv.conf:z'", // 5
      '      - type: bind', // 6
      '        source: /etc/ssl/certs', // 7
      '        target: /etc/ssl/certs', // 8
      '      - type: bind', // 9
      '        source: /usr/share/zoneinfo', // 10
      '        target: /usr/share/zoneinfo', // 11
      '        read_only: false', // 12
      '      - /etc/hosts:/etc/hosts:ro', // 13
    );
    const findings = check(C051, exempt);
    assert.deepEqual(findings.map((f) => f.range.start.line), [3, 4, 5, 7, 10]);
    assert.ok(findings.every((f) => f.fixes.length === 1 && f.fixes[0].title === 'Make the mount read-only' && !f.fixes[0].isPreferred));
    const expected = [
      exempt.replace('/etc/localtime:/etc/localtime\n', '/etc/localtime:/etc/localtime:ro\n'),
      exempt.replace('"/etc/timezone:/etc/timezone:rw"', '"/etc/timezone:/etc/timezone:ro"'),
      exempt.replace("'/etc/resolv.conf:/etc/resolv.conf:z'", "'/etc/resolv.conf:/etc/resolv.conf:z,ro'"),
      exempt.replace('        target: /etc/ssl/certs\n', '        target: /etc/ssl/certs\n        read_only: true\n'),
      exempt.replace('read_only: false', 'read_only: true'),
    ];
    findings.forEach((finding, i) => {
      const out = fix(exempt, finding);
      assert.equal(out, expected[i]);
      const left = check(C051, out);
      assert.equal(left.length, 4, 'that finding is gone');
      assert.ok(!left.some((f) => f.range.start.line === finding.range.start.line));
    });
  });

  it('reports a top-level volume on its device, read-only only when every mount is', () => {
    const top = lines(
      'services:', // 0
      '  a:', // 1
      '    volumes:', // 2
      '      - conf:/conf:ro', // 3
      '  b:', // 4
      '    volumes:', // 5
      '      - type: volume', // 6
      '        source: conf', // 7
      '        target: /conf', // 8
      'volumes:', // 9
      '  conf:', // 10
      '    driver_opts:', // 11
      '      type: none', // 12
      '      o: bind', // 13
      '      device: /etc/app', // 14
      '  data:', // 15
      '    driver_opts: {o: "bind,ro", device: /root/data}', // 16
      '  plain: {}', // 17
    );
    const findings = check(C051, top);
    assert.deepEqual(findings.map((f) => [f.range, f.severity]), [[r(14, 14, 14, 22), 'warning'], [r(16, 40, 16, 50), 'warning']]);
    assert.match(findings[0].message, /^Volume "conf" binds the host path "\/etc\/app" \(under \/etc\) read-write; every service that mounts it gets it\./);
    assert.deepEqual(findings[0].related, [
      { range: r(3, 8, 3, 21), message: 'Service "a" mounts volume "conf" here (read-only).' },
      { range: r(6, 8, 8, 21), message: 'Service "b" mounts volume "conf" here.' },
    ]);
    const allRo = top.replace('        target: /conf\n', '        target: /conf\n        read_only: true\n');
    assert.equal(check(C051, allRo)[0].severity, 'info');
  });

  it('reports an anchored mount once with its receivers; skips unresolved paths', () => {
    const anchored = lines('x-v: &v', '  volumes:', '    - /:/host:ro', 'services:', '  a:', '    <<: *v', '  b:', '    <<: *v');
    const [finding, ...rest] = check(C051, anchored);
    assert.equal(rest.length, 0);
    assert.equal(finding.severity, 'warning');
    assert.match(finding.message, /^Services "a", "b" bind-mount the host path "\/"/);
    assert.equal(finding.related!.length, 2);
    const vars = check(C051, lines('services:', '  web:', '    volumes:', '      - ${DATA}:/data', '      - ${ROOT:-/etc}:/e', '      - /etc/${APP}:/x', '      - ${HOME}/.ssh:/k:ro', '      - $HOMEDIR/x:/y'));
    assert.deepEqual(vars.map((f) => [f.range.start.line, f.severity]), [[4, undefined], [6, 'warning']]);
    assert.match(vars[1].message, /host path "~\/.ssh" read-only/);
  });

  it('is suppressed by its KICS pragma and by kics-scan ignore-line above the item', () => {
    const plain = lines('services:', '  web:', '    image: x:1', '    volumes:', '      - /etc:/etc');
    assert.ok(ids(plain).includes('CG-C051'));
    assert.ok(!ids('# kics-scan disable=1c1325ff-831d-43a1-973e-839ae57dfcc0\n' + plain).includes('CG-C051'));
    assert.ok(!ids(plain.replace('      - /etc:/etc', '      # kics-scan ignore-line\n      - /etc:/etc')).includes('CG-C051'));
  });
});

describe('CG-C052 mount propagation', () => {
  const text = lines(
    'services:', // 0
    '  web:', // 1
    '    volumes:', // 2
    '      - /a:/a:ro,rshared', // 3
    '      - "/b:/b:slave"', // 4
    '      - /c:/c:rprivate', // 5
    '      - /d:/d:ro', // 6
    '      - type: bind', // 7
    '        source: /e', // 8
    '        target: /e', // 9
    '        bind:', // 10
    '          propagation: rslave', // 11
    '          create_host_path: true', // 12
    '      - type: bind', // 13
    '        source: /f', // 14
    '        target: /f', // 15
    '        bind: {propagation: private}', // 16
    '      - shared:/g', // 17
  );

  it('reports short suffixes on the item and bind.propagation on its value', () => {
    const findings = check(C052, text);
    assert.deepEqual(findings.map((f) => f.range), [r(3, 8, 3, 24), r(4, 8, 4, 21), r(11, 23, 11, 29)]);
    assert.equal(
      findings[0].message,
      'Service "web" mounts a volume with "rshared" propagation: mounts propagate both ways between host and container. Use the default (rprivate) unless the service manages mounts.',
    );
    assert.match(findings[1].message, /"slave" propagation: host mounts under it appear in the container/);
    assert.ok(findings.every((f) => f.severity === undefined));
  });

  it('removes the suffix or the propagation key (not preferred), and the finding goes', () => {
    const findings = check(C052, text);
    assert.deepEqual(
      findings.map((f) => f.fixes.map((x) => [x.title, x.isPreferred])),
      [[['Remove the "rshared" option', false]], [['Remove the "slave" option', false]], [['Remove "propagation" (default rprivate)', false]]],
    );
    const expected = [
      text.replace('/a:/a:ro,rshared', '/a:/a:ro'),
      text.replace('"/b:/b:slave"', '"/b:/b"'),
      text.replace('          propagation: rslave\n', ''),
    ];
    findings.forEach((finding, i) => {
      const out = fix(text, finding);
      assert.equal(out, expected[i]);
      assert.equal(check(C052, out).length, 2);
    });
    let all = text;
    for (let i = 0; i < 3; i++) all = fix(all, check(C052, all)[0]);
    assert.deepEqual(check(C052, all), []);
  });

  it('reports an anchored mount once; is suppressed by its KICS pragma', () => {
    const anchored = lines('x-v: &v', '  volumes: [/mnt:/mnt:rshared]', 'services:', '  a:', '    <<: *v', '  b:', '    <<: *v');
    const [finding, ...rest] = check(C052, anchored);
    assert.equal(rest.length, 0);
    assert.equal(finding.related!.length, 2);
    assert.equal(finding.fixes[0].title, 'Remove the "rshared" option in the anchor (affects 2 services)');
    assert.equal(fix(anchored, finding), anchored.replace('/mnt:/mnt:rshared', '/mnt:/mnt'));
    const plain = lines('services:', '  web:', '    image: x:1', '    volumes: ["/opt:/opt:rshared"]');
    assert.ok(ids(plain).includes('CG-C052'));
    assert.ok(!ids('# kics-scan disable=baa452f0-1f21-4a25-ace5-844e7a5f410d\n' + plain).includes('CG-C052'));
  });
});
