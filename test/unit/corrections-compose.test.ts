// Compose corrections of catalogue §6.2 and §6.3: duplicate host ports (C045), the C051 path tiers,
// privileged builds and lifecycle hooks (C070, C010), services written in several YAML documents, one
// finding per risk on port entries (C041, C042, C111), and the shared engine predicates behind them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { analyze } from '../../server/src/engine/engine';
import { normalizeSettings } from '../../server/src/engine/settings';
import { parseCompose } from '../../server/src/engine/compose/model';
import { allInterfaces, sensitiveExposure } from '../../server/src/engine/compose/port-exposure';
import { rule as C010 } from '../../server/src/rules/compose/C010-root-user';
import { rule as C041 } from '../../server/src/rules/compose/C041-port-all-interfaces';
import { rule as C042 } from '../../server/src/rules/compose/C042-privileged-ports';
import { rule as C045 } from '../../server/src/rules/compose/C045-duplicate-host-port';
import { rule as C051 } from '../../server/src/rules/compose/C051-sensitive-host-path';
import { rule as C070 } from '../../server/src/rules/compose/C070-privileged';
import { rule as C105 } from '../../server/src/rules/compose/C105-joined-namespace';
import { rule as C106 } from '../../server/src/rules/compose/C106-writable-bind-mount';
import { rule as C111 } from '../../server/src/rules/compose/C111-sensitive-port';
import { checkCompose as check, fixComposeGone, lines, range as r } from './kit';

/** The Compose rule sources: found from the working directory, so tests compiled anywhere (--outDir) work. */
function rulesDir(): string {
  const relative = join('server', 'src', 'rules', 'compose');
  for (let dir = process.cwd(); dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, relative))) return join(dir, relative);
  }
  return resolve(__dirname, '..', '..', '..', relative);
}

/** Findings of the whole engine for one rule, with `rules:` overrides. */
const engine = (text: string, id: string, rules: Record<string, string> = {}) =>
  analyze(text, { kind: 'compose', settings: normalizeSettings({ rules, summarize: false }) }).findings.filter((f) => f.ruleId === id);

describe('CG-C045 duplicate host ports (§6.3)', () => {
  it('an entry written twice in one service is a Hint on the repeat, related to the first', () => {
    const text = lines(
      'services:', // 0
      '  web:', // 1
      '    ports:', // 2
      '      - "8080:80"', // 3
      '      - "0.0.0.0:8080:80/tcp"', // 4 the same entry: no IP is 0.0.0.0, tcp is the default
      '      - target: 80', // 5 the same again in the long syntax
      '        published: 8080', // 6
    );
    const findings = check(C045, text);
    assert.deepEqual(findings.map((f) => [f.range, f.severity]), [[r(4, 8, 4, 29), 'hint'], [r(5, 8, 6, 23), 'hint']]);
    assert.equal(
      findings[0].message,
      'Port "0.0.0.0:8080:80/tcp" is written twice in service "web": Compose merges identical entries, so this one changes nothing. Remove it.',
    );
    assert.deepEqual(findings[0].related, [{ range: r(3, 8, 3, 17), message: 'The same entry is written here.' }]);
    assert.match(findings[1].message, /^Port "8080:80" is written twice in service "web"/);
    assert.ok(findings.every((f) => f.fixes.length === 0));
  });

  it('one service on two overlapping host IPs is a clash, on both entries', () => {
    const text = lines('services:', '  web:', '    ports:', '      - "8080:80"', '      - "127.0.0.1:8080:81"');
    const findings = check(C045, text);
    assert.deepEqual(findings.map((f) => [f.range, f.severity]), [[r(3, 8, 3, 17), undefined], [r(4, 8, 4, 27), undefined]]);
    assert.equal(
      findings[0].message,
      'Port "8080:80" publishes 0.0.0.0:8080/tcp, which "web" also publishes: only one container can bind it, the other fails to start ("port is already allocated").',
    );
    assert.deepEqual(findings[0].related, [{ range: r(4, 8, 4, 27), message: 'Service "web" publishes 127.0.0.1:8080/tcp here too.' }]);
    // Explicit 0.0.0.0 against a specific address: the same overlap.
    assert.equal(check(C045, text.replace('"8080:80"', '"0.0.0.0:8080:80"')).length, 2);
  });

  it('two services clash on the same port and protocol when their addresses overlap', () => {
    const clash = (a: string, b: string) => check(C045, lines('services:', '  a:', `    ports: ["${a}"]`, '  b:', `    ports: ["${b}"]`)).length;
    assert.equal(clash('8080:80', '8080:80'), 2);
    assert.equal(clash('127.0.0.1:8080:80', '127.0.0.1:8080:81'), 2);
    assert.equal(clash('8080:80', '[::1]:8080:80'), 2, 'no IP binds IPv6 too');
    assert.equal(clash('[::]:8080:80', '[::1]:8080:80'), 2);
    assert.equal(clash('[::1]:8080:80', '0:0:0:0:0:0:0:1:8080:80'), 2, 'IPv6 compared canonically');
    assert.equal(clash('8000-8010:8000-8010', '8005:80'), 2, 'a one-to-one range binds each of its ports');
    assert.equal(clash('127.0.0.1:8080:80', '10.0.0.1:8080:80'), 0, 'two specific addresses');
    assert.equal(clash('0.0.0.0:8080:80', '[::1]:8080:80'), 0, 'IPv4 wildcard against an IPv6 address');
    assert.equal(clash('8080:80', '8080:80/udp'), 0, 'tcp and udp');
    assert.equal(clash('8000-8010:80', '8005:80'), 0, 'a host range for one container port takes any free port of it');
    assert.equal(clash('${P}:80', '8080:80'), 0, 'unknown host port');
  });

  it('reads host_ip and protocol of the long syntax', () => {
    const text = lines(
      'services:', // 0
      '  a:', // 1
      '    ports:', // 2
      '      - target: 53', // 3
      '        published: 5353', // 4
      '        protocol: udp', // 5
      '        host_ip: 127.0.0.1', // 6
      '  b:', // 7
      '    ports: ["5353:53/udp", "5353:53"]', // 8
    );
    const findings = check(C045, text);
    assert.deepEqual(findings.map((f) => f.range), [r(4, 19, 4, 23), r(8, 12, 8, 25)]);
    assert.match(findings[0].message, /^Port "5353:53" of service "a" publishes 127\.0\.0\.1:5353\/udp, which "b" also publishes/);
  });
});

describe('CG-C051 tiers (§6.3)', () => {
  const mounts = (...volumes: string[]) => lines('services:', '  app:', '    volumes:', ...volumes.map((v) => `      - ${v}`));
  const tiers = (...volumes: string[]) => check(C051, mounts(...volumes)).map((f) => [f.range.start.line - 3, f.severity ?? 'error']);

  it('Error for the roots and for credential or control locations under them', () => {
    assert.deepEqual(
      tiers('/etc:/e', '/etc/shadow:/s', '/etc/sudoers.d:/s', '/etc/ssl/private:/k', '/etc/docker/daemon.json:/d', '/var/lib/docker:/d', '/lib/modules:/lib/modules', '/dev/kvm:/dev/kvm', '/root/app:/a'),
      [[0, 'error'], [1, 'error'], [2, 'error'], [3, 'error'], [4, 'error'], [5, 'error'], [6, 'error'], [7, 'error'], [8, 'error']],
    );
  });

  it('Warning for other system paths; one tier lower read-only; routine read-only files and docker.sock are not reported', () => {
    assert.deepEqual(
      tiers('/etc/nginx/nginx.conf:/n', '/var/log:/l', '/usr/local/bin:/b', '/etc/os-release:/o:ro', '/etc/passwd:/etc/passwd:ro', '/etc/localtime:/etc/localtime:ro', '/etc/timezone:/etc/timezone:ro', '/var/run/docker.sock:/var/run/docker.sock'),
      [[0, 'warning'], [1, 'warning'], [2, 'warning'], [3, 'info'], [4, 'warning']],
    );
    const [nginx] = check(C051, mounts('/etc/nginx/nginx.conf:/n'));
    assert.equal(
      nginx.message,
      'Service "app" bind-mounts the host path "/etc/nginx/nginx.conf" (under /etc) read-write: the container can read and change host files there, which can lead to host compromise. Mount only the files it needs, read-only, or use a named volume.',
    );
  });

  it('home directories: the whole home and dotfiles are Warnings, credential folders Errors, other folders not reported', () => {
    assert.deepEqual(
      tiers('~:/h', '/home/bob:/h', '~/.ssh:/k:ro', '/home/bob/.kube/config:/k', '${HOME}/.docker:/d', '~/.gnupg:/g', '~/.config/app:/c', '~/projects:/p', '/home/bob/code:/c', '/home:/h'),
      [[0, 'warning'], [1, 'warning'], [2, 'warning'], [3, 'error'], [4, 'error'], [5, 'error'], [6, 'warning'], [9, 'warning']],
    );
    const [kube] = check(C051, mounts('/home/bob/.kube/config:/k'));
    assert.match(kube.message, /host path "\/home\/bob\/\.kube\/config" \(under \/home\/bob\/\.kube\) read-write/);
  });

  it('application data below /mnt, /media, /srv and /opt is not reported (C106 still hints that it is writable)', () => {
    const text = mounts('/mnt/data:/data', '/media/usb/x:/x', '/srv/www:/www', '/opt/app/config:/c', '/mnt:/mnt:ro');
    assert.deepEqual(check(C051, text).map((f) => [f.range.start.line, f.severity]), [[7, 'info']]);
    assert.deepEqual(check(C106, text).map((f) => f.range.start.line), [3, 4, 5, 6]);
  });

  it('paths C051 reports are not C106\'s, `$HOME` included', () => {
    const text = mounts('"${HOME}/.ssh:/k"', '/etc/nginx:/n', '~/code:/c');
    assert.deepEqual(check(C051, text).map((f) => f.range.start.line), [3, 4]);
    assert.deepEqual(check(C106, text).map((f) => f.range.start.line), [5]);
  });

  it('C105 reads the same tiers: volumes_from a service mounting application data stays Info', () => {
    const join = (volume: string) => check(C105, lines('services:', '  data:', `    volumes: ["${volume}"]`, '  app:', '    volumes_from: [data]'))[0];
    assert.equal(join('/mnt/data:/data').severity, undefined);
    assert.equal(join('/etc/localtime:/etc/localtime:ro').severity, undefined);
    const reaching = join('~/.aws:/root/.aws:ro');
    assert.equal(reaching.severity, 'warning');
    assert.match(reaching.message, /This reaches the host: service "data" mounts the sensitive host path "~\/\.aws"\.$/);
  });
});

describe('CG-C070 / CG-C010 privileged builds and lifecycle hooks (§6.3)', () => {
  const text = lines(
    'services:', // 0
    '  web:', // 1
    '    build:', // 2
    '      context: .', // 3
    '      privileged: true', // 4
    '    post_start:', // 5
    '      - command: chown -R 1000 /data', // 6
    '        user: root', // 7
    '        privileged: true', // 8
    '    pre_stop:', // 9
    '      - command: ./drain', // 10
    '        user: "0:0"', // 11
    '      - command: ./bye', // 12
    '        user: app', // 13
    '        privileged: false', // 14
  );

  it('C070 reports a privileged build and a privileged hook on their values, each with a removal', () => {
    const findings = check(C070, text);
    assert.deepEqual(findings.map((f) => [f.range, f.severity]), [[r(4, 18, 4, 22), undefined], [r(8, 20, 8, 24), undefined]]);
    assert.equal(
      findings[0].message,
      'The build of service "web" runs privileged ("build.privileged: true"): its RUN steps get all capabilities and host devices, effectively root on the build host. Remove it unless a build step cannot work without it.',
    );
    assert.equal(
      findings[1].message,
      'A post_start hook of service "web" runs privileged: the hook\'s command gets all capabilities and host devices, effectively root on the host. Remove it and grant only what the command needs.',
    );
    assert.deepEqual(findings.map((f) => f.fixes.map((x) => [x.title, x.isPreferred])), [[['Remove "privileged: true"', false]], [['Remove "privileged: true"', false]]]);
    const out = fixComposeGone(C070, text, findings[0]);
    assert.equal(out, text.replace('      privileged: true\n', ''));
    assert.equal(check(C070, out).length, 1);
  });

  it('C070 gives a build privileged by an unknown variable an Info', () => {
    const [finding] = check(C070, lines('services:', '  web:', '    build: {context: ., privileged: "${PRIV}"}'));
    assert.equal(finding.severity, 'info');
    assert.equal(finding.message, '"build.privileged" depends on ${PRIV}: the build of service "web" runs its RUN steps privileged (root on the build host) when it is "true".');
  });

  it('C010 reports hooks that run as root, without a fix; a non-root hook user is fine', () => {
    const findings = check(C010, text);
    assert.deepEqual(findings.map((f) => f.range), [r(7, 14, 7, 18), r(11, 14, 11, 19)]);
    assert.equal(
      findings[0].message,
      'A post_start hook of service "web" runs as root ("user: root"). Make sure its command needs root; otherwise run it as the service\'s non-root user.',
    );
    assert.match(findings[1].message, /^A pre_stop hook of service "web" runs as root \("user: 0:0"\)/);
    assert.ok(findings.every((f) => f.fixes.length === 0));
  });

  it('hooks shared through an anchor are reported once, with each receiving service', () => {
    const shared = lines('x-hooks: &hooks', '  - command: fix', '    privileged: true', 'services:', '  a:', '    post_start: *hooks', '  b:', '    post_start: *hooks');
    const [finding, ...rest] = check(C070, shared);
    assert.equal(rest.length, 0);
    assert.deepEqual(finding.range, r(2, 16, 2, 20));
    assert.match(finding.message, /^A post_start hook of services "a", "b" runs privileged/);
    assert.deepEqual(finding.related!.map((x) => x.range), [r(5, 16, 5, 22), r(7, 16, 7, 22)]);
  });
});

describe('services written in several YAML documents (§6.3)', () => {
  const text = lines(
    'services:', // 0
    '  web:', // 1
    '    image: nginx:1.27', // 2
    '    privileged: true', // 3
    '    user: root', // 4
    '---', // 5
    'services:', // 6
    '  web:', // 7
    '    privileged: false', // 8
    '    user: !reset null', // 9
    '    ports: ["80:80"]', // 10
    '  db:', // 11
    '    image: postgres:16', // 12
  );

  it('are one service: later keys win, `!reset` removes, ranges point where each key is written', () => {
    const model = parseCompose(text);
    assert.deepEqual(model.services.map((s) => [s.name, s.document, s.definitions.map((d) => d.document)]), [['web', 0, [0, 1]], ['db', 1, [1]]]);
    const [web] = model.services;
    assert.deepEqual(web.keyRange, r(1, 2, 1, 5));
    assert.equal(model.scalar(web.view!.get('image')!.value)!.text, 'nginx:1.27');
    assert.equal(model.scalar(web.view!.get('privileged')!.value)!.text, 'false');
    assert.deepEqual(model.rangeOf(web.view!.get('privileged')!.value!), r(8, 16, 8, 21));
    assert.equal(web.view!.has('user'), false);
    assert.deepEqual(model.rangeOf(web.view!.get('ports')!.value!), r(10, 11, 10, 20));
  });

  it('are analyzed merged and reported once', () => {
    assert.deepEqual(check(C070, text), []);
    assert.deepEqual(check(C010, text), []);
    assert.deepEqual(check(C041, text).map((f) => f.range), [r(10, 12, 10, 19)]);
    const perService = engine(text, 'CG-C050').map((f) => f.range);
    assert.deepEqual(perService, [r(1, 2, 1, 5), r(11, 2, 11, 4)], 'an absence finding once per service, on its first key');
    const privileged = text.replace('    privileged: false\n', '    privileged: true\n');
    assert.deepEqual(check(C070, privileged).map((f) => f.range), [r(8, 16, 8, 20)]);
  });

  it('joins see services of other documents', () => {
    const joined = lines('services:', '  vpn:', '    network_mode: host', '---', 'services:', '  app:', '    network_mode: service:vpn');
    assert.equal(check(C105, joined)[0].severity, 'warning');
  });
});

describe('one risk, one finding on port entries (§6.2)', () => {
  const text = lines(
    'services:', // 0
    '  db:', // 1
    '    ports:', // 2
    '      - "5432:5432"', // 3 sensitive on all interfaces: C111
    '      - "80:80"', // 4 privileged port on all interfaces: C041
    '      - "127.0.0.1:443:443"', // 5 bound: C042
    '      - "22:22"', // 6 SSH, host port 22: C111
  );

  it('C111 on sensitive ports, C041 on other exposed ports, C042 only where neither holds', () => {
    assert.deepEqual(check(C111, text).map((f) => f.range.start.line), [3, 6]);
    assert.deepEqual(check(C041, text).map((f) => f.range.start.line), [4]);
    assert.deepEqual(check(C042, text).map((f) => f.range.start.line), [5]);
  });

  it('is decided on the conditions: switching the higher rule off does not bring the lower one back', () => {
    const off = { 'CG-C111': 'off', 'CG-C041': 'off' };
    assert.deepEqual(engine(text, 'CG-C041', { 'CG-C111': 'off' }).map((f) => f.range.start.line), [4]);
    assert.deepEqual(engine(text, 'CG-C042', off).map((f) => f.range.start.line), [5]);
    const suppressed = text.replace('      - "80:80"', '      # container-guard ignore=CG-C041\n      - "80:80"');
    assert.deepEqual(engine(suppressed, 'CG-C042').map((f) => f.range.start.line), [6]);
  });

  it('the shared predicates: C041\'s condition, and C111\'s on top of it', () => {
    const model = parseCompose(text);
    const items = model.services[0].view!.get('ports')!;
    const nodes = model.entryItems(items).map((item) => item.node!);
    assert.deepEqual(nodes.map((node) => allInterfaces(model, node) !== undefined), [true, true, false, true]);
    assert.deepEqual(nodes.map((node) => sensitiveExposure(model, node)?.port), [5432, undefined, undefined, 22]);
  });
});

describe('structure', () => {
  it('these rules import no other rule module (shared predicates live in the engine)', () => {
    const dir = rulesDir();
    const mine = ['C010', 'C021', 'C041', 'C042', 'C045', 'C051', 'C070', 'C102', 'C105', 'C106', 'C111'];
    const files = readdirSync(dir).filter((file) => mine.some((id) => file.startsWith(`${id}-`)));
    assert.equal(files.length, mine.length);
    for (const file of files) {
      const source = readFileSync(join(dir, file), 'utf8');
      assert.doesNotMatch(source, /from '\.\.?\/(?:\.\.\/)*(?:rules\/)?(?:compose|dockerfile)?\/?[CD]\d{3}-/, file);
    }
  });
});
