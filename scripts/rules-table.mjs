// Regenerates the rule table in README.md (between <!-- rules:start --> and <!-- rules:end -->)
// from the rules' own metadata, so the README never drifts from the code.
//   node scripts/rules-table.mjs          (write)     node scripts/rules-table.mjs --check
import { buildSync } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bundle = join(mkdtempSync(join(tmpdir(), 'cg-rules-')), 'engine.cjs');
buildSync({ entryPoints: ['server/src/engine/engine.ts'], bundle: true, platform: 'node', format: 'cjs', outfile: bundle, logLevel: 'error' });
const { allRules } = createRequire(import.meta.url)(bundle);
rmSync(join(bundle, '..'), { recursive: true, force: true });

const label = { error: 'Error', warning: 'Warning', info: 'Info', hint: 'Hint', off: 'Off' };
const file = { dockerfile: 'Dockerfile', compose: 'Compose', any: 'Dockerfile, Compose' };
// Dockerfile rules, then Compose rules, then the engine's own checks (CG-UNUSED-IGNORE).
const group = (rule) => (rule.id.startsWith('CG-D') ? 0 : rule.id.startsWith('CG-C') ? 1 : 2);
const rows = [...allRules]
  .sort((a, b) => group(a) - group(b) || a.id.localeCompare(b.id))
  .map((rule) => {
    const severity = label[rule.severity] + (rule.strictSeverity ? ` (strict: ${label[rule.strictSeverity]})` : '');
    return `| [${rule.id}](docs/rules/${rule.id}.md) | ${file[rule.kind]} | ${severity} | ${rule.title.replace(/\|/g, '\\|')} | ${rule.fixable ? 'yes' : '—'} |`;
  });
const table = ['<!-- rules:start -->', '| Rule | File | Default | What it finds | Quick fix |', '|---|---|---|---|---|', ...rows, '<!-- rules:end -->'].join('\n');

const readme = readFileSync('README.md', 'utf8');
const start = readme.indexOf('<!-- rules:start -->');
const end = readme.indexOf('<!-- rules:end -->') + '<!-- rules:end -->'.length;
if (start < 0 || end < start) throw new Error('README.md has no <!-- rules:start --> … <!-- rules:end --> block');
const updated = readme.slice(0, start) + table + readme.slice(end);
if (process.argv.includes('--check')) {
  if (updated !== readme) {
    console.error('README.md rule table is out of date: run npm run docs:rules');
    process.exit(1);
  }
} else {
  writeFileSync('README.md', updated);
  console.log(`README.md: ${rows.length} rules`);
}
