// Shared helpers of the unit tests: text and range builders, running one rule on a Dockerfile or a
// Compose file, applying a fix with the assertions the rule tests rely on, and engine-level rule ids.
// Not a test file itself (no `.test.ts`): the test files import from it.
import assert from 'node:assert/strict';
import { parseCompose, type ComposeModel } from '../../server/src/engine/compose/model';
import { parseDockerfile, type DockerfileModel } from '../../server/src/engine/dockerfile/model';
import { analyze, runRule } from '../../server/src/engine/engine';
import { defaultSettings, type EngineSettings } from '../../server/src/engine/settings';
import { applyEdits } from '../../server/src/engine/text';
import type { Finding, Rule, RuleContext } from '../../server/src/engine/types';

/** The default rule context of the rule tests. */
export const baseline: RuleContext = { profile: 'baseline' };

/** The lines joined with `\n`, with a final line break. */
export const lines = (...l: string[]) => l.join('\n') + '\n';

/** An LSP range from (line, character) to (line, character), all zero-based. */
export const range = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });

// ---------------------------------------------------------------- Dockerfile

/** Findings of one Dockerfile rule on the text. */
export function checkDockerfile(rule: Rule<DockerfileModel>, text: string, context: RuleContext = baseline): Finding[] {
  return runRule(rule, parseDockerfile(text), context);
}

/**
 * Applies fix #index of a finding and asserts: the finding is gone (no finding of the rule with its
 * message on its start line), exactly one finding fewer is left, and the fixed text still parses
 * without a model problem (not degraded). Returns the fixed text.
 */
export function applyFixExact(rule: Rule<DockerfileModel>, text: string, finding: Finding, index = 0, context: RuleContext = baseline): string {
  const fix = finding.fixes[index];
  assert.ok(fix, `finding has fix #${index}`);
  const fixed = applyEdits(text, fix.edits);
  const after = checkDockerfile(rule, fixed, context);
  assert.ok(
    !after.some((f) => f.range.start.line === finding.range.start.line && f.message === finding.message),
    `the finding is gone after the fix:\n${fixed}`,
  );
  assert.equal(after.length, checkDockerfile(rule, text, context).length - 1, `exactly one finding fewer:\n${fixed}`);
  assert.equal(parseDockerfile(fixed).degraded, false);
  return fixed;
}

/**
 * Applies fix #index of a finding and asserts: fewer findings of the rule with the finding's message
 * than before (other findings may come and go), and the fixed text still parses (not degraded).
 * Returns the fixed text.
 */
export function applyFixFewer(rule: Rule<DockerfileModel>, text: string, finding: Finding, index = 0, context: RuleContext = baseline): string {
  const fix = finding.fixes[index];
  assert.ok(fix, `finding has fix #${index}`);
  const fixed = applyEdits(text, fix.edits);
  const same = (findings: Finding[]) => findings.filter((f) => f.message === finding.message).length;
  assert.ok(same(checkDockerfile(rule, fixed, context)) < same(checkDockerfile(rule, text, context)), `the finding is gone:\n${fixed}`);
  assert.equal(parseDockerfile(fixed).degraded, false);
  return fixed;
}

/** Rule ids reported by the whole engine on a Dockerfile (suppressions applied). */
export const dockerfileIds = (text: string, context: { buildTarget?: string } = {}) =>
  analyze(text, { kind: 'dockerfile', ...context }).findings.map((f) => f.ruleId);

// ---------------------------------------------------------------- Compose

/** Findings of one Compose rule on the text, baseline profile. */
export function checkCompose(rule: Rule<ComposeModel>, text: string): Finding[] {
  return runRule(rule, parseCompose(text), { profile: 'baseline' });
}

/** Asserts the Compose text parses without an error-severity problem. */
export function assertComposeParses(text: string, message: string = text): void {
  assert.deepEqual(parseCompose(text).problems.filter((p) => p.severity === 'error'), [], message);
}

/** Applies fix #index of the finding and asserts only that the result parses. Returns the fixed text. */
export function fixCompose(text: string, finding: Finding, index = 0): string {
  const out = applyEdits(text, finding.fixes[index].edits);
  assertComposeParses(out, `fixed text does not parse:\n${out}`);
  return out;
}

/**
 * Applies fix #index of the finding; asserts the result parses and the rule no longer reports a
 * finding with the same message. Returns the fixed text.
 */
export function fixComposeGone(rule: Rule<ComposeModel>, text: string, finding: Finding, index = 0): string {
  const out = fixCompose(text, finding, index);
  const again = checkCompose(rule, out).filter((f) => f.message === finding.message);
  assert.deepEqual(again, [], `the finding is still there after the fix:\n${out}`);
  return out;
}

/** Default settings with every rule publishing on its own (`summarize` off): the rule tests' view. */
export const unsummarized: EngineSettings = { ...defaultSettings, summarize: false };

/** Rule ids reported by the whole engine on a Compose file, every rule on its own (suppressions applied). */
export const composeIds = (text: string, settings: Partial<EngineSettings> = {}) =>
  analyze(text, { kind: 'compose', settings: { ...unsummarized, ...settings } }).findings.map((f) => f.ruleId);
