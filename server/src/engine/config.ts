// Project configuration files: `.container-guard.yaml` (ours) and `.hadolint.yaml` (honoured for
// interoperability). A malformed file yields one clear problem and falls back to defaults.
import { parseDocument, isMap, isScalar, isSeq, type Node } from 'yaml';
import type { Severity, SyntaxProblem } from './types';
import { SourceText } from './text';
import { isSeverity } from './settings';

export const configFileNames = ['.container-guard.yaml', '.container-guard.yml'];
export const hadolintFileNames = ['.hadolint.yaml', '.hadolint.yml'];

/** What a config file contributes; absent keys leave the editor settings / defaults in place. */
export interface FileConfig {
  profile?: 'baseline' | 'strict';
  summarize?: boolean;
  rules: Record<string, Severity>;
  trustedRegistries?: string[];
  ignorePaths: string[];
}

export interface ParsedConfig {
  config: FileConfig;
  problem?: SyntaxProblem;
}

const maxConfigSize = 256 * 1024;

function emptyConfig(): FileConfig {
  return { rules: {}, ignorePaths: [] };
}

function problemAt(source: SourceText, node: Node | null | undefined, message: string): SyntaxProblem {
  const [start, end] = node?.range ?? [0, 0];
  return { source: 'container-guard-config', severity: 'error', range: source.rangeOf(start, end), message };
}

function stringList(node: unknown): string[] | undefined {
  if (!isSeq(node)) return undefined;
  const values: string[] = [];
  for (const item of node.items) {
    if (!isScalar(item) || (typeof item.value !== 'string' && typeof item.value !== 'number')) return undefined;
    values.push(String(item.value));
  }
  return values;
}

/** Parses the top-level YAML mapping of a config file; nothing here expands aliases. */
function topLevel(text: string, source: SourceText): { entries: Map<string, Node | null>; problem?: SyntaxProblem } {
  if (text.length > maxConfigSize) return { entries: new Map(), problem: problemAt(source, null, 'Configuration file is too large (over 256 KB); using defaults.') };
  const document = parseDocument(text, { uniqueKeys: true });
  const error = document.errors[0];
  if (error) {
    const [start, end] = error.pos;
    return {
      entries: new Map(),
      problem: { source: 'container-guard-config', severity: 'error', range: source.rangeOf(start, end), message: `Invalid configuration (${error.message.split('\n')[0]}); using defaults.` },
    };
  }
  const entries = new Map<string, Node | null>();
  if (document.contents === null || (isScalar(document.contents) && document.contents.value === null)) return { entries };
  if (!isMap(document.contents)) return { entries, problem: problemAt(source, document.contents as Node, 'The configuration must be a mapping of keys; using defaults.') };
  for (const pair of document.contents.items) {
    if (isScalar(pair.key)) entries.set(String(pair.key.value), (pair.value as Node | null) ?? null);
  }
  return { entries };
}

/** `.container-guard.yaml`: profile, rules, trustedRegistries, ignorePaths. */
export function parseContainerGuardConfig(text: string): ParsedConfig {
  const source = new SourceText(text);
  const { entries, problem } = topLevel(text, source);
  if (problem) return { config: emptyConfig(), problem };
  const config = emptyConfig();
  for (const [key, node] of entries) {
    if (key === 'profile') {
      const value = isScalar(node) ? node.value : undefined;
      if (value !== 'baseline' && value !== 'strict') return { config: emptyConfig(), problem: problemAt(source, node, '`profile` must be `baseline` or `strict`; using defaults.') };
      config.profile = value;
    } else if (key === 'summarize') {
      const value = isScalar(node) ? node.value : undefined;
      if (typeof value !== 'boolean') return { config: emptyConfig(), problem: problemAt(source, node, '`summarize` must be `true` or `false`; using defaults.') };
      config.summarize = value;
    } else if (key === 'rules') {
      if (node === null) continue;
      if (!isMap(node)) return { config: emptyConfig(), problem: problemAt(source, node, '`rules` must map rule ids to off | hint | info | warning | error; using defaults.') };
      for (const pair of node.items) {
        const id = isScalar(pair.key) ? String(pair.key.value).toUpperCase() : '';
        const value = isScalar(pair.value) ? String(pair.value.value).toLowerCase() : '';
        if (!/^CG-[DC]\d{3}$/.test(id) || !isSeverity(value)) {
          return { config: emptyConfig(), problem: problemAt(source, (pair.value as Node) ?? (pair.key as Node), `\`rules\`: "${id || '?'}: ${value || '?'}" is not a rule id with one of off | hint | info | warning | error; using defaults.`) };
        }
        config.rules[id] = value;
      }
    } else if (key === 'trustedRegistries' || key === 'ignorePaths') {
      const list = node === null ? [] : stringList(node);
      if (!list) return { config: emptyConfig(), problem: problemAt(source, node, `\`${key}\` must be a list of strings; using defaults.`) };
      if (key === 'trustedRegistries') config.trustedRegistries = list;
      else config.ignorePaths = list;
    } else {
      return { config: emptyConfig(), problem: problemAt(source, null, `Unknown configuration key \`${key}\` (expected profile, summarize, rules, trustedRegistries, ignorePaths); using defaults.`) };
    }
  }
  return { config };
}

const hadolintSeverity: Record<string, Severity> = { error: 'error', warning: 'warning', info: 'info', style: 'hint', ignore: 'off', none: 'off' };

/** `.hadolint.yaml`: `ignored`, `override` and `trustedRegistries`, mapped to our rule ids. */
export function parseHadolintConfig(text: string, foreignIndex: Map<string, string[]>): ParsedConfig {
  const source = new SourceText(text);
  const { entries, problem } = topLevel(text, source);
  if (problem) return { config: emptyConfig(), problem: { ...problem, source: 'container-guard-config' } };
  const config = emptyConfig();
  const mapped = (ids: string[]) => ids.flatMap((id) => foreignIndex.get(id.toUpperCase()) ?? []);
  const ignored = entries.has('ignored') ? stringList(entries.get('ignored')) : [];
  if (ignored) for (const id of mapped(ignored)) config.rules[id] = 'off';
  const override = entries.get('override');
  if (isMap(override)) {
    for (const pair of override.items) {
      const severity = isScalar(pair.key) ? hadolintSeverity[String(pair.key.value).toLowerCase()] : undefined;
      const ids = stringList(pair.value);
      if (severity && ids) for (const id of mapped(ids)) config.rules[id] = severity;
    }
  }
  const trusted = entries.has('trustedRegistries') ? stringList(entries.get('trustedRegistries')) : undefined;
  if (trusted) config.trustedRegistries = trusted;
  return { config };
}

/** Layers configs: later ones win key by key. */
export function mergeConfigs(...configs: FileConfig[]): FileConfig {
  const merged = emptyConfig();
  for (const config of configs) {
    if (config.profile) merged.profile = config.profile;
    if (config.summarize !== undefined) merged.summarize = config.summarize;
    Object.assign(merged.rules, config.rules);
    if (config.trustedRegistries) merged.trustedRegistries = config.trustedRegistries;
    merged.ignorePaths.push(...config.ignorePaths);
  }
  return merged;
}
