// Finding the configuration that applies to a file on disk: the nearest `.container-guard.yaml`
// and the nearest `.hadolint.yaml` in its directory or an ancestor, up to the workspace root.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { configFileNames, hadolintFileNames, mergeConfigs, parseContainerGuardConfig, parseHadolintConfig, type FileConfig } from './config';
import type { EngineSettings } from './settings';
import type { SyntaxProblem } from './types';

export interface ResolvedConfig {
  config: FileConfig;
  /** Directory of the `.container-guard.yaml` used; `ignorePaths` are relative to it. */
  baseDir?: string;
  /** Config files that could not be used, with their problem. */
  problems: { file: string; problem: SyntaxProblem }[];
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.statSync(file).isFile() ? fs.readFileSync(file, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

function nearest(startDir: string, names: string[], stopDir: string | undefined): { file: string; text: string } | undefined {
  let dir = path.resolve(startDir);
  for (;;) {
    for (const name of names) {
      const file = path.join(dir, name);
      const text = readIfExists(file);
      if (text !== undefined) return { file, text };
    }
    const parent = path.dirname(dir);
    if (parent === dir || (stopDir && path.resolve(dir) === path.resolve(stopDir))) return undefined;
    dir = parent;
  }
}

/** Reads the configuration for `filePath`. `explicitConfig` (the CLI's --config) replaces the lookup. */
export function resolveConfig(filePath: string, foreignIndex: Map<string, string[]>, stopDir?: string, explicitConfig?: string): ResolvedConfig {
  const problems: ResolvedConfig['problems'] = [];
  const dir = path.dirname(path.resolve(filePath));
  const hadolint = nearest(dir, hadolintFileNames, stopDir);
  const ours = explicitConfig ? { file: explicitConfig, text: readIfExists(explicitConfig) ?? '' } : nearest(dir, configFileNames, stopDir);
  const layers: FileConfig[] = [];
  if (hadolint) {
    const parsed = parseHadolintConfig(hadolint.text, foreignIndex);
    if (parsed.problem) problems.push({ file: hadolint.file, problem: parsed.problem });
    layers.push(parsed.config);
  }
  if (ours) {
    const parsed = parseContainerGuardConfig(ours.text);
    if (parsed.problem) problems.push({ file: ours.file, problem: parsed.problem });
    layers.push(parsed.config);
  }
  return { config: mergeConfigs(...layers), baseDir: ours ? path.dirname(ours.file) : undefined, problems };
}

/** Editor settings with a project config on top: the file is the project's shared policy (as in CI). */
export function withFileConfig(settings: EngineSettings, config: FileConfig): EngineSettings {
  return {
    ...settings,
    profile: config.profile ?? settings.profile,
    summarize: config.summarize ?? settings.summarize,
    rules: { ...settings.rules, ...config.rules },
    trustedRegistries: config.trustedRegistries ?? settings.trustedRegistries,
  };
}

/** gitignore-style glob: `*`, `**`, `?`; a pattern without `/` matches a name at any depth. */
export function globToRegExp(glob: string): RegExp {
  let pattern = glob.trim().replace(/\\/g, '/');
  const anchored = pattern.startsWith('/') || pattern.replace(/\/$/, '').includes('/');
  pattern = pattern.replace(/^\//, '');
  const directory = pattern.endsWith('/');
  pattern = pattern.replace(/\/$/, '');
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i++;
      if (pattern[i + 1] === '/') i++;
    } else if (ch === '*') source += '[^/]*';
    else if (ch === '?') source += '[^/]';
    else source += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`${anchored ? '^' : '(?:^|/)'}${source}${directory ? '/' : '(?:/|$)'}`);
}

export function isIgnoredPath(filePath: string, resolved: ResolvedConfig): boolean {
  if (!resolved.baseDir || resolved.config.ignorePaths.length === 0) return false;
  const relative = path.relative(resolved.baseDir, path.resolve(filePath)).split(path.sep).join('/');
  if (relative.startsWith('..')) return false;
  return resolved.config.ignorePaths.some((glob) => globToRegExp(glob).test(relative));
}
