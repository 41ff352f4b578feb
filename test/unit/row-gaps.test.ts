// Unit tests of the gaps closed in existing rows: CPU limit forms and weak values (CG-C061), device
// tiers and the long devices syntax (CG-C075), tmpfs option order and tmpfs named volumes (CG-C109), and
// hard-coded credentials in Compose values outside `environment:` (CG-D032 in Compose files).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, ruleMeta } from '../../server/src/engine/engine';
import { rule as C061 } from '../../server/src/rules/compose/C061-cpu-limit';
import { rule as C064 } from '../../server/src/rules/compose/C064-restart-policy';
import { rule as C075, isCriticalCgroupRule, isCriticalDevice } from '../../server/src/rules/compose/C075-devices';
import { rule as C109 } from '../../server/src/rules/compose/C109-tmpfs-exec';
import { rule as D032compose } from '../../server/src/rules/compose/D032-compose-credential';
import { composeRules } from '../../server/src/rules/compose/index';
import { checkCompose as check, composeIds, fixComposeGone, lines, range } from './kit';

const service = (...keys: string[]) => lines('services:', '  web:', '    image: example/web:1.0', ...keys);

/** The range of `needle` on line `line` of `text` (its first occurrence there). */
function at(text: string, line: number, needle: string) {
  const character = text.split('\n')[line].indexOf(needle);
  assert.ok(character >= 0, `${needle} on line ${line}`);
  return range(line, character, line, character + needle.length);
}

// ---------------------------------------------------------------- CG-C061

describe('CG-C061 CPU limit forms', () => {
  it('keeps its summary metadata and the absence finding on the service key', () => {
    assert.deepEqual(C061.meta.measure, { label: 'no CPU limit', order: 5 });
    const [finding] = check(C061, service());
    assert.deepEqual([finding.range, finding.absentIn], [range(1, 2, 1, 5), 'web']);
    assert.equal(finding.message, 'Service "web" has no CPU limit: it can starve other containers. Set "deploy.resources.limits.cpus" (or "cpus").');
  });

  it('counts cpus, cpu_quota, cpu_shares, cpu_count, cpu_percent, cpuset and deploy limits', () => {
    for (const key of ['    cpus: 0.5', '    cpu_quota: 50000', '    cpu_shares: 512', '    cpu_count: 2', '    cpu_percent: 50', '    cpuset: "0,1"', '    cpus: ${CPUS}']) {
      assert.deepEqual(check(C061, service(key)), [], key);
    }
    assert.deepEqual(check(C061, service('    deploy:', '      resources:', '        limits:', '          cpus: "0.5"')), []);
  });

  it('does not count cpu_period alone, realtime settings or a reservation, and says why for cpu_period', () => {
    const [period] = check(C061, service('    cpu_period: 100000'));
    assert.equal(period.message, 'Service "web" has no CPU limit ("cpu_period" alone sets no limit: it is the period of a "cpu_quota"): it can starve other containers. Set "deploy.resources.limits.cpus" (or "cpus").');
    assert.equal(period.absentIn, 'web');
    assert.equal(check(C061, service('    cpu_rt_runtime: 95000')).length, 1);
    assert.equal(check(C061, service('    deploy:', '      resources:', '        reservations:', '          cpus: "0.5"')).length, 1);
  });

  it('reports a value that limits nothing on the value, with a fix for cpus', () => {
    const text = service('    cpus: 0');
    const [finding, ...rest] = check(C061, text);
    assert.equal(rest.length, 0);
    assert.deepEqual([finding.range, finding.absentIn], [at(text, 3, '0'), undefined]);
    assert.equal(finding.message, '"cpus: 0" leaves the CPU use of service "web" unlimited: it can starve other containers. Set a limit such as cpus: "1.0".');
    assert.deepEqual(finding.fixes.map((f) => [f.title, f.isPreferred]), [['Set "cpus: "1.0""', false]]);
    assert.equal(fixComposeGone(C061, text, finding), service('    cpus: "1.0"'));
    const deploy = service('    deploy:', '      resources:', '        limits:', '          cpus: "0"');
    assert.equal(fixComposeGone(C061, deploy, check(C061, deploy)[0]), service('    deploy:', '      resources:', '        limits:', '          cpus: "1.0"'));
  });

  it('reports cpu_quota -1, cpu_shares 0 and an empty cpuset without a fix, and nothing when another setting limits', () => {
    for (const key of ['    cpu_quota: -1', '    cpu_shares: 0', '    cpuset: ""', '    cpus: ${CPUS:-0}']) {
      const findings = check(C061, service(key));
      assert.equal(findings.length, 1, key);
      assert.deepEqual(findings[0].fixes, [], key);
      assert.equal(findings[0].absentIn, undefined, key);
    }
    assert.deepEqual(check(C061, service('    cpus: 0', '    cpu_shares: 512')), []);
  });

  it('publishes a weak value on its own next to the CG-C100 summary, and C064 does not count it as a limit', () => {
    const text = service('    restart: always', '    cpus: 0');
    const summarized = analyze(text, { kind: 'compose' }).findings.map((f) => f.ruleId);
    assert.ok(summarized.includes('CG-C061') && summarized.includes('CG-C100'));
    assert.equal(check(C064, text).length, 1);
    assert.deepEqual(check(C064, service('    restart: always', '    cpuset: "0"')), []);
  });
});

// ---------------------------------------------------------------- CG-C075

describe('CG-C075 device tiers', () => {
  it('puts every block device, raw memory and the whole /dev in the Error tier', () => {
    for (const device of ['/dev/sda', '/dev/sdb1', '/dev/hda', '/dev/vda', '/dev/xvdf', '/dev/nvme0n1', '/dev/mmcblk0p2', '/dev/dm-0', '/dev/md0', '/dev/md/raid', '/dev/loop3', '/dev/nbd0', '/dev/rbd1', '/dev/zd16', '/dev/mapper/vg-root', '/dev/disk/by-uuid/1234', '/dev/root', '/dev', '/dev/', '/dev/mem', '/dev/kmem', '/dev/port']) {
      assert.ok(isCriticalDevice(device), device);
    }
    for (const device of ['/dev/ttyUSB0', '/dev/fuse', '/dev/kvm', '/dev/dri', '/dev/video0', '/dev/snd', '/dev/net/tun', '/dev/hidraw0', 'nvidia.com/gpu=all', '/dev/memory_bandwidth']) {
      assert.ok(!isCriticalDevice(device), device);
    }
  });

  it('reads the long syntax on its source, and tiers each item', () => {
    const text = service('    devices:', '      - source: /dev/vdb', '        target: /dev/vdb', '        permissions: r', '      - /dev/ttyUSB0:/dev/ttyUSB0', '      - source: /dev/dri');
    const findings = check(C075, text);
    assert.deepEqual(findings.map((f) => [f.range, f.severity ?? 'warning']), [
      [at(text, 4, '/dev/vdb'), 'error'],
      [at(text, 7, '/dev/ttyUSB0:/dev/ttyUSB0'), 'warning'],
      [at(text, 8, '/dev/dri'), 'warning'],
    ]);
    assert.equal(findings[0].message, 'Service "web" gets the host device "/dev/vdb": raw access to host memory or a disk, which bypasses every file permission and is root-equivalent. Remove it.');
  });

  it('tiers device cgroup rules by what they allow', () => {
    for (const rule of ['a *:* rwm', 'b *:* rwm', 'b 8:0 r', 'c 1:1 rwm', 'c 1:* rwm', 'c *:* rwm', 'c 1:4 rw']) assert.ok(isCriticalCgroupRule(rule), rule);
    for (const rule of ['c 189:* rwm', 'c 1:3 rwm', 'c 10:200 rwm', 'junk']) assert.ok(!isCriticalCgroupRule(rule), rule);
    const text = service('    device_cgroup_rules:', "      - 'b *:* rwm'", "      - 'c 189:* rwm'");
    const findings = check(C075, text);
    assert.deepEqual(findings.map((f) => f.severity ?? 'warning'), ['error', 'warning']);
    assert.equal(findings[0].message, 'Service "web" gets the device cgroup rule "b *:* rwm", which lets the container create and use host disks or memory devices: raw access that bypasses every file permission and is root-equivalent. Narrow it to the devices the service needs.');
  });

  it('is published at the tier through the engine; GPU reservations are not devices', () => {
    const text = service('    devices: ["/dev/mmcblk0:/dev/mmcblk0"]', '    deploy:', '      resources:', '        reservations:', '          devices:', '            - capabilities: [gpu]');
    const found = analyze(text, { kind: 'compose' }).findings.filter((f) => f.ruleId === 'CG-C075');
    assert.deepEqual(found.map((f) => f.severity), ['error']);
  });
});

// ---------------------------------------------------------------- CG-C109

describe('CG-C109 tmpfs options and tmpfs volumes', () => {
  it('reads options in order: the last of exec/noexec wins', () => {
    assert.deepEqual(check(C109, service('    tmpfs: /tmp:exec,noexec')), []);
    const text = service('    tmpfs:', '      - /tmp:noexec,exec,size=64m');
    const [finding] = check(C109, text);
    assert.deepEqual(finding.range, at(text, 4, '/tmp:noexec,exec,size=64m'));
    assert.equal(fixComposeGone(C109, text, finding), service('    tmpfs:', '      - /tmp:noexec,size=64m'));
    const only = service('    tmpfs: "/run:exec"');
    assert.equal(fixComposeGone(C109, only, check(C109, only)[0]), service('    tmpfs: "/run"'));
  });

  it('offers no fix through an alias or with variables', () => {
    const aliased = lines('x-t: &t /tmp:exec', 'services:', '  a:', '    image: x:1', '    tmpfs: *t', '  b:', '    image: y:1', '    tmpfs: *t');
    const [shared] = check(C109, aliased);
    assert.deepEqual(shared.fixes, []);
    assert.equal(shared.related?.length, 2);
    assert.deepEqual(check(C109, service('    tmpfs: /tmp:exec,size=${SIZE}'))[0].fixes, []);
  });

  it('reports a mounted tmpfs named volume whose o lacks noexec, nosuid or nodev, and completes o', () => {
    const volume = (...opts: string[]) =>
      lines('services:', '  web:', '    image: example/web:1.0', '    volumes:', '      - scratch:/scratch', 'volumes:', '  scratch:', '    driver_opts:', '      type: tmpfs', '      device: tmpfs', ...opts);
    const text = volume('      o: "size=64m,uid=1000"');
    const [finding, ...rest] = check(C109, text);
    assert.equal(rest.length, 0);
    assert.deepEqual(finding.range, at(text, 10, '"size=64m,uid=1000"'));
    assert.equal(
      finding.message,
      'The tmpfs volume "scratch" is mounted with only its "o:" options ("size=64m,uid=1000"), not Docker\'s tmpfs defaults: without noexec, nosuid, nodev, programs, setuid binaries and device nodes work from it. Add noexec,nosuid,nodev to "o".',
    );
    assert.deepEqual(finding.related?.map((r) => r.range), [at(text, 4, 'scratch:/scratch')]);
    assert.equal(fixComposeGone(C109, text, finding), volume('      o: "size=64m,uid=1000,noexec,nosuid,nodev"'));
    const none = volume();
    const [missing] = check(C109, none);
    assert.deepEqual(missing.range, at(none, 8, 'tmpfs'));
    assert.equal(fixComposeGone(C109, none, missing), volume('      o: "noexec,nosuid,nodev"'));
    assert.deepEqual(check(C109, volume('      o: size=64m,noexec,nosuid,nodev')), []);
  });

  it('does not report an unmounted tmpfs volume, other drivers, or the long-form tmpfs mount (it gets the defaults)', () => {
    const unmounted = lines('services:', '  web:', '    image: x:1', 'volumes:', '  scratch:', '    driver_opts:', '      type: tmpfs', '      device: tmpfs');
    assert.deepEqual(check(C109, unmounted), []);
    const nfs = lines('services:', '  web:', '    image: x:1', '    volumes: [data:/data]', 'volumes:', '  data:', '    driver_opts:', '      type: nfs', '      o: addr=10.0.0.1');
    assert.deepEqual(check(C109, nfs), []);
    assert.deepEqual(check(C109, service('    volumes:', '      - type: tmpfs', '        target: /tmp')), []);
  });
});

// ---------------------------------------------------------------- CG-D032 in Compose

describe('CG-D032 in Compose values', () => {
  it('is registered as a Compose module under the Dockerfile rule id, last in the list', () => {
    assert.equal(composeRules[composeRules.length - 1], D032compose);
    assert.deepEqual([D032compose.meta.id, D032compose.meta.kind, D032compose.meta.severity], ['CG-D032', 'compose', 'error']);
    assert.equal(ruleMeta('CG-D032')?.kind, 'any');
  });

  it('reports a URL password in a command string, on the password', () => {
    const text = service('    command: celery -A app worker --broker redis://:s3cr3tPassw0rd@redis:6379/0');
    const [finding, ...rest] = check(D032compose, text);
    assert.equal(rest.length, 0);
    assert.deepEqual(finding.range, at(text, 3, 's3cr3tPassw0rd'));
    assert.equal(
      finding.message,
      'This looks like a password in a URL, hard-coded in the Compose file: it is committed with the source and visible to anyone who can read the file or inspect the container. Revoke it, then pass it from the environment or a git-ignored .env, or use Compose secrets.',
    );
    assert.deepEqual(finding.fixes, []);
  });

  it('reads a secret-named flag before a list item, a label key, tokens in entrypoint and health checks', () => {
    const text = service(
      '    command: ["serve", "--api-token", "q8Zr2LmX9vT4pK7wYb3N"]',
      '    entrypoint: ["/run.sh", "ghp_abcdefghijklmnopqrstuvwxyz0123456789"]',
      '    labels:',
      '      webhook_secret: "Hq3Lz8Xr2Vw9Kp4Tn7Ys"',
      '    healthcheck:',
      '      test: ["CMD", "curl", "-f", "https://admin:Hunter2Hunter2x@localhost/health"]',
    );
    const findings = check(D032compose, text);
    assert.deepEqual(findings.map((f) => f.range), [
      at(text, 3, 'q8Zr2LmX9vT4pK7wYb3N'),
      at(text, 4, 'ghp_abcdefghijklmnopqrstuvwxyz0123456789'),
      at(text, 6, 'Hq3Lz8Xr2Vw9Kp4Tn7Ys'),
      at(text, 8, 'Hunter2Hunter2x'),
    ]);
    assert.match(findings[0].message, /^This looks like a high-entropy value for api-token, hard-coded in the Compose file.*\("\$\{API_TOKEN\}"\)/);
    assert.match(findings[1].message, /^This looks like a GitHub token/);
  });

  it('reads the known password options of server commands (redis --requirepass)', () => {
    const text = service('    command: redis-server --requirepass SuperSecureRedisAuthPassword');
    const [finding] = check(D032compose, text);
    assert.deepEqual(finding.range, at(text, 3, 'SuperSecureRedisAuthPassword'));
    assert.deepEqual(check(D032compose, service('    command: ["redis-server", "--requirepass", "SuperSecureRedisAuthPassword"]')).length, 1);
  });

  it('offers "read from the environment" for a named value; the result parses and the finding is gone', () => {
    const text = service('    command: ["serve", "--api-token", "q8Zr2LmX9vT4pK7wYb3N"]');
    const [finding] = check(D032compose, text);
    assert.deepEqual(finding.fixes.map((f) => [f.title, f.isPreferred]), [['Read API_TOKEN from the environment (${API_TOKEN:?})', false]]);
    assert.equal(fixComposeGone(D032compose, text, finding), service('    command: ["serve", "--api-token", "${API_TOKEN:?API_TOKEN must be set}"]'));
    const inline = service('    command: serve --api-token=q8Zr2LmX9vT4pK7wYb3N --verbose');
    assert.equal(fixComposeGone(D032compose, inline, check(D032compose, inline)[0]), service('    command: "serve --api-token=${API_TOKEN:?API_TOKEN must be set} --verbose"'));
  });

  it('leaves environment and build.args to CG-C030 (also through anchors), and skips references, $$ and placeholders', () => {
    const env = lines(
      'x-env: &env',
      '  API_TOKEN: ghp_abcdefghijklmnopqrstuvwxyz0123456789',
      'services:',
      '  web:',
      '    image: x:1',
      '    environment: *env',
      '    build:',
      '      context: .',
      '      args:',
      '        - NPM_TOKEN=npm_abcdefghijklmnopqrstuvwxyz0123456789',
    );
    assert.deepEqual(check(D032compose, env), []);
    assert.deepEqual(composeIds(env).filter((id) => id === 'CG-C030' || id === 'CG-D032'), ['CG-C030', 'CG-C030']);
    for (const command of [
      '    command: redis-server --requirepass "$${REDIS_PASSWORD:-nextcloud}"',
      '    command: ["--api-token", "${API_TOKEN}"]',
      '    command: --db postgres://app:${DB_PASSWORD}@db/app',
      '    command: --db postgres://app:changeme@db/app',
      '    command: --default-authentication-plugin=mysql_native_password',
      '    labels: {api_token: "short"}',
    ]) {
      assert.deepEqual(check(D032compose, service(command)), [], command);
    }
  });

  it('is one id for both file kinds: one setting switches both off, our ignore comment works', () => {
    const text = service('    command: --broker redis://:s3cr3tPassw0rd@redis:6379/0');
    assert.deepEqual(composeIds(text).filter((id) => id === 'CG-D032'), ['CG-D032']);
    assert.deepEqual(composeIds(text, { rules: { 'CG-D032': 'off' } }).filter((id) => id === 'CG-D032'), []);
    assert.deepEqual(composeIds(service('    # container-guard ignore=CG-D032', '    command: --broker redis://:s3cr3tPassw0rd@redis:6379/0')).filter((id) => id.startsWith('CG-D032') || id === 'CG-UNUSED-IGNORE'), []);
  });
});
