import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import {
  actionsFor, applyAction, codeActions, codeOf, describe, exampleUri, findAction, freshCopy, lines, open, originalLines,
  codesOf, ours, titles, waitForCodes, waitForDiagnostics, waitForGone, withCode,
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
 *  range: every diagnostic range of ours on the examples is distinct, except CG-C020/CG-C023, which
 *  both sit on a service key. */
const fixesAt = async (uri: vscode.Uri, range: vscode.Range) =>
  (await codeActions(uri, range, quickfix.value)).filter((a) => !/^(Ignore CG-|Show documentation for CG-)/.test(a.title));

/** The exact fix titles of the product for the examples. */
const TITLE = {
  'CG-D060': 'Replace ADD with COPY',
  'CG-D020': "Run as the image's 'node' user",
  'CG-D073': 'Convert to exec form: CMD ["node", "server.js"]',
  'CG-C070': 'Remove "privileged: true"',
} as const;

/** What fix-all makes of the examples: every safe fix, nothing else, formatting and comments kept. */
const FIXED: Record<string, (original: string[]) => string[]> = {
  Dockerfile: (l) => [...l.slice(0, 8), 'COPY server.js package.json ./', ...l.slice(9, 11), 'USER node', 'CMD ["node", "server.js"]', ...l.slice(12)],
  'compose.yaml': (l) => [
    ...l.slice(0, 5),
    '      - "127.0.0.1:3000:3000"',
    // privileged: true is gone; new keys go after the last key that holds no block list
    '    cap_drop:', '      - ALL', '    security_opt:', '      - no-new-privileges:true',
    ...l.slice(7, 13),            // volumes:, the socket, blank line, cache:, image:, network_mode: host
    '    cap_drop:', '      - ALL', '    security_opt:', '      - no-new-privileges:true',
    ...l.slice(13),
  ],
};

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

  test('the expected quick fixes are offered first, as safe (preferred) quick fixes', async () => {
    const df = await open(exampleUri('Dockerfile'));
    const compose = await open(exampleUri('compose.yaml'));
    for (const [code, title] of Object.entries(TITLE)) {
      const uri = code.startsWith('CG-D') ? df.uri : compose.uri;
      const d = await diag(uri, code);
      const all = await codeActions(uri, d.range);
      const fixes = await fixesAt(uri, d.range);
      // Several findings can share a range (CG-D020 and CG-D074 sit on the final image): the safe fix is the only preferred one.
      assert.deepStrictEqual(fixes.filter((a) => a.isPreferred).map((a) => a.title), [title], `preferred fixes for ${code}: ${titles(fixes)}`);
      assert.strictEqual(all[0]?.title, title, `the fix comes before the ignore/documentation actions: ${titles(all)}`);
      assert.strictEqual(fixes[0].kind?.value, quickfix.value, `kind of "${title}"`);
      assert.strictEqual(fixes[0].isPreferred, true, `"${title}" is a safe fix`);
      assert.ok(fixes[0].edit, `"${title}" carries a WorkspaceEdit`);
    }
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
    test(`${FIX_ALL} on ${name} applies every safe fix`, async () => {
      const doc = await open(freshCopy(name, 'fix-all'));
      const before = await waitForDiagnostics(doc.uri, (x) => x.length >= 4, `diagnostics on ${name}`);
      // the findings with a safe (preferred) quick fix, by their ranges
      const safeBefore: string[] = [];
      for (const d of before) {
        for (const a of await fixesAt(doc.uri, d.range)) if (a.isPreferred) safeBefore.push(`${codeOf(d)}: ${a.title}`);
      }
      console.log(`    ${name}: safe fixes before fix-all:\n      ${safeBefore.join('\n      ')}`);
      const mustGo = name === 'Dockerfile' ? ['CG-D020', 'CG-D060', 'CG-D073'] : ['CG-C070', 'CG-C041', 'CG-C020', 'CG-C023'];
      const whole = new vscode.Range(0, 0, doc.lineCount, 0);
      const actions = await codeActions(doc.uri, whole, FIX_ALL);
      const fixAll = findAction(actions, (a) => a.kind?.value === FIX_ALL, `of kind ${FIX_ALL}`);
      await applyAction(fixAll);
      const after = await waitForGone(doc.uri, mustGo);
      console.log(`    ${name} after fix-all:\n    ${describe(after)}`);
      assert.deepStrictEqual(lines(doc), FIXED[name](originalLines(name)), `${name} after fix-all`);
      for (const d of after) {
        const safe = (await fixesAt(doc.uri, d.range)).filter((a) => a.isPreferred);
        assert.strictEqual(safe.length, 0, `a safe fix is still offered for ${codeOf(d)} after fix-all: ${titles(safe)}`);
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
