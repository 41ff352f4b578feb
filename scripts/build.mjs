// Bundles the client, the server, the CLI and the in-extension-host test suite into dist/.
import * as fs from 'node:fs';
import * as esbuild from 'esbuild';

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

// V8 keeps a script's source for as long as the script lives, as a one-byte string when every character
// is Latin-1, else as a two-byte one: a single `…` in a comment, or the U+FFFF that isomorphic-git writes
// literally in a regular expression, would double the server's 2.6 MB source in memory. esbuild leaves
// comments and regular expressions as written, so the remaining characters become `\uXXXX` escapes
// (the same text in comments, strings, regular expressions and identifiers).
for (const file of ['dist/server.js', 'dist/analysis-worker.js', 'dist/cli.js']) {
  const text = fs.readFileSync(file, 'utf8');
  const ascii = text.replace(/[^\x00-\x7f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (ascii !== text) fs.writeFileSync(file, ascii);
}
