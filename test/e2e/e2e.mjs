// End-to-end test of Container Guard in a real VS Code (code-server 4.100.3 = VS Code 1.100.3) driven
// like a person would, with playwright-core + Debian chromium: install the .vsix into an isolated
// code-server, open a copy of examples/, see squiggles and Problems entries, apply quick fixes with
// Ctrl+. and the keyboard, save, and check the files on disk; restart the server from the palette.
//
//   npm run build && npm run package && node test/e2e/e2e.mjs [--vsix <path>] [--update-docs-images]
// env: PORT (default 18081), CODE_SERVER, CHROMIUM. State + screenshots: test/e2e/.runs/e2e-<time>/.
// --update-docs-images copies the two README screenshots (quick-fix menu, hover + Problems) to docs/images/.
import fs from 'node:fs';
import path from 'node:path';
import { REPO, createRun, installVsix, startCodeServer, launchBrowser, screenshotter, stepper, poll, log, trimRun } from './lib.mjs';

const arg = (name, def) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : def; };
const VSIX = path.resolve(arg('--vsix', path.join(REPO, 'container-guard.vsix')));
const PORT = Number(process.env.PORT ?? 18081);
const UPDATE_DOCS = process.argv.includes('--update-docs-images');

const run = createRun('e2e');
const shot = screenshotter(run);
const { step, summary } = stepper();
const dockerfile = path.join(run.ws, 'Dockerfile');
const composeFile = path.join(run.ws, 'compose.yaml');
const docsShots = {};
// The product's exact fix titles for the examples.
const D020_FIX = "Run as the image's 'node' user";
const C070_FIX = 'Remove "privileged: true"';
const SQUIGGLE = '[class*="squiggly-"]';   // squiggly-error / -warning / -info (hints render as dots)

/** Waits until `file` on disk satisfies `pred` (the editor saves asynchronously). */
const waitForDisk = (file, pred, what) =>
  poll(() => pred(fs.readFileSync(file, 'utf8')), { timeout: 15_000, what: `${path.basename(file)} on disk: ${what}` });

async function main() {
  log(`state dir: ${run.root}`);
  log(`installing ${path.relative(REPO, VSIX)}: ${installVsix(run, VSIX).split('\n').pop()}`);
  const cs = await startCodeServer(run, { port: PORT });
  log(`code-server listening on ${cs.base} (${cs.startedMs} ms)`);
  let context;
  try {
    context = await launchBrowser(run);
    const page = context.pages()[0] ?? await context.newPage();
    page.setDefaultTimeout(30_000);
    const browserErrors = [];
    page.on('pageerror', (e) => browserErrors.push(String(e)));
    await page.goto(cs.url());
    await drive(page);
    const relevant = browserErrors.filter((e) => /container-?guard/i.test(e));
    if (relevant.length) console.log(`page errors mentioning the extension:\n  ${relevant.join('\n  ')}`);
  } catch (e) {
    try { const p = context?.pages()[0]; if (p) await shot(p, 'failure'); } catch { /* page gone */ }
    throw e;
  } finally {
    await context?.close().catch(() => {});
    await cs.stop();
  }
}

async function drive(page) {
  const editor = page.locator('.editor-group-container .monaco-editor').first();
  const problems = page.locator('.markers-panel');

  /** The squiggle decoration(s) on the editor line whose text contains `lineText`. */
  async function squigglesOnLine(lineText) {
    const line = editor.locator('.view-line', { hasText: lineText }).first();
    await line.waitFor();
    const lb = await line.boundingBox();
    const found = [];
    for (const s of await editor.locator(`.view-overlays ${SQUIGGLE}`).all()) {
      const b = await s.boundingBox();
      if (b && b.y + b.height / 2 >= lb.y && b.y + b.height / 2 <= lb.y + lb.height) found.push({ el: s, box: b, cls: await s.getAttribute('class') });
    }
    return found;
  }
  /** Clicks the middle of the squiggle on that line, like a person aiming at the underlined text
   *  (then, unless `stay`, moves the mouse away so no hover covers what follows; the caret stays). */
  async function clickSquiggle(lineText, cls, { stay = false } = {}) {
    const s = await poll(async () => (await squigglesOnLine(lineText)).find((x) => x.cls.includes(cls)), { what: `a ${cls} squiggle on "${lineText}"` });
    await page.mouse.click(s.box.x + s.box.width / 2, s.box.y + s.box.height / 2);
    if (!stay) await dismissHover();
    return s;
  }
  async function quickOpen(name, expectText) {
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(name);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor();
    await editor.locator('.view-lines', { hasText: expectText }).waitFor();
  }
  /** Ctrl+. at the caret, then picks the entry starting with `title` with the keyboard (a click hits the pointer-block overlay). */
  async function quickFix(title, shotName) {
    await page.keyboard.press('Control+.');
    const item = page.locator('.action-widget .monaco-list-row.action', { hasText: title });
    await item.first().waitFor();
    const entries = await page.locator('.action-widget .monaco-list-row.action').allTextContents();
    console.log(`  quick-fix menu: ${entries.map((t) => JSON.stringify(t.trim())).join(', ')}`);
    const file = await shot(page, shotName);
    const focused = page.locator('.action-widget .monaco-list-row.action.focused');
    for (let i = 0; i < entries.length + 1 && !((await focused.textContent().catch(() => '')) ?? '').startsWith(title); i++) {
      await page.keyboard.press('ArrowDown');
    }
    const chosen = ((await focused.textContent()) ?? '').trim();
    if (!chosen.startsWith(title)) throw new Error(`could not focus "${title}" in the quick-fix menu (focused: "${chosen}")`);
    console.log(`  choosing ${JSON.stringify(chosen)}`);
    await page.keyboard.press('Enter');
    await page.locator('.action-widget').waitFor({ state: 'hidden' });
    return { file, chosen };
  }
  /** Moves the mouse off the editor so the hover closes (it would cover the lines below). */
  async function dismissHover() {
    const sb = await page.locator('.part.statusbar').boundingBox();
    await page.mouse.move(sb.x + sb.width / 2, sb.y + sb.height / 2);
    await poll(async () => !(await page.locator('.monaco-editor .monaco-hover:visible').count()), { timeout: 5_000, what: 'the hover to close' });
  }
  const problemRow = (text) => problems.locator('.monaco-list-row', { hasText: text });

  await step('workbench opens the copied examples workspace', async () => {
    await page.locator('.monaco-workbench').waitFor();
    for (const f of ['Dockerfile', 'compose.yaml']) {
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: f }).first().waitFor();
    }
    await shot(page, 'workbench');
  });

  await step('Quick Open "Dockerfile" shows findings as squiggles and in the Problems panel (CG-D020)', async () => {
    await page.locator('.part.editor').click();   // keyboard focus into the workbench
    await quickOpen('Dockerfile', 'FROM node:latest');
    await editor.locator(`.view-overlays .squiggly-warning`).first().waitFor();
    await page.keyboard.press('Control+Shift+M');
    await problems.waitFor();
    for (const id of ['CG-D020', 'CG-D060', 'CG-D002', 'CG-D073']) await problemRow(id).first().waitFor();
    const rows = await problems.locator('.monaco-list-row').allTextContents();
    console.log(`  Problems: ${rows.length} rows, e.g. ${JSON.stringify(rows.find((r) => r.includes('CG-D020')))}`);
    // hover the ADD squiggle: the message, the rule id and its docs link
    const add = (await poll(async () => (await squigglesOnLine('ADD server.js')).at(0), { what: 'a squiggle on the ADD line' }));
    await page.mouse.move(add.box.x + add.box.width / 2, add.box.y + add.box.height / 2);
    await page.locator('.monaco-hover', { hasText: 'CG-D060' }).first().waitFor({ state: 'visible' });
    await shot(page, 'dockerfile-hover-problems');
    await dismissHover();
  });

  await step(`Ctrl+. on the final stage's image offers "${D020_FIX}"; it inserts USER node before CMD, saved to disk`, async () => {
    await clickSquiggle('FROM node:22-bookworm-slim', 'squiggly-warning');
    const { file } = await quickFix(D020_FIX, 'dockerfile-quick-fix-menu');
    docsShots['dockerfile-quick-fix.png'] = file;
    await editor.locator('.view-line', { hasText: 'USER node' }).waitFor();
    await page.keyboard.press('Control+S');
    await waitForDisk(dockerfile, (t) => /\nUSER node\nCMD node server\.js\n?$/.test(t), 'USER node right before CMD');
    await problemRow('CG-D020').first().waitFor({ state: 'detached' });
    await problemRow('CG-D060').first().waitFor();   // the rest is still reported
    console.log(`  on disk: ${JSON.stringify(fs.readFileSync(dockerfile, 'utf8').split('\n').slice(-4).join('\n'))}`);
    await shot(page, 'dockerfile-after-fix');
  });

  await step(`compose.yaml: squiggle on privileged: true; "${C070_FIX}" deletes the line, saved to disk`, async () => {
    await quickOpen('compose.yaml', 'privileged: true');
    await problemRow('CG-C070').first().waitFor();
    const s = await clickSquiggle('privileged: true', 'squiggly-error', { stay: true });
    await page.mouse.move(s.box.x + s.box.width / 2 + 2, s.box.y + s.box.height / 2);   // a hover follows mouse moves, not clicks
    await page.locator('.monaco-hover', { hasText: 'CG-C070' }).first().waitFor({ state: 'visible' });
    docsShots['compose-privileged.png'] = await shot(page, 'compose-hover-problems');
    await dismissHover();
    await clickSquiggle('privileged: true', 'squiggly-error');   // caret back into the range
    await quickFix(C070_FIX, 'compose-quick-fix-menu');
    await editor.locator('.view-lines', { hasText: 'privileged' }).waitFor({ state: 'detached' });
    await page.keyboard.press('Control+S');
    await waitForDisk(composeFile, (t) => !t.includes('privileged') && t.includes('docker.sock'), 'no privileged line, the rest kept');
    await problemRow('CG-C070').first().waitFor({ state: 'detached' });
    await problemRow('CG-C043').first().waitFor();
    await shot(page, 'compose-after-fix');
  });

  await step('command palette "Container Guard: Restart Language Server": diagnostics go and come back', async () => {
    const before = (await squigglesOnLine('docker.sock')).length + (await squigglesOnLine('network_mode')).length;
    if (!before) throw new Error('expected squiggles in compose.yaml before the restart');
    // Watch every animation frame in the page: the squiggles must vanish (old server's diagnostics
    // dropped) and then reappear (new server's).
    await page.evaluate((sel) => {
      const w = /** @type {any} */ (window);
      w.__cg = { min: Infinity, back: false };
      const tick = () => {
        const n = document.querySelectorAll(`.editor-group-container .monaco-editor .view-overlays ${sel}`).length;
        w.__cg.min = Math.min(w.__cg.min, n);
        if (w.__cg.min === 0 && n > 0) w.__cg.back = true;
        if (!w.__cg.back) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    }, SQUIGGLE);
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill('>Container Guard: Restart Language Server');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Container Guard: Restart Language Server' }).first().waitFor();
    await shot(page, 'command-palette');
    await page.keyboard.press('Enter');
    await poll(() => page.evaluate(() => /** @type {any} */ (window).__cg.back), { timeout: 30_000, what: 'squiggles to disappear and come back' });
    await problemRow('CG-C043').first().waitFor();
    await problemRow('CG-C040').first().waitFor();
    await shot(page, 'after-restart');
  });

  await step('hardening wizard: "Container Guard: Harden This File…" → pick measures → diff preview → Apply, saved to disk', async () => {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill('>Container Guard: Harden This File');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Harden This File' }).first().waitFor();
    await page.keyboard.press('Enter');
    // The measure picker: recommended measures come pre-selected.
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'CG-C020' }).first().waitFor();
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'CG-C041' }).first().waitFor();
    await shot(page, 'wizard-measures');
    await page.keyboard.press('Enter');
    await page.locator('.monaco-diff-editor').first().waitFor();
    const apply = page.locator('.notification-toast.notification-fade-in-done .monaco-button', { hasText: 'Apply' }).first();
    await apply.waitFor();
    await shot(page, 'wizard-preview');
    await apply.click();
    await page.locator('.monaco-diff-editor').first().waitFor({ state: 'detached' });
    await editor.locator('.view-lines', { hasText: 'no-new-privileges:true' }).first().waitFor();
    await page.keyboard.press('Control+S');
    await waitForDisk(composeFile, (t) => t.includes('cap_drop:') && t.includes('- no-new-privileges:true') && t.includes('"127.0.0.1:3000:3000"'), 'the chosen measures applied');
    await problemRow('CG-C020').first().waitFor({ state: 'detached' });
    await problemRow('CG-C041').first().waitFor({ state: 'detached' });
    await problemRow('CG-C043').first().waitFor();   // not recommended, so not chosen by default
    await shot(page, 'wizard-applied');
  });
}

let failed = false;
try {
  await main();
} catch (e) {
  failed = true;
  if (!summary().failed) console.log(`FAIL setup\n  ${String(e.stack ?? e).split('\n').join('\n  ')}`);
}
const s = summary();
if (!failed && UPDATE_DOCS) {
  const out = path.join(REPO, 'docs', 'images');
  fs.mkdirSync(out, { recursive: true });
  for (const [name, file] of Object.entries(docsShots)) {
    fs.copyFileSync(file, path.join(out, name));
    console.log(`docs image: ${path.relative(REPO, path.join(out, name))} <- ${path.basename(file)}`);
  }
}
if (!failed) trimRun(run);
log(`screenshots: ${run.shots}`);
const failedCount = s.failed + (failed && !s.failed ? 1 : 0);
console.log(`${s.passed} passed, ${failedCount} failed`);
process.exitCode = failed ? 1 : 0;
