import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import {
  actionsFor, applyAction, codeActions, codeOf, dataOf, describe, exampleUri, findAction, freshCopy, lines, open, originalLines,
  codesOf, ours, summaries, titles, waitForCodes, waitForDiagnostics, waitForGone, withCode,
} from './helpers';

const FIX_ALL = 'source.fixAll.container-guard';
const quickfix = vscode.CodeActionKind.QuickFix;

/** The one diagnostic `code` on `uri`, after it was published. */
async function diag(uri: vscode.Uri, code: string): Promise<vscode.Diagnostic> {
  const ds = withCode(await waitForCodes(uri, [code]), code);
  assert.strictEqual(ds.length, 1, `one ${code} expected; got ${describe(ds)}`);
  return ds[0];
}

/** The real fixes (not the ignore/documentation family) offered for `range`. The API's CodeAction
 *  objects do not carry `diagnostics` back from executeCodeActionProvider, so a fix is attributed by
 *  range: on the examples, findings that share a range are CG-C100 with CG-C102 (which has no fix) on
 *  the "web" key, and CG-D020 with CG-D003/CG-D074 on the final stage's image. */
const fixesAt = async (uri: vscode.Uri, range: vscode.Range) =>
  (await codeActions(uri, range, quickfix.value)).filter((a) => !/^(Ignore CG-|Show documentation for CG-)/.test(a.title));

/** The exact fix titles of the product for the examples. */
const TITLE = {
  'CG-D060': 'Replace ADD with COPY',
  'CG-D020': "Run as the image's 'node' user",
  'CG-D073': 'Convert to exec form: CMD ["node", "server.js"]',
  'CG-C070': 'Remove "privileged: true"',
} as const;
/** Preferred (fix-all) fixes are a closed list (catalogue §6.4): of these, ADD→COPY and the exec form. */
const PREFERRED = new Set(['CG-D060', 'CG-D073']);

/** The per-measure fixes of a CG-C100 summary for the example services, in the catalogue's order. */
const MEASURE_FIXES = [
  'Add "cap_drop: [ALL]"',
  'Add "security_opt: [no-new-privileges:true]"',
  'Add "read_only: true" with a tmpfs for /tmp',
  'Add memory: 512M, cpus: "1.0" under "deploy.resources.limits"',
  'Add "pids_limit: 256"',
  'Add "ulimits" for nproc and nofile',
  'Add log rotation (max-size: "10m", max-file: "3")',
];
const HEALTHCHECK_FIX = 'Add a "healthcheck" template (edit its probe)';
const HARDEN_SERVICE = 'containerGuard.hardenService';
const C113_FIX = 'Run as "10001:10001"';
const hardenTitle = (service: string) => `Harden service "${service}"…`;

/** What fix-all makes of the examples: the preferred fixes only, formatting and comments kept. */
const FIXED: Record<string, (original: string[]) => string[]> = {
  // ADD → COPY and the exec-form CMD; no USER line (changing who runs the image is a person's choice)
  Dockerfile: (l) => [...l.slice(0, 8), 'COPY server.js package.json ./', ...l.slice(9, 11), 'CMD ["node", "server.js"]', ...l.slice(12)],
  // nothing in the example Compose file has a preferred fix
  'compose.yaml': (l) => l,
};
/** Findings fix-all must remove, and findings it must leave (their fixes are not preferred). */
const FIX_ALL_GOES: Record<string, string[]> = { Dockerfile: ['CG-D060', 'CG-D073'], 'compose.yaml': [] };
const FIX_ALL_STAYS: Record<string, string[]> = { Dockerfile: ['CG-D020', 'CG-D002'], 'compose.yaml': ['CG-C100', 'CG-C070', 'CG-C041', 'CG-C043'] };

/** The CG-C100 summary of `service` on `uri`, once published. */
async function summary(uri: vscode.Uri, service: string): Promise<vscode.Diagnostic> {
  const ds = await waitForDiagnostics(uri, (x) => summaries(x).has(service), `the CG-C100 summary of "${service}"`);
  return summaries(ds).get(service)!;
}

/** The lines of the `cache:` service block to the end of the file (the examples' last service). */
const cacheBlock = (text: string[]) => text.slice(text.indexOf('  cache:'));

suite('code actions', () => {
  test('every diagnostic offers its fix (if any) plus ignore-line, ignore-file and show-documentation', async () => {
    for (const name of ['Dockerfile', 'compose.yaml']) {
      const doc = await open(exampleUri(name));
      const ds = await waitForDiagnostics(doc.uri, (x) => x.length >= 4, `diagnostics on ${name}`);
      for (const d of ds) {
        const code = codeOf(d)!;
        const actions = actionsFor(await codeActions(doc.uri, d.range), code);
        const line = findAction(actions, (a) => a.title === `Ignore ${code} for this line`, `"Ignore ${code} for this line"`);
        const file = findAction(actions, (a) => a.title === `Ignore ${code} in this file`, `"Ignore ${code} in this file"`);
        const docs = findAction(actions, (a) => a.title === `Show documentation for ${code}`, `"Show documentation for ${code}"`);
        assert.ok(line.edit || line.command, `${line.title}: no edit/command`);
        assert.ok(file.edit || file.command, `${file.title}: no edit/command`);
        assert.ok(docs.command, `${docs.title}: no command`);
        assert.strictEqual(line.kind?.value, quickfix.value, `kind of ${line.title}`);
      }
    }
  });

  test('the expected quick fixes are offered; only ADD→COPY and the exec form are preferred (fix-all)', async () => {
    const df = await open(exampleUri('Dockerfile'));
    const compose = await open(exampleUri('compose.yaml'));
    for (const [code, title] of Object.entries(TITLE)) {
      const uri = code.startsWith('CG-D') ? df.uri : compose.uri;
      const d = await diag(uri, code);
      const all = await codeActions(uri, d.range);
      const fixes = await fixesAt(uri, d.range);
      const fix = findAction(fixes, (a) => a.title === title, `"${title}" for ${code} (all actions there: ${titles(all)})`);
      assert.strictEqual(fix.kind?.value, quickfix.value, `kind of "${title}"`);
      assert.ok(fix.edit, `"${title}" carries a WorkspaceEdit`);
      // Several findings can share a range (CG-D020, CG-D003 and CG-D074 sit on the final image): at most this fix is preferred.
      const preferred = fixes.filter((a) => a.isPreferred).map((a) => a.title);
      assert.deepStrictEqual(preferred, PREFERRED.has(code) ? [title] : [], `preferred fixes for ${code}: ${titles(fixes)}`);
      if (PREFERRED.has(code)) assert.strictEqual(all[0]?.title, title, `the preferred fix comes first: ${titles(all)}`);
      const firstIgnore = all.findIndex((a) => /^Ignore CG-/.test(a.title));
      assert.ok(all.findIndex((a) => a.title === title) < firstIgnore, `the fix comes before the ignore/documentation actions: ${titles(all)}`);
    }
  });

  test('the CG-C100 summaries offer one fix per missing measure (none preferred) and "Harden service "<name>"…"', async () => {
    const doc = await open(exampleUri('compose.yaml'));
    for (const service of ['web', 'cache']) {
      const d = await summary(doc.uri, service);
      // CG-C113 (web's Dockerfile runs as root) sits on the same key with its own fix; only the summary's count here.
      const fixes = (await fixesAt(doc.uri, d.range)).filter((a) => a.title !== C113_FIX);
      console.log(`    quick fixes on "${service}": ${titles(fixes)}`);
      // Neither the image (cache) nor web's Dockerfile defines a HEALTHCHECK, so both lack one.
      const expected = [...MEASURE_FIXES.slice(0, 6), HEALTHCHECK_FIX, MEASURE_FIXES[6]];
      assert.deepStrictEqual(fixes.map((a) => a.title), [...expected, hardenTitle(service)], `quick fixes on the "${service}" key`);
      for (const fix of fixes) {
        assert.ok(!fix.isPreferred, `"${fix.title}" must not be preferred`);
        assert.strictEqual(fix.kind?.value, quickfix.value, `kind of "${fix.title}"`);
      }
      for (const fix of fixes.slice(0, -1)) assert.ok(fix.edit && !fix.command, `"${fix.title}" carries its edit`);
      const harden = fixes.at(-1)!;
      assert.ok(!harden.edit, `"${harden.title}" opens the wizard instead of editing`);
      assert.strictEqual(harden.command?.command, HARDEN_SERVICE);
      assert.deepStrictEqual(harden.command?.arguments, [doc.uri.toString(), service], `arguments of "${harden.title}"`);
      // The summary's ignore/documentation family follows the fixes.
      const all = await codeActions(doc.uri, d.range);
      findAction(all, (a) => a.title === 'Ignore CG-C100 for this line', '"Ignore CG-C100 for this line"');
      assert.ok(all.findIndex((a) => a.title === hardenTitle(service)) < all.findIndex((a) => /^Ignore CG-/.test(a.title)), titles(all));
    }
  });

  test('a per-measure fix of the summary adds only that measure; the measure leaves the summary', async () => {
    const doc = await open(freshCopy('compose.yaml', 'summary-measure'));
    const d = await summary(doc.uri, 'web');
    const cacheBefore = await summary(doc.uri, 'cache');
    const fix = findAction(await fixesAt(doc.uri, d.range), (a) => a.title === MEASURE_FIXES[0], MEASURE_FIXES[0]);
    await applyAction(fix);
    const original = originalLines('compose.yaml');
    const text = lines(doc);
    // two new lines inside the web service; the rest as it was
    assert.strictEqual(text.length, original.length + 2, doc.getText());
    const at = text.indexOf('    cap_drop:');
    assert.ok(at > 2 && at < text.indexOf('  cache:'), `cap_drop added under web:\n${doc.getText()}`);
    assert.strictEqual(text[at + 1], '      - ALL');
    assert.deepStrictEqual([...text.slice(0, at), ...text.slice(at + 2)], original, 'nothing else changed');
    const after = await waitForDiagnostics(doc.uri, (x) => {
      const web = summaries(x).get('web');
      return !web || !dataOf(web)?.members?.includes('CG-C020');
    }, 'CG-C020 to leave the "web" summary');
    const web = summaries(after).get('web');
    assert.ok(web, `the summary stays while other measures are missing:\n    ${describe(after)}`);
    assert.deepStrictEqual(dataOf(web)?.members, dataOf(d)?.members?.filter((m) => m !== 'CG-C020'));
    assert.ok(web.message.startsWith('Service "web" is not hardened: no no-new-privileges, writable root filesystem, no memory limit'), web.message);
    assert.strictEqual(withCode(after, 'CG-C020').length, 0, 'the fixed measure is not published on its own either');
    assert.strictEqual(summaries(after).get('cache')?.message, cacheBefore.message, 'the other service is untouched');
  });

  test('"Harden service "web"…" with { preview: false } hardens only that service; its summary goes, cache keeps its own', async () => {
    const doc = await open(freshCopy('compose.yaml', 'harden-service'));
    const d = await summary(doc.uri, 'web');
    const cache = await summary(doc.uri, 'cache');
    const harden = findAction(await fixesAt(doc.uri, d.range), (a) => a.title === hardenTitle('web'), hardenTitle('web'));
    // The code action's own command and arguments, plus the option that skips the picker and the diff:
    // every measure of the service is preselected, so all of them are applied.
    const applied = await vscode.commands.executeCommand<boolean>(harden.command!.command, ...(harden.command!.arguments ?? []), { preview: false });
    assert.strictEqual(applied, true, 'the command reports the edit as applied');
    const after = await waitForDiagnostics(doc.uri, (x) => !summaries(x).has('web') && summaries(x).has('cache'), 'the "web" summary to go, "cache" to stay');
    console.log(`    after hardening "web":\n    ${describe(after)}`);
    const text = lines(doc);
    const original = originalLines('compose.yaml');
    assert.deepStrictEqual(cacheBlock(text), cacheBlock(original), 'the cache service is not touched');
    assert.deepStrictEqual(text.slice(0, 3), original.slice(0, 3), 'the comment, services: and web: stay');
    const web = text.slice(2, text.indexOf('  cache:')).join('\n');
    for (const key of ['    cap_drop:\n      - ALL', '      - no-new-privileges:true', '    read_only: true', '    pids_limit: 256', '          memory: 512M', '        max-size: "10m"', '"127.0.0.1:3000:3000"']) {
      assert.ok(web.includes(key), `web should now have ${JSON.stringify(key)}:\n${web}`);
    }
    assert.doesNotMatch(web, /privileged/, 'removing privileged: true is one of the service\'s measures');
    for (const code of ['CG-C070', 'CG-C041', 'CG-C043']) assert.strictEqual(withCode(after, code).length, 0, `${code} is gone:\n    ${describe(after)}`);
    assert.strictEqual(summaries(after).get('cache')!.message, cache.message, 'cache keeps its summary as it was');
    assert.deepStrictEqual(dataOf(summaries(after).get('cache')!)?.members, dataOf(cache)?.members);
    assert.strictEqual(withCode(after, 'CG-C040').length, 1, 'the findings of cache stay');
    assert.ok(await doc.save());
    assert.strictEqual(fs.readFileSync(doc.uri.fsPath, 'utf8'), doc.getText());
  });

  test('"Replace ADD with COPY" changes only the keyword and the finding disappears', async () => {
    const doc = await open(freshCopy('Dockerfile', 'add-to-copy'));
    const d = await diag(doc.uri, 'CG-D060');
    const before = ours(doc.uri);
    const fix = findAction(await codeActions(doc.uri, d.range, quickfix.value), (a) => a.title === TITLE['CG-D060'], TITLE['CG-D060']);
    assert.ok(fix.edit, 'the fix carries a WorkspaceEdit');
    await applyAction(fix);
    const expected = originalLines('Dockerfile');
    expected[8] = 'COPY server.js package.json ./';
    assert.deepStrictEqual(lines(doc), expected);
    const after = await waitForGone(doc.uri, ['CG-D060']);
    assert.deepStrictEqual(codesOf(after), codesOf(before).filter((c) => c !== 'CG-D060'),
      `only CG-D060 should go; before:\n    ${describe(before)}\n  after:\n    ${describe(after)}`);
    assert.ok(await doc.save());
    assert.strictEqual(fs.readFileSync(doc.uri.fsPath, 'utf8'), expected.join('\n'));
  });

  test(`"${TITLE['CG-D020']}" inserts USER node right before CMD and the finding disappears`, async () => {
    const doc = await open(freshCopy('Dockerfile', 'add-user'));
    const d = await diag(doc.uri, 'CG-D020');
    const fix = findAction(await codeActions(doc.uri, d.range, quickfix.value), (a) => a.title === TITLE['CG-D020'], TITLE['CG-D020']);
    await applyAction(fix);
    const expected = originalLines('Dockerfile');
    expected.splice(11, 0, 'USER node');
    assert.deepStrictEqual(lines(doc), expected, 'USER node inserted right before CMD, nothing else changed');
    await waitForGone(doc.uri, ['CG-D020']);
    assert.ok(await doc.save());
  });

  test(`"${TITLE['CG-C070']}" deletes the line and the finding disappears`, async () => {
    const doc = await open(freshCopy('compose.yaml', 'remove-privileged'));
    const d = await diag(doc.uri, 'CG-C070');
    const fix = findAction(await codeActions(doc.uri, d.range, quickfix.value), (a) => a.title === TITLE['CG-C070'], TITLE['CG-C070']);
    assert.ok(fix.edit, 'the fix carries a WorkspaceEdit');
    await applyAction(fix);
    const expected = originalLines('compose.yaml').filter((l) => l !== '    privileged: true');
    assert.deepStrictEqual(lines(doc), expected);
    const after = await waitForGone(doc.uri, ['CG-C070']);
    assert.ok(withCode(after, 'CG-C043').length === 1, `the rest of the file is still analyzed:\n    ${describe(after)}`);
    assert.ok(await doc.save());
    assert.ok(!fs.readFileSync(doc.uri.fsPath, 'utf8').includes('privileged'));
  });

  test('"Ignore CG-D060 for this line" inserts the comment above and the finding disappears', async () => {
    const doc = await open(freshCopy('Dockerfile', 'ignore-line'));
    const d = await diag(doc.uri, 'CG-D060');
    const action = findAction(await codeActions(doc.uri, d.range), (a) => a.title === 'Ignore CG-D060 for this line', 'Ignore CG-D060 for this line');
    await applyAction(action);
    const expected = originalLines('Dockerfile');
    expected.splice(8, 0, '# container-guard ignore=CG-D060');
    assert.deepStrictEqual(lines(doc), expected);
    const after = await waitForGone(doc.uri, ['CG-D060']);
    assert.ok(withCode(after, 'CG-D073').length === 1, `other findings stay:\n    ${describe(after)}`);
  });

  test('"Ignore CG-C070 for this line" in compose.yaml keeps the YAML indentation', async () => {
    const doc = await open(freshCopy('compose.yaml', 'ignore-line-compose'));
    const d = await diag(doc.uri, 'CG-C070');
    await applyAction(findAction(await codeActions(doc.uri, d.range), (a) => a.title === 'Ignore CG-C070 for this line', 'Ignore CG-C070 for this line'));
    const expected = originalLines('compose.yaml');
    expected.splice(6, 0, '    # container-guard ignore=CG-C070');
    assert.deepStrictEqual(lines(doc), expected);
    await waitForGone(doc.uri, ['CG-C070']);
  });

  test('"Ignore CG-D073 in this file" adds a file-wide comment', async () => {
    const doc = await open(freshCopy('Dockerfile', 'ignore-file'));
    const d = await diag(doc.uri, 'CG-D073');
    await applyAction(findAction(await codeActions(doc.uri, d.range), (a) => a.title === 'Ignore CG-D073 in this file', 'Ignore CG-D073 in this file'));
    const text = lines(doc);
    assert.ok(text.some((l) => /^# container-guard global ignore=CG-D073\b/.test(l)), `no global ignore comment:\n${doc.getText()}`);
    assert.strictEqual(text.length, originalLines('Dockerfile').length + 1, 'exactly one line added');
    await waitForGone(doc.uri, ['CG-D073']);
  });

  for (const name of ['Dockerfile', 'compose.yaml']) {
    test(`${FIX_ALL} on ${name} applies only the preferred fixes`, async () => {
      const doc = await open(freshCopy(name, 'fix-all'));
      const before = await waitForDiagnostics(doc.uri, (x) => x.length >= 4, `diagnostics on ${name}`);
      // the findings with a preferred quick fix, by their ranges
      const safeBefore: string[] = [];
      for (const d of before) {
        for (const a of await fixesAt(doc.uri, d.range)) if (a.isPreferred) safeBefore.push(`${codeOf(d)}: ${a.title}`);
      }
      console.log(`    ${name}: preferred fixes before fix-all:\n      ${safeBefore.join('\n      ') || '(none)'}`);
      const whole = new vscode.Range(0, 0, doc.lineCount, 0);
      const fixAll = (await codeActions(doc.uri, whole, FIX_ALL)).filter((a) => a.kind?.value === FIX_ALL);
      if (FIX_ALL_GOES[name].length > 0) {
        assert.strictEqual(fixAll.length, 1, `one ${FIX_ALL} action: ${titles(fixAll)}`);
        await applyAction(fixAll[0]);
      } else {
        // Nothing to do: no action (or one that changes nothing).
        for (const a of fixAll) if (a.edit) await vscode.workspace.applyEdit(a.edit);
      }
      assert.deepStrictEqual(lines(doc), FIXED[name](originalLines(name)), `${name} after fix-all`);
      const after = await waitForDiagnostics(doc.uri,
        (x) => FIX_ALL_GOES[name].every((c) => withCode(x, c).length === 0) && FIX_ALL_STAYS[name].every((c) => withCode(x, c).length > 0),
        `${FIX_ALL_GOES[name].join(', ') || 'nothing'} to go, ${FIX_ALL_STAYS[name].join(', ')} to stay`);
      console.log(`    ${name} after fix-all:\n    ${describe(after)}`);
      for (const d of after) {
        const safe = (await fixesAt(doc.uri, d.range)).filter((a) => a.isPreferred);
        assert.strictEqual(safe.length, 0, `a preferred fix is still offered for ${codeOf(d)} after fix-all: ${titles(safe)}`);
      }
      // syntax problems have their own source; a fix must leave a file that still parses
      const broken = vscode.languages.getDiagnostics(doc.uri).filter((x) => x.source !== 'container-guard' && x.severity === vscode.DiagnosticSeverity.Error);
      assert.strictEqual(broken.length, 0, `fix-all left syntax errors: ${describe(broken)}`);
      // applying fix-all again changes nothing
      const again = (await codeActions(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), FIX_ALL)).filter((a) => a.kind?.value === FIX_ALL);
      const text = doc.getText();
      for (const a of again) if (a.edit) await vscode.workspace.applyEdit(a.edit);
      assert.strictEqual(doc.getText(), text, 'a second fix-all changed the file');
      assert.ok(await doc.save());
    });
  }
});
