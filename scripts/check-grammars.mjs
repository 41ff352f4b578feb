#!/usr/bin/env node
// Self-check for the TextMate grammars in syntaxes/.
//
// 1. Both grammar files (and the Compose language configuration) parse as JSON and have the expected shape.
// 2. Every regex compiles with `new RegExp` and avoids Oniguruma-only syntax, so JS tooling (and this
//    check) sees what VS Code sees.
// 3. A small tokenizer that follows TextMate's rules for the constructs this grammar uses (begin/end,
//    match, captures with nested patterns, includes, earliest-match-wins) runs the injection over sample
//    comment lines, once as a Dockerfile sees them (the whole line, from column 0) and once as YAML does
//    (inside the comment region, just after the `#`), and asserts which text gets which scope.
//
// Usage: node scripts/check-grammars.mjs    (exit 1 on any failure)

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const failures = [];
const fail = (message) => failures.push(message);

function readJson(rel) {
  try {
    return JSON.parse(readFileSync(join(root, rel), 'utf8'));
  } catch (error) {
    fail(`${rel}: ${error.message}`);
    return null;
  }
}

const compose = readJson('syntaxes/dockercompose.tmLanguage.json');
const injection = readJson('syntaxes/container-guard-comments.injection.json');
const languageConfiguration = readJson('language-configuration/compose.json');

// ---- shape ---------------------------------------------------------------------------------------

if (compose) {
  if (compose.scopeName !== 'source.dockercompose') fail(`compose grammar: scopeName is ${compose.scopeName}`);
  if (!compose.patterns?.some((p) => p.include === 'source.yaml')) fail('compose grammar: does not include source.yaml');
}
if (injection) {
  if (injection.scopeName !== 'comment.container-guard.injection') fail(`injection: scopeName is ${injection.scopeName}`);
  const selector = injection.injectionSelector ?? '';
  for (const part of ['L:comment.line.number-sign', 'L:source.dockerfile']) {
    if (!selector.includes(part)) fail(`injection: injectionSelector lacks ${part}`);
  }
}

// ---- every regex compiles, JS-compatible subset --------------------------------------------------

const ONIGURUMA_ONLY = [
  [/\\G/, '\\G'], [/\\[AzZh]/, '\\A, \\z, \\Z or \\h'], [/\(\?[imx-]+\)/, 'inline flags (?i)'],
  [/\(\?>/, 'atomic group'], [/[*+?}]\+/, 'possessive quantifier'], [/\\x\{/, '\\x{…}'], [/\\p\{/, '\\p{…}'],
];
const compiled = new Map();

function compile(source, where) {
  if (compiled.has(source)) return compiled.get(source);
  let regex = null;
  try {
    regex = new RegExp(source, 'dgm');
  } catch (error) {
    fail(`${where}: does not compile: ${error.message}`);
  }
  for (const [pattern, name] of ONIGURUMA_ONLY) {
    if (pattern.test(source.replace(/\\\\/g, ''))) fail(`${where}: uses Oniguruma-only ${name}: ${source}`);
  }
  compiled.set(source, regex);
  return regex;
}

function walk(node, where) {
  if (Array.isArray(node)) return node.forEach((child, i) => walk(child, `${where}[${i}]`));
  if (!node || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (['match', 'begin', 'end', 'while'].includes(key) && typeof value === 'string') compile(value, `${where}.${key}`);
    else walk(value, `${where}.${key}`);
  }
}
if (compose) walk(compose, 'dockercompose.tmLanguage.json');
if (injection) walk(injection, 'container-guard-comments.injection.json');
if (languageConfiguration) {
  const { indentationRules = {}, folding = {} } = languageConfiguration;
  for (const [key, value] of Object.entries({ ...indentationRules, ...folding.markers })) {
    try { new RegExp(value); } catch (error) { fail(`compose.json ${key}: ${error.message}`); }
  }
}

// ---- a minimal TextMate tokenizer for this injection ---------------------------------------------

function resolve(rule) {
  if (rule.include) {
    const name = rule.include.replace(/^#/, '');
    const target = injection.repository[name];
    if (!target) throw new Error(`unknown include ${rule.include}`);
    return resolve(target);
  }
  return rule;
}

/** The rules a pattern list can match, with includes (and include-only rules) flattened. */
function rulesOf(patterns) {
  const out = [];
  for (const pattern of patterns) {
    const rule = resolve(pattern);
    if (rule.match || rule.begin) out.push(rule);
    else if (rule.patterns) out.push(...rulesOf(rule.patterns));
  }
  return out;
}

function execAt(source, line, from) {
  const regex = compile(source, source);
  regex.lastIndex = from;
  return regex.exec(line);
}

/** Push tokens for `match` (a RegExp result with indices) under `scopes`, honouring captures. */
function emitCaptures(line, match, captures, scopes, tokens) {
  const [start, end] = match.indices[0];
  // Capture 0 names the whole match; numbered captures split it.
  const base = captures?.['0']?.name ? [...scopes, ...captures['0'].name.split(' ')] : scopes;
  let pos = start;
  const groups = Object.keys(captures ?? {}).filter((k) => k !== '0').map(Number).sort((a, b) => a - b);
  for (const group of groups) {
    const range = match.indices[group];
    if (!range || range[0] === range[1] || range[0] < pos) continue;
    if (range[0] > pos) tokens.push({ text: line.slice(pos, range[0]), scopes: base });
    const capture = captures[String(group)];
    const inner = capture.name ? [...base, ...capture.name.split(' ')] : base;
    if (capture.patterns) scan(line, range[0], range[1], rulesOf(capture.patterns), inner, tokens);
    else tokens.push({ text: line.slice(range[0], range[1]), scopes: inner });
    pos = range[1];
  }
  if (pos < end) tokens.push({ text: line.slice(pos, end), scopes: base });
}

/** Tokenize line[from, to) with `rules`; the earliest match wins, the first rule breaks ties. */
function scan(line, from, to, rules, scopes, tokens, endSource = null) {
  let pos = from;
  while (pos < to) {
    let best = null;
    for (const rule of rules) {
      const match = execAt(rule.match ?? rule.begin, line, pos);
      if (!match || match.indices[0][1] > to) continue;
      if (!best || match.index < best.match.index) best = { rule, match };
    }
    const endMatch = endSource ? execAt(endSource, line, pos) : null;
    if (endMatch && (!best || endMatch.index <= best.match.index)) {
      if (endMatch.index > pos) tokens.push({ text: line.slice(pos, endMatch.index), scopes });
      return endMatch.indices[0][1];
    }
    if (!best) break;
    if (best.match.index > pos) tokens.push({ text: line.slice(pos, best.match.index), scopes });
    const { rule, match } = best;
    const ruleScopes = rule.name ? [...scopes, ...rule.name.split(' ')] : scopes;
    if (rule.match) {
      emitCaptures(line, match, rule.captures, ruleScopes, tokens);
      pos = Math.max(match.indices[0][1], pos + (match[0].length === 0 ? 1 : 0));
    } else {
      emitCaptures(line, match, rule.beginCaptures ?? rule.captures, ruleScopes, tokens);
      const contentScopes = rule.contentName ? [...ruleScopes, rule.contentName] : ruleScopes;
      pos = scan(line, match.indices[0][1], to, rulesOf(rule.patterns ?? []), contentScopes, tokens, rule.end);
    }
  }
  if (pos < to) tokens.push({ text: line.slice(pos, to), scopes });
  return to;
}

/**
 * Tokens the injection produces for one comment line.
 * dockerfile: the Dockerfile grammar's comment is a single match rule, so the injection competes at column 0.
 * yaml: the YAML grammar opens a comment region at `#`; the injection runs inside it, after the `#`.
 */
function tokenize(line, mode) {
  const tokens = [];
  const rules = rulesOf(injection.patterns);
  if (mode === 'dockerfile') {
    // Only the column-0 match counts: elsewhere the Dockerfile grammar's own comment rule has consumed the line.
    const found = rules.map((rule) => execAt(rule.begin ?? rule.match, line, 0)).filter((m) => m && m.index === 0);
    if (found.length === 0) return [];
    scan(line, 0, line.length, rules, ['source.dockerfile'], tokens);
  } else {
    const hash = line.search(/(?<=^|[\t ])#/);
    if (hash < 0) return [];
    scan(line, hash + 1, line.length, rules, ['source.dockercompose', 'comment.line.number-sign.yaml'], tokens);
  }
  return tokens.filter((t) => t.scopes.some((s) => s.endsWith('.container-guard')));
}

const has = (token, scope) => token.scopes.includes(scope);
const texts = (tokens, scope) => tokens.filter((t) => has(t, scope)).map((t) => t.text);

// ---- samples ------------------------------------------------------------------------------------

const DIRECTIVE = 'keyword.control.directive.container-guard';
const VERB = 'keyword.other.container-guard';
const RULE = 'constant.language.rule-id.container-guard';
const REASON = 'comment.reason.container-guard';
const META = 'meta.suppression.container-guard';

const positive = [
  { line: '# container-guard ignore=CG-D021,CG-D030 -- runs as root on purpose', directive: ['container-guard'], verbs: ['ignore'], ids: ['CG-D021', 'CG-D030'], reason: '-- runs as root on purpose' },
  { line: '# container-guard global ignore=CG-D074', directive: ['container-guard'], verbs: ['global', 'ignore'], ids: ['CG-D074'] },
  { line: '# container-guard ignore=CG-C050 -- see DL3002 and CG-D021', directive: ['container-guard'], verbs: ['ignore'], ids: ['CG-C050'], reason: '-- see DL3002 and CG-D021' },
  { line: '#container-guard ignore = CG-C070', directive: ['container-guard'], verbs: ['ignore'], ids: ['CG-C070'] },
  { line: '# hadolint ignore=DL3002', directive: ['hadolint'], verbs: ['ignore'], ids: ['DL3002'] },
  { line: '# hadolint ignore=DL3008,SC2086 # versions are pinned in the base', directive: ['hadolint'], verbs: ['ignore'], ids: ['DL3008', 'SC2086'], reason: '# versions are pinned in the base' },
  { line: '# hadolint global ignore=DL3003,DL3006', directive: ['hadolint'], verbs: ['global', 'ignore'], ids: ['DL3003', 'DL3006'] },
  { line: '# check=skip=JSONArgsRecommended', directive: ['check'], verbs: ['skip'], ids: ['JSONArgsRecommended'] },
  { line: '# check=skip=JSONArgsRecommended,SecretsUsedInArgOrEnv;error=true', directive: ['check'], verbs: ['skip'], ids: ['JSONArgsRecommended', 'SecretsUsedInArgOrEnv'] },
  { line: '# check=skip=all', directive: ['check'], verbs: ['skip'], ids: ['all'] },
  { line: '# kics-scan ignore-line', directive: ['kics-scan'], verbs: ['ignore-line'], ids: [] },
  { line: '# kics-scan ignore', directive: ['kics-scan'], verbs: ['ignore'], ids: [] },
  { line: '# kics-scan disable=9efb0b2d-89c9-41a3-91ca-dcc0aec911fd,f45ea400-6bbe-4501-9fc7-1c3d75c32067', directive: ['kics-scan'], verbs: ['disable'], ids: ['9efb0b2d-89c9-41a3-91ca-dcc0aec911fd', 'f45ea400-6bbe-4501-9fc7-1c3d75c32067'] },
  { line: '#checkov:skip=CKV_DOCKER_3', directive: ['checkov'], verbs: ['skip'], ids: ['CKV_DOCKER_3'] },
  { line: '#checkov:skip=CKV2_DOCKER_1:the orchestrator probes health', directive: ['checkov'], verbs: ['skip'], ids: ['CKV2_DOCKER_1'], reason: ':the orchestrator probes health' },
];

const negative = [
  '# hadolint is the linter we used before',
  '# container-guard: remember to ignore nothing',
  '# syntax=docker/dockerfile:1',
  '# check=error=true',
  '# kics-scan is another scanner',
  '# checkov checks things',
  '# plain comment mentioning CG-D021 and DL3002',
];

let checked = 0;
if (injection) {
  for (const sample of positive) {
    for (const mode of ['dockerfile', 'yaml']) {
      const line = mode === 'yaml' ? `    ${sample.line}` : sample.line;
      const label = `[${mode}] ${JSON.stringify(line)}`;
      const tokens = tokenize(line, mode);
      checked++;
      if (!tokens.some((t) => has(t, META))) { fail(`${label}: not recognised as a suppression comment`); continue; }
      const expect = (what, actual, wanted) => {
        if (JSON.stringify(actual) !== JSON.stringify(wanted)) fail(`${label}: ${what} ${JSON.stringify(actual)}, expected ${JSON.stringify(wanted)}`);
      };
      expect('directive', texts(tokens, DIRECTIVE), sample.directive);
      expect('verbs', texts(tokens, VERB), sample.verbs);
      expect('rule ids', texts(tokens, RULE), sample.ids);
      expect('reason', texts(tokens, REASON).join(''), sample.reason ?? '');
      // In a Dockerfile the injection replaces the built-in comment token, so it must keep the line a comment.
      const uncovered = tokens.filter((t) => t.text.trim() && !t.scopes.some((s) => s.startsWith('comment.')));
      if (uncovered.length) fail(`${label}: text outside a comment scope: ${JSON.stringify(uncovered.map((t) => t.text))}`);
      const covered = tokens.map((t) => t.text).join('');
      const tail = mode === 'yaml' ? line.slice(line.indexOf('#') + 1).trimStart() : line;
      if (!covered.endsWith(tail)) fail(`${label}: tokens do not cover the comment (${JSON.stringify(covered)})`);
    }
  }
  for (const line of negative) {
    for (const mode of ['dockerfile', 'yaml']) {
      checked++;
      const tokens = tokenize(line, mode);
      if (tokens.length) fail(`[${mode}] ${JSON.stringify(line)}: highlighted as a suppression comment but is not one`);
    }
  }
}

if (failures.length) {
  console.error(`check-grammars: ${failures.length} failure(s)`);
  for (const message of failures) console.error(`  - ${message}`);
  process.exit(1);
}
console.log(`check-grammars: ok (2 grammars, ${compiled.size} regexes, ${checked} sample lines)`);
