// CG-C030: literal secrets in a service's `environment:` and `build.args`.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCompose } from '../../server/src/engine/compose/model';
import { analyze, runRule } from '../../server/src/engine/engine';
import type { Finding } from '../../server/src/engine/types';
import { composeRules } from '../../server/src/rules/compose';
import { rule as C030 } from '../../server/src/rules/compose/C030-literal-secret';
import { fixCompose as fix, lines, range as r } from './kit';

const check = (text: string): Finding[] => runRule(C030, parseCompose(text), { profile: 'baseline' });

const GITHUB_TOKEN = 'ghp_' + 'aB3dE5fG7hJ9kL1mN3pQ5rS7tV9wX1yZ3a5C';

describe('CG-C030 literal secrets in Compose', () => {
  it('is registered as an Error with the KICS and Checkov secret ids', () => {
    assert.equal(composeRules.filter((rule) => rule.meta.id === 'CG-C030').length, 1);
    assert.equal(C030.meta.severity, 'error');
    assert.equal(C030.meta.equivalents[0], 'KICS a88baa34-e2ad-44ea-ad6f-8cac87bc7c71');
    assert.ok(C030.meta.equivalents.includes('CKV_SECRET_6'));
  });

  const text = lines(
    'services:', // 0
    '  web:', // 1
    '    environment:', // 2
    '      DB_PASSWORD: hunter2', // 3
    '      DATABASE_URL: postgres://app:s3cr3tPa55@db/app', // 4
    `      GH: ${GITHUB_TOKEN}`, // 5
    '  api:', // 6
    '    environment:', // 7
    '      - MYSQL_ROOT_PASSWORD=rootpw', // 8
    '      - "JWT_SECRET=abc123"', // 9
    '    build:', // 10
    '      context: .', // 11
    '      args:', // 12
    '        NPM_TOKEN: s3cr3t-npm', // 13
  );

  it('reports secret-named keys with literal values and credentials under any key, on the value', () => {
    const findings = check(text);
    assert.deepEqual(findings.map((f) => f.range), [r(3, 19, 3, 26), r(4, 35, 4, 45), r(5, 10, 5, 50), r(8, 28, 8, 34), r(9, 20, 9, 26), r(13, 19, 13, 29)]);
    assert.equal(
      findings[0].message,
      '"DB_PASSWORD" in the environment of service "web" has a literal secret value: it is committed with the Compose file and visible in "docker inspect". Pass it from the environment or a git-ignored .env ("${DB_PASSWORD:?}"), or use Compose secrets.',
    );
    assert.match(findings[1].message, /^The environment value of "DATABASE_URL" \(service "web"\) contains a password in a URL: .* Revoke it/);
    assert.match(findings[2].message, /contains a GitHub token/);
    assert.match(findings[5].message, /^"NPM_TOKEN" in the build.args of service "api" .* visible in the image history/);
    assert.ok(findings.every((f) => f.severity === undefined));
  });

  it('replaces the value with a required variable (not preferred), keeping the quoting', () => {
    const findings = check(text);
    assert.ok(findings.every((f) => f.fixes.length === 1 && !f.fixes[0].isPreferred));
    assert.equal(findings[0].fixes[0].title, 'Read DB_PASSWORD from the environment (${DB_PASSWORD:?})');
    const expected = [
      text.replace('DB_PASSWORD: hunter2', 'DB_PASSWORD: "${DB_PASSWORD:?DB_PASSWORD must be set}"'),
      text.replace('DATABASE_URL: postgres://app:s3cr3tPa55@db/app', 'DATABASE_URL: "${DATABASE_URL:?DATABASE_URL must be set}"'),
      text.replace(`GH: ${GITHUB_TOKEN}`, 'GH: "${GH:?GH must be set}"'),
      text.replace('- MYSQL_ROOT_PASSWORD=rootpw', '- MYSQL_ROOT_PASSWORD=${MYSQL_ROOT_PASSWORD:?MYSQL_ROOT_PASSWORD must be set}'),
      text.replace('- "JWT_SECRET=abc123"', '- "JWT_SECRET=${JWT_SECRET:?JWT_SECRET must be set}"'),
      text.replace('NPM_TOKEN: s3cr3t-npm', 'NPM_TOKEN: "${NPM_TOKEN:?NPM_TOKEN must be set}"'),
    ];
    findings.forEach((finding, i) => {
      const out = fix(text, finding);
      assert.equal(out, expected[i]);
      assert.equal(check(out).length, 5, 'that finding is gone');
    });
    let all = text;
    for (let i = 0; i < 6; i++) all = fix(all, check(all)[0]);
    assert.deepEqual(check(all), [], 'nothing left to fix');
  });

  it('quotes a KEY=value item in a flow list', () => {
    const flow = lines('services:', '  web:', '    environment: [ADMIN_PASSWORD=pw1, X=1]');
    const [finding, ...rest] = check(flow);
    assert.equal(rest.length, 0);
    assert.deepEqual(finding.range, r(2, 33, 2, 36));
    const out = fix(flow, finding);
    assert.equal(out, lines('services:', '  web:', '    environment: ["ADMIN_PASSWORD=${ADMIN_PASSWORD:?ADMIN_PASSWORD must be set}", X=1]'));
    assert.deepEqual(check(out), []);
  });

  it('skips variables, pass-through entries, paths, placeholders, booleans and non-secret names', () => {
    const clean = lines(
      'services:',
      '  web:',
      '    environment:',
      '      API_TOKEN: ${API_TOKEN}',
      '      DB_PASSWORD: "${DB_PASSWORD:?set it}"',
      '      SECRET_KEY:',
      '      POSTGRES_PASSWORD_FILE: /run/secrets/db',
      '      REDIS_PASSWORD: /run/secrets/redis',
      '      ADMIN_PASSWORD: changeme',
      '      SMTP_PASSWORD: "<your password>"',
      '      TOKEN_ENABLED: "true"',
      '      GPG_KEY: A4A9406876FCBD3C456770C88C718D3B5072E1F5',
      '      PUBLIC_KEY: abc',
      '      DATABASE_URL: postgres://app:${DB_PASSWORD}@db/app',
      '      NODE_ENV: production',
      '  api:',
      '    environment:',
      '      - REDIS_PASSWORD',
      '      - TOKEN=${TOKEN}',
      '      - PLAIN=value',
      '    build: .',
      '    labels:',
      '      PASSWORD: notmine',
    );
    assert.deepEqual(check(clean), []);
  });

  it('reports an anchored environment once, with each receiver', () => {
    const anchored = lines('x-env: &env', '  environment:', '    API_KEY: k3y-l1t3ral', 'services:', '  a:', '    <<: *env', '  b:', '    <<: *env');
    const [finding, ...rest] = check(anchored);
    assert.equal(rest.length, 0);
    assert.deepEqual(finding.range, r(2, 13, 2, 24));
    assert.match(finding.message, /of services "a", "b"/);
    assert.equal(finding.related!.length, 2);
    assert.equal(finding.fixes[0].title, 'Read API_KEY from the environment in the anchor (affects 2 services)');
    assert.deepEqual(check(fix(anchored, finding)), []);
  });

  it('is suppressed by the KICS secrets pragma and kics-scan ignore-line', () => {
    const plain = lines('services:', '  web:', '    image: x:1', '    environment:', '      DB_PASSWORD: hunter2');
    const ids = (t: string) => analyze(t, { kind: 'compose' }).findings.map((f) => f.ruleId);
    assert.ok(ids(plain).includes('CG-C030'));
    assert.ok(!ids('# kics-scan disable=a88baa34-e2ad-44ea-ad6f-8cac87bc7c71\n' + plain).includes('CG-C030'));
    assert.ok(!ids(plain.replace('      DB_PASSWORD', '      # kics-scan ignore-line\n      DB_PASSWORD')).includes('CG-C030'));
  });
});
