// Compose → Dockerfile links: build.target decides which stage ships (catalogue §4.1).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { composeBuilds, shippedTarget } from '../../server/src/engine/compose/builds';
import { parseCompose } from '../../server/src/engine/compose/model';
import { buildTargetFor } from '../../server/src/engine/compose-links';
import { analyze } from '../../server/src/engine/engine';

const compose = `services:
  api:
    build:
      context: ./api
      dockerfile: Dockerfile.prod
      target: runtime
  worker:
    build: ./worker
  web:
    image: nginx:1.27
  tool:
    build:
      context: \${CTX}
  remote:
    build: https://github.com/example/app.git
`;

test('composeBuilds resolves context and dockerfile like Compose; unknown or remote contexts are skipped', () => {
  const builds = composeBuilds(parseCompose(compose), '/srv/app');
  assert.deepEqual(
    builds.map(({ service, dockerfile, target }) => ({ service, dockerfile, target })),
    [
      { service: 'api', dockerfile: '/srv/app/api/Dockerfile.prod', target: 'runtime' },
      { service: 'worker', dockerfile: '/srv/app/worker/Dockerfile', target: undefined },
    ],
  );
  assert.deepEqual(builds[0].range, { start: { line: 2, character: 4 }, end: { line: 2, character: 9 } });
});

test('shippedTarget: one agreed target, else the last stage', () => {
  const builds = composeBuilds(parseCompose(compose + '  api2:\n    build:\n      context: ./api\n      dockerfile: Dockerfile.prod\n'), '/srv/app');
  assert.equal(shippedTarget(builds.filter((b) => b.service === 'api'), '/srv/app/api/Dockerfile.prod'), 'runtime');
  assert.equal(shippedTarget(builds, '/srv/app/api/Dockerfile.prod'), undefined, 'api2 ships the last stage of the same file');
  assert.equal(shippedTarget(builds, '/srv/app/other/Dockerfile'), undefined);
});

test('a Dockerfile whose Compose build.target is a root builder stage gets CG-D021 there', (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-links-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  fs.mkdirSync(path.join(root, 'api'));
  const dockerfile = path.join(root, 'api', 'Dockerfile');
  const text = 'FROM alpine:3.20 AS debug\nUSER root\nCMD ["sh"]\n\nFROM alpine:3.20\nUSER 10001\nCMD ["app"]\n';
  fs.writeFileSync(dockerfile, text);
  assert.equal(buildTargetFor(dockerfile, root), undefined);
  const rootUser = (buildTarget?: string) => analyze(text, { kind: 'dockerfile', buildTarget }).findings.filter((f) => f.ruleId === 'CG-D021');
  assert.deepEqual(rootUser(), [], 'the last stage runs as 10001');
  fs.writeFileSync(path.join(root, 'compose.yaml'), 'services:\n  api:\n    build:\n      context: api\n      target: debug\n');
  const target = buildTargetFor(dockerfile, root);
  assert.equal(target, 'debug');
  assert.deepEqual(rootUser(target).map((f) => f.range), [{ start: { line: 1, character: 5 }, end: { line: 1, character: 9 } }]);
});
