// Entry point for VS Code's extension-test mechanism (`extensionTestsPath`). `npm run build` bundles
// this file, mocha and the *.test.ts files below into dist/test/suite.js (`vscode` stays external).
// The extension host require()s the bundle and awaits run(); a rejection means a failing run.
//
// Run it with `node test/e2e/ext-tests.mjs` (code-server in this repo) or with @vscode/test-electron
// where desktop VS Code can be downloaded. Env:
//   CG_TEST_RESULTS  where to write { failures, results: [{ title, state, error? }] } as JSON
//   CG_TEST_GREP     only run tests whose full title matches this regex
//   CG_TEST_REGISTRY 127.0.0.1:<port> of a docker-registry for the pinning tests (they skip without one)
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const grep = process.env.CG_TEST_GREP;
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000, ...(grep ? { grep: new RegExp(grep) } : {}) });
  // Register the tdd globals (suite/test/...) and load the bundled test files, in this order: the
  // restart tests come late because they replace the language server; the workspace wizard, which
  // edits every file of the test workspace, comes last.
  mocha.suite.emit('pre-require', globalThis, 'container-guard-tests', mocha);
  require('./activation.test');
  require('./diagnostics.test');
  require('./code-actions.test');
  require('./settings.test');
  require('./wizard.test');
  require('./projects.test');
  require('./pinning.test');
  require('./restart.test');
  require('./wizard-workspace.test');

  const resultsFile = process.env.CG_TEST_RESULTS ?? path.join(os.tmpdir(), 'container-guard-extension-test-results.json');
  return new Promise((resolve, reject) => {
    const results: { title: string; state: string; error?: string }[] = [];
    const runner = mocha.run((failures) => {
      fs.writeFileSync(resultsFile, JSON.stringify({ failures, results }, null, 2));
      console.log(`${results.filter((r) => r.state === 'passed').length} passed, ${failures} failed`);
      if (failures > 0) reject(new Error(`${failures} tests failed.`));
      else resolve();
    });
    runner.on('pass', (t) => results.push({ title: t.fullTitle(), state: 'passed' }));
    runner.on('fail', (t, err) => results.push({ title: t.fullTitle(), state: 'failed', error: String(err?.stack ?? err) }));
  });
}
