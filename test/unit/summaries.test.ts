// What a user sees by default (catalogue §6.1): the missing hardening of a Compose service is one
// CG-C100 finding, built from the measure rules; `summarize` and its precedence; override fragments;
// the per-measure fixes; and the wizard's view (summaries off, one service).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, allRules, foreignIdIndex, ruleMeta } from '../../server/src/engine/engine';
import { parseContainerGuardConfig, parseHadolintConfig } from '../../server/src/engine/config';
import { withFileConfig } from '../../server/src/engine/config-files';
import { fixAllEdits } from '../../server/src/engine/fix-all';
import { defaultSettings, normalizeSettings, summarizes, type EngineSettings } from '../../server/src/engine/settings';
import { applyEdits } from '../../server/src/engine/text';
import { parseCompose } from '../../server/src/engine/compose/model';
import { hardenEdit, listHardenings } from '../../server/src/lsp/hardening';
import { lines, range as r } from './kit';

const settings = (extra: Partial<EngineSettings> = {}): EngineSettings => ({ ...defaultSettings, rules: {}, ...extra });
const run = (text: string, extra: Partial<EngineSettings> = {}) => analyze(text, { kind: 'compose', settings: settings(extra) });
const ids = (text: string, extra: Partial<EngineSettings> = {}) => run(text, extra).findings.map((f) => f.ruleId);
const summaries = (text: string, extra: Partial<EngineSettings> = {}) => run(text, extra).findings.filter((f) => f.ruleId === 'CG-C100');

const MEMBERS = ['CG-C020', 'CG-C023', 'CG-C050', 'CG-C060', 'CG-C061', 'CG-C062', 'CG-C063', 'CG-C065', 'CG-C108'];
const bare = lines('services:', '  web:', '    image: nginx:1.27');

describe('CG-C100 service is not hardened', () => {
  it('is one Info finding on the service key naming the first three missing measures', () => {
    const [summary, ...rest] = summaries(bare);
    assert.equal(rest.length, 0);
    assert.equal(summary.message, 'Service "web" is not hardened: no cap_drop ALL, no no-new-privileges, writable root filesystem, +6 more');
    assert.deepEqual(summary.range, r(1, 2, 1, 5));
    assert.equal(summary.severity, 'info');
    assert.equal(summary.docsUrl.endsWith('/docs/rules/CG-C100.md'), true);
    assert.deepEqual(summary.members, MEMBERS);
    assert.equal(summary.service, 'web');
    // None of the members publishes on its own.
    assert.deepEqual(ids(bare).filter((id) => MEMBERS.includes(id)), []);
  });

  it('offers one quick fix per missing measure (memory and CPU share one block), none preferred', () => {
    const [summary] = summaries(bare);
    assert.deepEqual(summary.fixes.map((fix) => fix.title), [
      'Add "cap_drop: [ALL]"',
      'Add "security_opt: [no-new-privileges:true]"',
      'Add "read_only: true" with a tmpfs for /tmp',
      'Add memory: 512M, cpus: "1.0" under "deploy.resources.limits"',
      'Add "pids_limit: 256"',
      'Add "ulimits" for nproc and nofile',
      'Add a "healthcheck" template (edit its probe)',
      'Add log rotation (max-size: "10m", max-file: "3")',
    ]);
    assert.ok(summary.fixes.every((fix) => !fix.isPreferred));
  });

  it('a fixed measure leaves the list; the summary goes when the list is empty', () => {
    let text = bare;
    const [first] = summaries(text);
    text = applyEdits(text, first.fixes[0].edits);
    assert.equal(text, lines('services:', '  web:', '    image: nginx:1.27', '    cap_drop:', '      - ALL'));
    assert.deepEqual(parseCompose(text).problems, []);
    const [after] = summaries(text);
    assert.deepEqual(after.members, MEMBERS.filter((id) => id !== 'CG-C020'));
    assert.equal(after.message, 'Service "web" is not hardened: no no-new-privileges, writable root filesystem, no memory limit, +5 more');
    // Applying every offered fix, one at a time, ends with no summary and a file that parses.
    for (let round = 0; round < 10; round++) {
      const [summary] = summaries(text);
      if (!summary) break;
      text = applyEdits(text, summary.fixes[0].edits);
      assert.deepEqual(parseCompose(text).problems, [], text);
    }
    assert.deepEqual(summaries(text), []);
    assert.deepEqual(ids(text).filter((id) => MEMBERS.includes(id)), []);
  });

  it('lists only as many labels as are missing, without "+N more"', () => {
    const text = lines(
      'services:',
      '  web:',
      '    image: nginx:1.27',
      '    cap_drop: [ALL]',
      '    read_only: true',
      '    mem_limit: 256m',
      '    cpus: 0.5',
      '    pids_limit: 100',
      '    ulimits: {nofile: 1024}',
      '    healthcheck: {test: ["CMD", "true"]}',
      '    logging: {options: {max-size: 10m}}',
    );
    assert.deepEqual(summaries(text).map((f) => f.message), ['Service "web" is not hardened: no no-new-privileges']);
  });

  it('is not published for a service missing only Hint measures (ulimits)', () => {
    const text = lines(
      'services:',
      '  web:',
      '    image: nginx:1.27',
      '    cap_drop: [ALL]',
      '    security_opt: [no-new-privileges:true]',
      '    read_only: true',
      '    mem_limit: 256m',
      '    cpus: 0.5',
      '    pids_limit: 100',
      '    healthcheck: {test: ["CMD", "true"]}',
      '    logging: {options: {max-size: 10m}}',
    );
    assert.deepEqual(summaries(text), []);
    assert.deepEqual(ids(text).filter((id) => MEMBERS.includes(id)), []);
  });

  it('summarizes only absence: a weak value that is written publishes on its own', () => {
    const text = lines('services:', '  web:', '    image: nginx:1.27', '    read_only: false', '    pids_limit: 0');
    const found = run(text).findings;
    assert.deepEqual(found.filter((f) => f.ruleId === 'CG-C050').map((f) => f.range), [r(3, 15, 3, 20)]);
    assert.deepEqual(found.filter((f) => f.ruleId === 'CG-C062').map((f) => f.range), [r(4, 16, 4, 17)]);
    const [summary] = summaries(text);
    assert.ok(!summary.members!.includes('CG-C050') && !summary.members!.includes('CG-C062'));
  });

  it('folds the restart-forever-without-limits branch of CG-C064 in, never listed; on-failure branches publish', () => {
    const always = lines('services:', '  web:', '    image: x', '    restart: always');
    assert.ok(!ids(always).includes('CG-C064'));
    assert.ok(summaries(always)[0].members!.includes('CG-C064'));
    assert.doesNotMatch(summaries(always)[0].message, /restart/);
    const onFailure = lines('services:', '  web:', '    image: x', '    restart: on-failure:3');
    assert.ok(ids(onFailure).includes('CG-C064'));
  });

  it('one summary per service, each on its own key', () => {
    const text = lines('services:', '  web:', '    image: a', '  db:', '    image: b');
    assert.deepEqual(
      summaries(text).map((f) => [f.service, f.range]),
      [
        ['web', r(1, 2, 1, 5)],
        ['db', r(3, 2, 3, 4)],
      ],
    );
  });
});

describe('CG-C100 members: suppression and configuration', () => {
  it('a member named by our ignore comment above the service key leaves the list', () => {
    const text = lines('services:', '  # container-guard ignore=CG-C020,CG-C050 -- needs CHOWN, writes to /var', '  web:', '    image: x');
    const [summary] = summaries(text);
    assert.deepEqual(summary.members, MEMBERS.filter((id) => id !== 'CG-C020' && id !== 'CG-C050'));
    assert.equal(summary.message, 'Service "web" is not hardened: no no-new-privileges, no memory limit, no CPU limit, +4 more');
  });

  it('a service written in two YAML documents gets one summary; a comment above either key counts', () => {
    const text = lines('services:', '  web:', '    image: x', '---', 'services:', '  # container-guard ignore=CG-C050', '  web:', '    cap_drop: [ALL]');
    const found = summaries(text);
    assert.equal(found.length, 1);
    assert.deepEqual(found[0].range, r(1, 2, 1, 5));
    assert.deepEqual(found[0].members, MEMBERS.filter((id) => id !== 'CG-C020' && id !== 'CG-C050'));
  });

  it('a mapped foreign pragma (KICS) and a global ignore remove members too', () => {
    const kics = lines('services:', '  # kics-scan disable=ce76b7d0-9e77-464d-b86f-c5c48e03e22d', '  web:', '    image: x');
    assert.ok(!summaries(kics)[0].members!.includes('CG-C020'));
    const global = lines('# container-guard global ignore=CG-C065', 'services:', '  web:', '    image: x');
    assert.ok(!summaries(global)[0].members!.includes('CG-C065'));
  });

  it('ignore=CG-C100 silences the summary, and its members stay quiet', () => {
    const text = lines('services:', '  # container-guard ignore=CG-C100', '  web:', '    image: x');
    assert.deepEqual(ids(text).filter((id) => id === 'CG-C100' || MEMBERS.includes(id)), []);
  });

  it('a member that is off leaves the list; a member with an explicit severity publishes on its own', () => {
    const off = summaries(bare, { rules: { 'CG-C065': 'off' } });
    assert.ok(!off[0].members!.includes('CG-C065'));
    const explicit = run(bare, { rules: { 'CG-C020': 'error' } }).findings;
    assert.deepEqual(explicit.filter((f) => f.ruleId === 'CG-C020').map((f) => [f.severity, f.range]), [['error', r(1, 2, 1, 5)]]);
    assert.ok(!explicit.find((f) => f.ruleId === 'CG-C100')!.members!.includes('CG-C020'));
  });

  it('a summary whose members are all suppressed or off is not published', () => {
    const rules = Object.fromEntries(MEMBERS.filter((id) => id !== 'CG-C063').map((id) => [id, 'off' as const]));
    assert.deepEqual(summaries(bare, { rules }), []);
  });

  it('with summarize off every member publishes on its own and CG-C100 never fires', () => {
    const found = ids(bare, { summarize: false });
    assert.ok(!found.includes('CG-C100'));
    for (const id of MEMBERS) assert.ok(found.includes(id), id);
  });

  it('fix-all is the same whatever summarize says', () => {
    const text = lines('services:', '  web:', '    image: x', '    privileged: true', '    ports: ["80:80"]');
    assert.deepEqual(fixAllEdits(run(text, { summarize: true })), fixAllEdits(run(text, { summarize: false })));
  });

  it('CG-C022 is off by default in both profiles, and can be switched on', () => {
    for (const profile of ['baseline', 'strict'] as const) assert.ok(!ids(bare, { profile, summarize: false }).includes('CG-C022'));
    assert.ok(ids(bare, { summarize: false, rules: { 'CG-C022': 'info' } }).includes('CG-C022'));
    assert.equal(ruleMeta('CG-C100')?.severity, 'info');
    assert.ok(allRules.some((meta) => meta.id === 'CG-C100'));
  });
});

describe('partial override fragments', () => {
  const fragment = lines('services:', '  web:', '    environment:', '      LOG_LEVEL: debug');

  it('get no absence finding, in either mode', () => {
    for (const summarize of [true, false]) {
      assert.deepEqual(ids(fragment, { summarize }).filter((id) => id === 'CG-C100' || MEMBERS.includes(id)), [], `summarize: ${summarize}`);
    }
  });

  it('a service with an image, a build, extends or a merge key is not a fragment', () => {
    for (const line of ['    image: x', '    build: .', '    extends: {service: base}']) {
      assert.equal(summaries(fragment + line + '\n').length, 1, line);
    }
    const merged = lines('x-base: &base', '  restart: "no"', 'services:', '  web:', '    <<: *base', '    environment: [A=1]');
    assert.equal(summaries(merged).length, 1);
  });

  it('still get findings about what they write', () => {
    assert.ok(ids(lines('services:', '  web:', '    privileged: true')).includes('CG-C070'));
  });
});

describe('summarize setting and precedence', () => {
  it('defaults: on in baseline, off in strict; the setting wins over the profile', () => {
    assert.equal(summarizes(normalizeSettings(null)), true);
    assert.equal(summarizes(normalizeSettings({ profile: 'strict' })), false);
    assert.equal(summarizes(normalizeSettings({ profile: 'strict', summarize: true })), true);
    assert.equal(summarizes(normalizeSettings({ profile: 'baseline', summarize: false })), false);
    assert.equal(normalizeSettings({ summarize: 'yes' }).summarize, null, 'an invalid value means default');
  });

  it('the config file: summarize where written, else its profile over the setting', () => {
    const config = (text: string) => parseContainerGuardConfig(text).config;
    assert.equal(summarizes(withFileConfig(normalizeSettings({ summarize: true }), config('summarize: false\n'))), false);
    assert.equal(summarizes(withFileConfig(normalizeSettings({ profile: 'baseline' }), config('profile: strict\n'))), false);
    assert.equal(summarizes(withFileConfig(normalizeSettings({ summarize: true }), config('profile: strict\n'))), true, 'the setting still wins over a profile');
    assert.equal(summarizes(withFileConfig(normalizeSettings({ profile: 'strict' }), config('summarize: true\n'))), true);
  });

  it('a malformed summarize value is one clear problem and defaults', () => {
    const parsed = parseContainerGuardConfig('summarize: maybe\n');
    assert.equal(parsed.problem?.message, '`summarize` must be `true` or `false`; using defaults.');
    assert.deepEqual(parsed.problem?.range, r(0, 11, 0, 16));
    assert.equal(parsed.config.summarize, undefined);
  });

  it('strict profile shows every member on its own by default', () => {
    const found = ids(bare, { profile: 'strict' });
    assert.ok(!found.includes('CG-C100'));
    assert.ok(found.includes('CG-C020'));
  });

  it('.hadolint.yaml settings do not touch summarize', () => {
    assert.equal(parseHadolintConfig('ignored: [DL3008]\n', foreignIdIndex).config.summarize, undefined);
  });
});

describe('hardening a service (the wizard behind "Harden service…")', () => {
  const text = lines('services:', '  web:', '    image: a', '    privileged: true', '  db:', '    image: b');
  const document = TextDocument.create('file:///w/compose.yaml', 'dockercompose', 1, text);
  const input = { text, analyzeUnsummarized: (t: string) => analyze(t, { kind: 'compose', settings: settings({ summarize: false }) }) };

  it('lists the measures from the analysis with summaries off; for one service, all of them recommended', () => {
    const all = listHardenings(input);
    assert.ok(all.some((m) => m.id === 'CG-C020'));
    assert.ok(!all.some((m) => m.id === 'CG-C100'), 'the summary is not a measure; its members are');
    const web = listHardenings(input, 'web');
    assert.deepEqual(web.map((m) => m.id).sort(), ['CG-C020', 'CG-C023', 'CG-C050', 'CG-C060', 'CG-C061', 'CG-C062', 'CG-C063', 'CG-C065', 'CG-C070', 'CG-C108']);
    assert.ok(web.every((m) => m.recommended));
    assert.ok(!listHardenings(input, 'db').some((m) => m.id === 'CG-C070'));
    assert.deepEqual(listHardenings(input, 'nope'), []);
  });

  it('hardens only the named service, and the result parses', async () => {
    const edit = await hardenEdit(document, input, { textDocument: { uri: document.uri }, measureIds: ['CG-C020', 'CG-C023', 'CG-C070'], service: 'web' });
    const out = applyEdits(text, edit.changes![document.uri]);
    assert.equal(
      out,
      lines('services:', '  web:', '    image: a', '    cap_drop:', '      - ALL', '    security_opt:', '      - no-new-privileges:true', '  db:', '    image: b'),
    );
    assert.deepEqual(parseCompose(out).problems, []);
    const [web, db] = summaries(out);
    assert.ok(!web.members!.includes('CG-C020') && !web.members!.includes('CG-C023'));
    assert.deepEqual(db.members, MEMBERS, 'db was not touched');
    assert.ok(!ids(out).includes('CG-C070'));
  });
});
