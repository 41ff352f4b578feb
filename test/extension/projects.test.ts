import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { assertRange, codesOf, dataOf, describe, open, ours, summaries, textAt, waitForDiagnostics, withCode, workspaceRoot } from './helpers';

const { Error: E } = vscode.DiagnosticSeverity;

const BASE = 'services:\n  web:\n    image: nginx:1.27\n';
/** The override as it is on disk: it sets cap_drop only. `privileged: true` is added as an unsaved edit. */
const OVERRIDE_ON_DISK = 'services:\n  web:\n    cap_drop: [ALL]\n';
const PRIVILEGED_LINE = '    privileged: true\n';

/** A fresh sub-folder of the workspace (as helpers' freshCopy makes), holding `compose.yaml` only. */
function freshProject(label: string): string {
  const dir = fs.mkdtempSync(path.join(workspaceRoot(), `case-${label}-`));
  fs.writeFileSync(path.join(dir, 'compose.yaml'), BASE);
  return dir;
}

/** The members of the CG-C100 summary of `service`, or undefined when there is none. */
const membersOf = (ds: vscode.Diagnostic[], service: string) => {
  const d = summaries(ds).get(service);
  return d ? dataOf(d)?.members ?? [] : undefined;
};

suite('Compose projects: compose.yaml + compose.override.yaml', () => {
  test('an open, unsaved override changes the base: absence decided on the merged service, CG-C110 for the risk it adds', async () => {
    const dir = freshProject('project-override');
    const baseUri = vscode.Uri.file(path.join(dir, 'compose.yaml'));
    const overrideUri = vscode.Uri.file(path.join(dir, 'compose.override.yaml'));

    // 1. The base alone: web's summary lists "no cap_drop ALL" (CG-C020).
    const base = await open(baseUri);
    const alone = await waitForDiagnostics(baseUri, (ds) => membersOf(ds, 'web')?.includes('CG-C020') === true, 'the web summary with CG-C020');
    const aloneSummary = summaries(alone).get('web')!;
    assertRange(aloneSummary, [1, 2, 1, 5], 'CG-C100 of web (the service key)');
    assert.match(aloneSummary.message, /^Service "web" is not hardened: no cap_drop ALL, /);
    assert.strictEqual(withCode(alone, 'CG-C110').length, 0, `no other file yet:\n    ${describe(alone)}`);

    // 2a. The override on disk, opened: it sets cap_drop, so the merged web has it and the base stops asking for it.
    fs.writeFileSync(overrideUri.fsPath, OVERRIDE_ON_DISK);
    const override = await open(overrideUri);
    const merged = await waitForDiagnostics(baseUri, (ds) => {
      const members = membersOf(ds, 'web');
      return members !== undefined && !members.includes('CG-C020');
    }, 'CG-C020 to leave the web summary (the override sets cap_drop)');
    const mergedSummary = summaries(merged).get('web')!;
    assert.doesNotMatch(mergedSummary.message, /cap_drop/, `the merged web drops capabilities: ${mergedSummary.message}`);
    assert.ok(dataOf(mergedSummary)?.members?.includes('CG-C023'), `what the override does not set stays missing: ${dataOf(mergedSummary)?.members?.join(', ')}`);
    assert.strictEqual(withCode(merged, 'CG-C110').length, 0, `the override adds no risk yet:\n    ${describe(merged)}`);

    // 2b. `privileged: true` added through a WorkspaceEdit and not saved: the open document wins over the disk.
    const edit = new vscode.WorkspaceEdit();
    edit.insert(overrideUri, new vscode.Position(3, 0), PRIVILEGED_LINE);
    assert.ok(await vscode.workspace.applyEdit(edit), 'workspace.applyEdit refused the edit of the override');
    assert.strictEqual(override.getText(), OVERRIDE_ON_DISK + PRIVILEGED_LINE);
    assert.ok(override.isDirty, 'the override edit is not saved');
    assert.strictEqual(fs.readFileSync(overrideUri.fsPath, 'utf8'), OVERRIDE_ON_DISK, 'the disk still has no privileged');

    // The override reports the value where it is written, and none of the base's absence findings.
    const inOverride = await waitForDiagnostics(overrideUri, (ds) => withCode(ds, 'CG-C070').length > 0, 'CG-C070 in the override');
    const c070 = withCode(inOverride, 'CG-C070');
    assert.strictEqual(c070.length, 1, describe(c070));
    assertRange(c070[0], [3, 16, 3, 20], 'CG-C070 (the value true of privileged: true)');
    assert.strictEqual(textAt(override, c070[0].range), 'true');
    assert.strictEqual(c070[0].severity, E);
    assert.deepStrictEqual(withCode(inOverride, 'CG-C100'), [], `the override is not web's home file:\n    ${describe(inOverride)}`);
    assert.deepStrictEqual(withCode(inOverride, 'CG-C110'), [], `the override shows the finding itself, not a C110:\n    ${describe(inOverride)}`);

    // The base shows it on web's key as CG-C110, pointing at the override.
    const withRisk = await waitForDiagnostics(baseUri, (ds) => withCode(ds, 'CG-C110').length > 0, 'CG-C110 in the base');
    const c110 = withCode(withRisk, 'CG-C110');
    assert.strictEqual(c110.length, 1, describe(c110));
    assertRange(c110[0], [1, 2, 1, 5], 'CG-C110 (the web key of the base)');
    assert.strictEqual(textAt(base, c110[0].range), 'web');
    assert.strictEqual(c110[0].severity, E, 'CG-C110 has the severity of CG-C070');
    assert.strictEqual(c110[0].message, `Service "web" gets a risk written in "compose.override.yaml", which CG-C070 reports there: ${c070[0].message}`);
    const related = c110[0].relatedInformation ?? [];
    assert.strictEqual(related.length, 1, `one related location: ${JSON.stringify(related)}`);
    assert.strictEqual(related[0].location.uri.toString(), overrideUri.toString());
    assert.deepStrictEqual(related[0].location.range, c070[0].range, 'the related location is the override\'s privileged value');
    assert.strictEqual(related[0].message, `CG-C070: ${c070[0].message}`);
    assert.ok(!membersOf(withRisk, 'web')?.includes('CG-C020'), `cap_drop is still set by the override:\n    ${describe(withRisk)}`);
    assert.deepStrictEqual(withCode(withRisk, 'CG-C070'), [], 'the base does not write privileged itself');

    // 3. Undo the edit: the override is back to its text on disk, and the risk leaves the base.
    await vscode.window.showTextDocument(override);
    await vscode.commands.executeCommand('undo');
    assert.strictEqual(override.getText(), OVERRIDE_ON_DISK, 'undo removed the privileged line');
    const undone = await waitForDiagnostics(baseUri, (ds) => withCode(ds, 'CG-C110').length === 0 && membersOf(ds, 'web') !== undefined,
      'CG-C110 to leave the base');
    assert.ok(!membersOf(undone, 'web')!.includes('CG-C020'), `cap_drop is still set by the override:\n    ${describe(undone)}`);
    await waitForDiagnostics(overrideUri, (ds) => withCode(ds, 'CG-C070').length === 0, 'CG-C070 to leave the override');
    assert.deepStrictEqual(codesOf(ours(overrideUri)), [], `the override has nothing left to report:\n    ${describe(ours(overrideUri))}`);
  });
});
