// Unit tests of the suppression gaps: an ignore comment on a Compose service key covers the service's
// whole block, and an own ignore comment that suppresses nothing gets a CG-UNUSED-IGNORE Hint with the
// Unnecessary tag and a fix that removes it (or just the unused id). Through the whole engine.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DiagnosticTag } from 'vscode-languageserver';
import { allRules, analyze } from '../../server/src/engine/engine';
import { parseCompose } from '../../server/src/engine/compose/model';
import { parseDockerfile } from '../../server/src/engine/dockerfile/model';
import { defaultSettings, type EngineSettings } from '../../server/src/engine/settings';
import { applyEdits } from '../../server/src/engine/text';
import type { Diagnosed, FileKind } from '../../server/src/engine/types';
import { toDiagnostics } from '../../server/src/lsp/diagnostics';
import { lines, range, unsummarized } from './kit';

const UNUSED = 'CG-UNUSED-IGNORE';

function findings(kind: FileKind, text: string, settings: Partial<EngineSettings> = {}): Diagnosed[] {
  return analyze(text, { kind, settings: { ...defaultSettings, ...settings } }).findings;
}
const ids = (kind: FileKind, text: string, settings: Partial<EngineSettings> = {}) => findings(kind, text, settings).map((f) => f.ruleId);
const unused = (kind: FileKind, text: string, settings: Partial<EngineSettings> = {}) => findings(kind, text, settings).filter((f) => f.ruleId === UNUSED);

/** Applies the first fix of a finding; the result parses, has no CG-UNUSED-IGNORE left, and changes nothing more on a second pass. */
function removeUnused(kind: FileKind, text: string, finding: Diagnosed, settings: Partial<EngineSettings> = {}): string {
  const fixed = applyEdits(text, finding.fixes[0].edits);
  if (kind === 'dockerfile') assert.equal(parseDockerfile(fixed).degraded, false);
  else assert.deepEqual(parseCompose(fixed).problems.filter((p) => p.severity === 'error'), []);
  assert.deepEqual(unused(kind, fixed, settings), [], fixed);
  return fixed;
}

describe('an ignore comment on a Compose service key covers the service block', () => {
  const text = lines(
    'services:',
    '  # container-guard ignore=CG-C070,CG-C043 -- the agent manages containers',
    '  agent:',
    '    image: example/agent:1.0',
    '    privileged: true',
    '    volumes:',
    '      - /var/run/docker.sock:/var/run/docker.sock',
    '  other:',
    '    image: example/other:1.0',
    '    privileged: true',
  );

  it('suppresses every finding inside the block, not the next service', () => {
    const all = findings('compose', text, { summarize: false }).filter((f) => ['CG-C070', 'CG-C043'].includes(f.ruleId));
    assert.deepEqual(all.map((f) => [f.ruleId, f.range.start.line]), [['CG-C070', 9]]);
    assert.deepEqual(unused('compose', text), []);
  });

  it('does not reach a value written in an anchor outside the block, or through a foreign line pragma', () => {
    const anchored = lines('x-base: &base', '  privileged: true', 'services:', '  # container-guard ignore=CG-C070', '  agent:', '    <<: *base', '    image: example/agent:1.0');
    assert.deepEqual(ids('compose', anchored).filter((id) => id === 'CG-C070'), ['CG-C070']);
    const kics = lines('services:', '  # kics-scan ignore-line', '  agent:', '    image: example/agent:1.0', '    privileged: true');
    assert.deepEqual(ids('compose', kics).filter((id) => id === 'CG-C070'), ['CG-C070']);
  });

  it('covers every YAML document that defines the service, and the comment directly above an inner key still works', () => {
    const inner = lines('services:', '  agent:', '    image: example/agent:1.0', '    # container-guard ignore=CG-C070', '    privileged: true');
    assert.deepEqual(ids('compose', inner).filter((id) => id === 'CG-C070' || id === UNUSED), []);
    const twoDocs = lines('services:', '  agent:', '    image: example/agent:1.0', '---', 'services:', '  # container-guard ignore=CG-C070', '  agent:', '    privileged: true');
    assert.deepEqual(ids('compose', twoDocs).filter((id) => id === 'CG-C070' || id === UNUSED), []);
  });
});

describe('CG-UNUSED-IGNORE', () => {
  it('is a Hint with the Unnecessary tag on a comment that suppresses nothing, and its fix removes the line', () => {
    const text = lines('FROM node:22-slim', '# container-guard ignore=CG-D021 -- runs as node', 'USER node', 'CMD ["node", "server.js"]');
    const [finding, ...rest] = unused('dockerfile', text);
    assert.equal(rest.length, 0);
    assert.deepEqual([finding.severity, finding.tags, finding.range], ['hint', ['unnecessary'], range(1, 0, 1, 48)]);
    assert.equal(finding.message, 'This ignore comment suppresses nothing: CG-D021 reports nothing where this comment applies. Remove the comment.');
    assert.deepEqual(finding.fixes.map((f) => [f.title, f.isPreferred]), [['Remove the unused ignore comment', false]]);
    assert.equal(removeUnused('dockerfile', text, finding), lines('FROM node:22-slim', 'USER node', 'CMD ["node", "server.js"]'));
  });

  it('reports only the unused ids of a list, each removable on its own', () => {
    const text = lines('FROM alpine:3.20', '# container-guard ignore=CG-D021, CG-D040,CG-D030 -- legacy', 'ARG API_TOKEN');
    const found = unused('dockerfile', text);
    assert.deepEqual(found.map((f) => [f.range, f.message]), [
      [range(1, 25, 1, 32), 'CG-D021 reports nothing where this comment applies, so ignoring it here suppresses nothing. Remove it from the comment.'],
      [range(1, 34, 1, 41), 'CG-D040 reports nothing where this comment applies, so ignoring it here suppresses nothing. Remove it from the comment.'],
    ]);
    assert.equal(applyEdits(text, found[0].fixes[0].edits), lines('FROM alpine:3.20', '# container-guard ignore=CG-D040,CG-D030 -- legacy', 'ARG API_TOKEN'));
    const second = applyEdits(text, found[1].fixes[0].edits);
    assert.equal(second, lines('FROM alpine:3.20', '# container-guard ignore=CG-D021, CG-D030 -- legacy', 'ARG API_TOKEN'));
    // One after the other, both go and the used id stays.
    const once = applyEdits(text, found[0].fixes[0].edits);
    const [next, ...more] = unused('dockerfile', once);
    assert.equal(more.length, 0);
    assert.equal(removeUnused('dockerfile', once, next), lines('FROM alpine:3.20', '# container-guard ignore=CG-D030 -- legacy', 'ARG API_TOKEN'));
    const last = lines('FROM alpine:3.20', '# container-guard ignore=CG-D030,CG-D021', 'ARG API_TOKEN');
    const [tail] = unused('dockerfile', last);
    assert.equal(removeUnused('dockerfile', last, tail), lines('FROM alpine:3.20', '# container-guard ignore=CG-D030', 'ARG API_TOKEN'));
  });

  it('reports an unused global comment in this file; the last line is removed with the break before it', () => {
    const text = 'FROM node:22-slim\nUSER node\nEXPOSE 3000\n# container-guard global ignore=CG-D074';
    const [finding] = unused('dockerfile', text, { rules: { 'CG-D074': 'off' } });
    assert.equal(finding, undefined, 'an off rule is never reported');
    const used = unused('dockerfile', text);
    assert.deepEqual(used, [], 'D074 reports the missing HEALTHCHECK, so the comment is used');
    const useless = 'FROM node:22-slim\nUSER node\nHEALTHCHECK CMD ["true"]\nEXPOSE 3000\n# container-guard global ignore=CG-D074';
    const [global] = unused('dockerfile', useless);
    assert.equal(global.message, 'This ignore comment suppresses nothing: CG-D074 reports nothing in this file. Remove the comment.');
    assert.equal(removeUnused('dockerfile', useless, global), 'FROM node:22-slim\nUSER node\nHEALTHCHECK CMD ["true"]\nEXPOSE 3000');
  });

  it('never reports foreign pragmas, rules that are off, unknown ids or ids of the other file kind', () => {
    const text = lines(
      '# hadolint ignore=DL3002',
      '# container-guard ignore=CG-C022,CG-X999,CG-C050,CG-UNUSED-IGNORE',
      'FROM node:22-slim',
      'USER node',
    );
    assert.deepEqual(unused('dockerfile', text), []);
    assert.deepEqual(unused('dockerfile', lines('# container-guard ignore=CG-D021', 'FROM node:22-slim', 'USER node'), { rules: { 'CG-D021': 'off' } }), []);
  });

  it('counts a comment that removed a CG-C100 summary member, in both summarize modes', () => {
    const text = lines('services:', '  # container-guard ignore=CG-C050', '  web:', '    image: nginx:1.27');
    assert.deepEqual(unused('compose', text), []);
    assert.deepEqual(unused('compose', text, { summarize: false }), []);
    const summary = lines('services:', '  # container-guard ignore=CG-C100', '  web:', '    image: nginx:1.27');
    assert.deepEqual(unused('compose', summary), []);
    // With summarize off CG-C100 never runs, so a comment naming it is not judged.
    assert.deepEqual(unused('compose', summary, { summarize: false }), []);
    const hardened = lines(
      'services:',
      '  # container-guard ignore=CG-C050',
      '  web:',
      '    image: nginx:1.27',
      '    read_only: true',
    );
    const [finding] = unused('compose', hardened);
    assert.deepEqual(finding.range, range(1, 2, 1, 34));
    assert.equal(removeUnused('compose', hardened, finding), lines('services:', '  web:', '    image: nginx:1.27', '    read_only: true'));
  });

  it('counts a comment above a partial override fragment (the merged project reports there)', () => {
    const fragment = lines('services:', '  # container-guard ignore=CG-C050', '  web:', '    environment:', '      LOG_LEVEL: debug');
    assert.deepEqual(unused('compose', fragment, unsummarized), []);
  });

  it('can be switched off in rules: or with a global comment', () => {
    const text = lines('# container-guard ignore=CG-D021', 'FROM node:22-slim', 'USER node');
    assert.equal(unused('dockerfile', text).length, 1);
    assert.deepEqual(unused('dockerfile', text, { rules: { [UNUSED]: 'off' } }), []);
    assert.deepEqual(unused('dockerfile', lines('# container-guard global ignore=CG-UNUSED-IGNORE', ...text.trimEnd().split('\n'))), []);
  });

  it('has metadata for both file kinds and maps to DiagnosticTag.Unnecessary', () => {
    const meta = allRules.find((rule) => rule.id === UNUSED);
    assert.deepEqual([meta?.kind, meta?.severity, meta?.fixable], ['any', 'hint', true]);
    const analysis = analyze(lines('# container-guard ignore=CG-D021', 'FROM node:22-slim', 'USER node'), { kind: 'dockerfile' });
    const diagnostic = toDiagnostics(analysis, 'file:///x/Dockerfile', 1, 100).find((d) => d.code === UNUSED);
    assert.deepEqual(diagnostic?.tags, [DiagnosticTag.Unnecessary]);
    assert.equal(toDiagnostics(analysis, 'file:///x/Dockerfile', 1, 100).find((d) => d.code === 'CG-D074')?.tags, undefined);
  });
});
