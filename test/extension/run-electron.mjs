// Runs the extension suite (dist/test/suite.js) in desktop VS Code via @vscode/test-electron, on a
// machine that can download VS Code. (Here no download is possible, so `npm test` runs the same suite
// inside code-server instead: test/e2e/ext-tests.mjs.)
//   npm run build && npm run test:extension:electron
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';

const root = resolve(import.meta.dirname, '..', '..');
const workspace = mkdtempSync(join(tmpdir(), 'cg-electron-ws-'));
cpSync(join(root, 'examples'), workspace, { recursive: true });
try {
  await runTests({
    version: '1.100.3',
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'dist', 'test', 'suite.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
    extensionTestsEnv: { CG_TEST_RESULTS: join(workspace, '..', 'cg-electron-results.json') },
  });
} catch (error) {
  console.error(`extension suite failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
