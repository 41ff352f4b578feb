// Bundles the client, the server, the CLI and the in-extension-host test suite into dist/.
import * as fs from 'node:fs';
import * as esbuild from 'esbuild';
import { keepOneByte } from './one-byte.mjs';

const production = process.argv.includes('--production');
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};

await Promise.all([
  esbuild.build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] }),
  esbuild.build({ ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js' }),
  // Large documents are analyzed in this worker thread, beside the server (server/src/lsp/analysis-runner.ts).
  esbuild.build({ ...common, entryPoints: ['server/src/lsp/analysis-worker.ts'], outfile: 'dist/analysis-worker.js' }),
  esbuild.build({ ...common, entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  // mocha is bundled in, so the extension folder needs no node_modules inside the extension host.
  esbuild.build({ ...common, entryPoints: ['test/extension/suite.ts'], outfile: 'dist/test/suite.js', external: ['vscode'], logLevel: 'error' }),
]);

for (const file of ['dist/server.js', 'dist/analysis-worker.js', 'dist/cli.js']) keepOneByte(file);
