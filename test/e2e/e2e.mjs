// End-to-end test of Container Guard in a real VS Code (code-server 4.100.3 = VS Code 1.100.3) driven
// like a person would, with playwright-core + Debian chromium: install the .vsix into an isolated
// code-server, open a copy of examples/, see squiggles and Problems entries, apply quick fixes with
// Ctrl+. and the keyboard, run Fix All, harden a Compose service from its CG-C100 summary and a whole
// file with the wizard, save, and check the files on disk; restart the server from the palette; pin an
// image to its digest from a real docker-registry on 127.0.0.1 (test/e2e/registry.mjs).
//
//   npm run build && npm run package && node test/e2e/e2e.mjs [--vsix <path>] [--update-docs-images]
// env: PORT (default 18081), CODE_SERVER, CHROMIUM. State + screenshots: test/e2e/.runs/e2e-<time>/.
// --update-docs-images copies the README screenshots (quick-fix menus, hover + Problems, wizard preview, pin) to docs/images/.
import fs from 'node:fs';
import path from 'node:path';
import { REPO, createRun, installVsix, startCodeServer, launchBrowser, screenshotter, stepper, poll, log, trimRun } from './lib.mjs';
import { startRegistry } from './registry.mjs';

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
const HARDEN_WEB = 'Harden service "web"…';
/** Two of the per-measure fixes of a CG-C100 summary (each member's own fix). */
const MEASURE_FIXES = ['Add "cap_drop: [ALL]"', 'Add "security_opt: [no-new-privileges:true]"'];
const SQUIGGLE = '[class*="squiggly-"]';   // squiggly-error / -warning / -info (hints render as dots)
const PIN = 'Pin to current digest';
/** The registry of the pinning step, and the digest its push of team/app:1.0 returned. */
let pinning;

/** The text of a Compose service's block: from its key to the next service key (or the end). */
function serviceBlock(text, service) {
  const lines = text.split('\n');
  const start = lines.indexOf(`  ${service}:`);
  if (start < 0) return undefined;
  const next = lines.findIndex((l, i) => i > start && /^ {2}[\w.-]+:/.test(l));
  return lines.slice(start, next < 0 ? undefined : next).join('\n');
}

/** Waits until `file` on disk satisfies `pred` (the editor saves asynchronously). */
const waitForDisk = (file, pred, what) =>
  poll(() => pred(fs.readFileSync(file, 'utf8')), { timeout: 15_000, what: `${path.basename(file)} on disk: ${what}` });

async function main() {
  log(`state dir: ${run.root}`);
  log(`installing ${path.relative(REPO, VSIX)}: ${installVsix(run, VSIX).split('\n').pop()}`);
  // The registry first: code-server's environment (DOCKER_CONFIG, an empty folder) reaches the language server.
  const registry = await startRegistry(run);
  let cs, context;
  try {
    if (registry.registry) {
      pinning = { host: registry.host, digest: await registry.registry.pushImage('team/app', '1.0') };
      log(`docker-registry listening on ${registry.host}; team/app:1.0 is ${pinning.digest}`);
    } else {
      log(`no registry, the pinning step is skipped: ${registry.env.CG_TEST_REGISTRY_MISSING}`);
    }
    cs = await startCodeServer(run, { port: PORT, env: registry.env });
    log(`code-server listening on ${cs.base} (${cs.startedMs} ms)`);
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
    await cs?.stop();
    await registry.stop();
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
  /**
   * Ctrl+. at the caret, then picks the entry starting with `title` with the keyboard (a click hits the pointer-block overlay).
   *
   * Now and then (seen once in eight runs, on the Dockerfile right after Fix All and a save) VS Code answers
   * Ctrl+. with "No code actions available" while the light bulb beside the caret shows that there are
   * some: most likely the explicit request was replaced by the automatic one that newly published
   * diagnostics start (the extension suite sees the same as empty answers, see helpers.ts). A person
   * presses Ctrl+. again; so does this, at most twice, and says so.
   */
  async function quickFix(title, shotName, check = (entries) => {}) {
    const item = page.locator('.action-widget .monaco-list-row.action', { hasText: title });
    const none = page.locator('.monaco-editor-overlaymessage', { hasText: 'No code actions available' });
    for (let attempt = 1; ; attempt++) {
      await page.keyboard.press('Control+.');
      await item.or(none).first().waitFor();
      if (await item.count()) break;
      if (attempt === 3) throw new Error(`Ctrl+. showed "No code actions available" ${attempt} times`);
      console.log(`  (Ctrl+. showed "No code actions available"; pressing it again, ${attempt})`);
      await page.keyboard.press('Escape');
      await none.first().waitFor({ state: 'hidden' });
    }
    const entries = await page.locator('.action-widget .monaco-list-row.action').allTextContents();
    console.log(`  quick-fix menu: ${entries.map((t) => JSON.stringify(t.trim())).join(', ')}`);
    const file = await shot(page, shotName);
    check(entries);
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
  /** F1, type the command's name, Enter once the palette has focused a row with that label. */
  async function runCommand(label, shotName) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`>${label}`);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
    await row.waitFor();
    await poll(async () => ((await page.locator('.quick-input-list .monaco-list-row.focused').textContent()) ?? '').includes(label), { what: `"${label}" focused in the palette` });
    if (shotName) await shot(page, shotName);
    await page.keyboard.press('Enter');
  }
  /** The rows of the open QuickPick: label + description, and whether the row's checkbox is ticked. */
  async function pickRows() {
    const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    const out = [];
    for (const row of await rows.all()) {
      const box = row.locator('input.quick-input-list-checkbox');
      const checked = (await row.getAttribute('aria-checked')) === 'true' || (await box.count() > 0 && await box.first().isChecked());
      out.push({ row, text: ((await row.textContent()) ?? '').trim(), checked });
    }
    return out;
  }
  /** The hardening wizard after its picker: Enter → diff preview → Apply; resolves once the preview closed. */
  async function previewAndApply(shotName) {
    await page.keyboard.press('Enter');
    await page.locator('.monaco-diff-editor').first().waitFor();
    const toast = page.locator('.notification-toast.notification-fade-in-done', { has: page.locator('.monaco-button', { hasText: 'Apply' }) }).first();
    const apply = toast.locator('.monaco-button', { hasText: 'Apply' }).first();
    await apply.waitFor();
    const question = ((await toast.locator('.notification-list-item-message').first().textContent()) ?? '').trim();
    console.log(`  preview question: ${JSON.stringify(question)}`);
    const file = await shot(page, shotName);
    await apply.click();
    await page.locator('.monaco-diff-editor').first().waitFor({ state: 'detached' });
    return { file, question };
  }

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

  await step('"Fix All" applies only the preferred fixes: ADD→COPY and the exec-form CMD, no USER line; saved to disk', async () => {
    const original = fs.readFileSync(dockerfile, 'utf8');
    await page.locator('.part.editor').click();   // keyboard focus back into the editor
    await runCommand('Fix All');
    await editor.locator('.view-line', { hasText: 'COPY server.js package.json ./' }).waitFor();
    await editor.locator('.view-line', { hasText: 'CMD ["node", "server.js"]' }).waitFor();
    await page.keyboard.press('Control+S');
    const expected = original.replace('ADD server.js package.json ./', 'COPY server.js package.json ./').replace('CMD node server.js', 'CMD ["node", "server.js"]');
    await waitForDisk(dockerfile, (t) => t === expected, 'exactly ADD→COPY and the exec-form CMD');
    if (/^USER /m.test(fs.readFileSync(dockerfile, 'utf8'))) throw new Error('Fix All inserted a USER line');
    await problemRow('CG-D060').first().waitFor({ state: 'detached' });
    await problemRow('CG-D073').first().waitFor({ state: 'detached' });
    await problemRow('CG-D020').first().waitFor();   // who runs the image is a person's choice: not a preferred fix
    await shot(page, 'dockerfile-fix-all');
  });

  await step(`Ctrl+. on the final stage's image still offers "${D020_FIX}" (a quick fix, not preferred); it inserts USER node before CMD, saved to disk`, async () => {
    await clickSquiggle('FROM node:22-bookworm-slim', 'squiggly-warning');
    const { file } = await quickFix(D020_FIX, 'dockerfile-quick-fix-menu');
    docsShots['dockerfile-quick-fix.png'] = file;
    await editor.locator('.view-line', { hasText: 'USER node' }).waitFor();
    await page.keyboard.press('Control+S');
    await waitForDisk(dockerfile, (t) => /\nUSER node\nCMD \["node", "server\.js"\]\n?$/.test(t), 'USER node right before CMD');
    await problemRow('CG-D020').first().waitFor({ state: 'detached' });
    await problemRow('CG-D002').first().waitFor();   // the rest is still reported
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

  await step('compose.yaml: the CG-C100 summary on "web:" (hover, Problems); Ctrl+. → "Harden service "web"…" → measures preselected → diff → Apply; only web changes on disk', async () => {
    const before = fs.readFileSync(composeFile, 'utf8');
    // hover the service key: the summary names what is missing
    const webLine = editor.locator('.view-line', { hasText: /^\s*web:\s*$/ }).first();
    await webLine.waitFor();
    const key = await poll(async () => (await squigglesOnLine('web:')).find((x) => x.cls.includes('squiggly-info')), { what: 'the info squiggle of CG-C100 on "web:"' });
    await page.mouse.move(key.box.x + key.box.width / 2, key.box.y + key.box.height / 2);
    await page.mouse.move(key.box.x + key.box.width / 2 + 2, key.box.y + key.box.height / 2);
    const hover = page.locator('.monaco-hover', { hasText: 'CG-C100' }).first();
    await hover.waitFor({ state: 'visible' });
    const hoverText = (await hover.textContent()) ?? '';
    if (!hoverText.includes('Service "web" is not hardened: no cap_drop ALL, no no-new-privileges, writable root filesystem')) {
      throw new Error(`the hover should show the summary of "web"; it shows: ${hoverText}`);
    }
    await problemRow('Service "web" is not hardened').first().waitFor();
    await problemRow('Service "cache" is not hardened').first().waitFor();
    const rows = await problems.locator('.monaco-list-row').allTextContents();
    console.log(`  Problems: ${JSON.stringify(rows.filter((r) => r.includes('CG-C100')))}`);
    await shot(page, 'compose-summary-hover-problems');
    await dismissHover();

    // Ctrl+. on the service key: one fix per missing measure, then "Harden service "web"…"
    await page.mouse.click(key.box.x + key.box.width / 2, key.box.y + key.box.height / 2);
    await dismissHover();
    const { file, chosen } = await quickFix(HARDEN_WEB, 'compose-summary-quick-fix-menu', (entries) => {
      for (const t of [...MEASURE_FIXES, HARDEN_WEB]) {
        if (!entries.some((e) => e.trim().startsWith(t))) throw new Error(`the quick-fix menu on "web:" lacks "${t}"`);
      }
    });
    docsShots['compose-summary.png'] = file;
    if (!chosen.startsWith(HARDEN_WEB)) throw new Error(`chose ${chosen}`);

    // the wizard's picker for that service: every measure preselected
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'harden service "web"' }).waitFor();
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'CG-C020' }).first().waitFor();
    const measures = await pickRows();
    console.log(`  measures: ${measures.map((m) => `${m.checked ? '[x]' : '[ ]'} ${m.text}`).join(' | ')}`);
    for (const id of ['CG-C020', 'CG-C023', 'CG-C050']) {
      if (!measures.some((m) => m.text.includes(id))) throw new Error(`the picker lacks ${id}`);
    }
    console.log(`  picker count: ${await page.locator('.quick-input-widget .quick-input-count').first().textContent().catch(() => '?')}`);
    const unchecked = measures.filter((m) => !m.checked);
    if (unchecked.length) throw new Error(`measures not preselected: ${unchecked.map((m) => m.text).join(' | ')}`);
    await shot(page, 'compose-service-wizard-measures');
    const { question } = await previewAndApply('compose-service-wizard-preview');
    if (!question.includes('to service "web"')) throw new Error(`the preview question should name the service: ${question}`);

    await editor.locator('.view-lines', { hasText: 'no-new-privileges:true' }).first().waitFor();
    await page.keyboard.press('Control+S');
    await waitForDisk(composeFile, (t) => t !== before, 'the hardened file saved');
    const after = fs.readFileSync(composeFile, 'utf8');
    const web = serviceBlock(after, 'web');
    for (const k of ['    cap_drop:\n      - ALL', '      - no-new-privileges:true', '    read_only: true', '    pids_limit: 256', '        max-size: "10m"']) {
      if (!web?.includes(k)) throw new Error(`web on disk lacks ${JSON.stringify(k)}:\n${web}`);
    }
    if (serviceBlock(after, 'cache') !== serviceBlock(before, 'cache')) throw new Error(`the cache service changed:\n${serviceBlock(after, 'cache')}`);
    console.log(`  web on disk:\n    ${web.split('\n').join('\n    ')}`);
    await problemRow('Service "web" is not hardened').first().waitFor({ state: 'detached' });
    await problemRow('Service "cache" is not hardened').first().waitFor();
    await shot(page, 'compose-service-hardened');
  });

  await step('hardening wizard: "Container Guard: Harden This File…" → tick two measures → diff preview → Apply, saved to disk', async () => {
    const before = fs.readFileSync(composeFile, 'utf8');
    await runCommand('Container Guard: Harden This File');
    // Without a service, only measures with a preferred fix come preselected (none in this file): the person ticks them.
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'CG-C020' }).first().waitFor();
    const measures = await pickRows();
    console.log(`  measures: ${measures.map((m) => `${m.checked ? '[x]' : '[ ]'} ${m.text}`).join(' | ')}`);
    for (const id of ['CG-C020', 'CG-C023']) {
      const m = measures.find((x) => x.text.includes(id));
      if (!m) throw new Error(`the picker lacks ${id}`);
      if (!m.checked) {
        const box = m.row.locator('input.quick-input-list-checkbox');
        await (await box.count() ? box.first() : m.row).click();
        await poll(async () => (await pickRows()).find((x) => x.text.includes(id))?.checked, { timeout: 5_000, what: `${id} ticked` });
      }
    }
    await shot(page, 'wizard-measures');
    const { file } = await previewAndApply('wizard-preview');
    docsShots['wizard-preview.png'] = file;
    // As a person would: save once the edit shows (the tab turns dirty); a save before it lands saves nothing.
    await page.locator('.tabs-container .tab.active.dirty').first().waitFor();
    await page.keyboard.press('Control+S');
    await waitForDisk(composeFile, (t) => t !== before, 'the hardened file saved');
    const cache = serviceBlock(fs.readFileSync(composeFile, 'utf8'), 'cache');
    for (const k of ['    cap_drop:\n      - ALL', '      - no-new-privileges:true']) {
      if (!cache?.includes(k)) throw new Error(`cache on disk lacks ${JSON.stringify(k)}:\n${cache}`);
    }
    // the two measures leave cache's summary; the rest of it stays
    await problemRow('Service "cache" is not hardened: writable root filesystem').first().waitFor();
    await problemRow('CG-C040').first().waitFor();   // not chosen
    await page.keyboard.press('Control+End');   // show the cache service's new keys
    await editor.locator('.view-line', { hasText: 'network_mode: host' }).waitFor();
    await shot(page, 'wizard-applied');
  });

  if (!pinning) return;
  await step(`app.Dockerfile: caret on the image, Ctrl+. → "${PIN}" → Ctrl+S: the digest the registry returned is on disk`, async () => {
    // Written now (not before the run) so the explorer of the earlier screenshots shows only the examples.
    const file = path.join(run.ws, 'app.Dockerfile');
    const reference = `${pinning.host}/team/app:1.0`;
    const rest = 'USER 10001:10001\n';   // a non-root user: the menu shows only the image's actions
    fs.writeFileSync(file, `FROM ${reference}\n${rest}`);
    // Opened from the explorer, which shows the new file at once (Quick Open's file list was cached before).
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'app.Dockerfile' }).first().click();
    await page.locator('.tabs-container .tab.active', { hasText: 'app.Dockerfile' }).waitFor();
    await editor.locator('.view-lines', { hasText: `FROM ${reference}` }).waitFor();
    // CG-D003 is a Hint in baseline (dots under the image, not in the Problems panel): wait for it, so the
    // light bulb has its diagnostic.
    await editor.locator('.view-overlays .squiggly-hint').first().waitFor();
    // A click on the image's name puts the caret inside the reference (and the keyboard focus into the editor).
    await editor.locator('.view-line span span', { hasText: 'team/app' }).first().click();
    await dismissHover();
    const { file: menu } = await quickFix(PIN, 'pin-quick-fix-menu', (entries) => {
      if (!entries[0]?.trim().startsWith(PIN)) throw new Error(`"${PIN}" should come first in the menu; it shows ${JSON.stringify(entries)}`);
      if (!entries.some((e) => e.trim().startsWith('Choose a tag…'))) throw new Error('the menu lacks "Choose a tag…"');
    });
    docsShots['pin-digest.png'] = menu;
    // Picking the action is what asks the registry (codeAction/resolve); then the edit is applied.
    await editor.locator('.view-line', { hasText: `@${pinning.digest}` }).waitFor();
    await page.keyboard.press('Control+S');
    await waitForDisk(file, (t) => t === `FROM ${reference}@${pinning.digest}\n${rest}`, `FROM ${reference}@${pinning.digest}`);
    await editor.locator('.view-overlays .squiggly-hint').first().waitFor({ state: 'detached' });   // CG-D003 is gone
    console.log(`  on disk: ${JSON.stringify(fs.readFileSync(file, 'utf8'))}`);
    await shot(page, 'pin-after');
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
