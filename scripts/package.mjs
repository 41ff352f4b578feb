// Builds a minified bundle and packages it as container-guard.vsix; prints the size.
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';

execFileSync(process.execPath, ['scripts/build.mjs', '--production'], { stdio: 'inherit' });
execFileSync('npx', ['vsce', 'package', '--no-dependencies', '--allow-missing-repository', '-o', 'container-guard.vsix'], { stdio: 'inherit' });
const size = statSync('container-guard.vsix').size;
console.log(`container-guard.vsix: ${(size / 1024).toFixed(0)} KB`);
