// Finding the configuration that applies to a file on disk: the nearest `.container-guard.yaml`
// and the nearest `.hadolint.yaml` in its folder or an ancestor, up to the project's top (DESIGN
// "Suppression and configuration": the first folder with `.git`, else the workspace / working folder).
import * as path from 'node:path';
import { disk, type DiskReader } from './fs-cache';
import { configFileNames, hadolintFileNames, mergeConfigs, parseContainerGuardConfig, parseHadolintConfig, type FileConfig } from './config';
import type { EngineSettings } from './settings';
import type { SyntaxProblem } from './types';

export interface ResolvedConfig {
  config: FileConfig;
  /** Directory of the `.container-guard.yaml` used; `ignorePaths` are relative to it. */
  baseDir?: string;
  /** Config files that could not be used, with their problem. */
  problems: { file: string; problem: SyntaxProblem }[];
  /** The last folder searched (see `searchStop`); undefined: up to the file system root. */
  stopDir?: string;
}

function readIfExists(file: string, reader: DiskReader): string | undefined {
  return reader.stat(file)?.isFile() ? reader.readText(file) : undefined;
}

function containsGit(dir: string, reader: DiskReader): boolean {
  return reader.stat(path.join(dir, '.git')) !== undefined;
}

/**
 * Where an upward search from `startDir` ends: the first folder (from `startDir` up) that contains
 * `.git` (a folder, or the file of a worktree or submodule), else `root` when the search reaches it.
 * Undefined when neither is met (a file outside the root, no repository): up to the file system root.
 * Config files and the Compose files that build a Dockerfile are searched up to this folder, so the
 * editor (root: the workspace folder) and the CLI (root: the working folder) find the same ones.
 */
export function searchStop(startDir: string, root: string | undefined, reader: DiskReader = disk): string | undefined {
  const top = root === undefined ? undefined : path.resolve(root);
  for (let dir = path.resolve(startDir); ; dir = path.dirname(dir)) {
    if (containsGit(dir, reader) || dir === top) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** The first of `names` found in `startDir` or an ancestor, up to and including `stopDir`. */
function nearest(startDir: string, names: string[], stopDir: string | undefined, reader: DiskReader): { file: string; text: string } | undefined {
  for (let dir = path.resolve(startDir); ; dir = path.dirname(dir)) {
    for (const name of names) {
      const file = path.join(dir, name);
      const text = readIfExists(file, reader);
      if (text !== undefined) return { file, text };
    }
    if (dir === stopDir || path.dirname(dir) === dir) return undefined;
  }
}

/**
 * Reads the configuration for `filePath`: the nearest `.container-guard.yaml` wins whole (configs at
 * several levels are not merged), layered over the nearest `.hadolint.yaml`; both are searched up to
 * `searchStop(folder of the file, root)`. `explicitConfig` (the CLI's --config) replaces the lookup of ours.
 */
export function resolveConfig(filePath: string, foreignIndex: Map<string, string[]>, root?: string, explicitConfig?: string, reader: DiskReader = disk): ResolvedConfig {
  const problems: ResolvedConfig['problems'] = [];
  const dir = path.dirname(path.resolve(filePath));
  const stopDir = searchStop(dir, root, reader);
  const hadolint = nearest(dir, hadolintFileNames, stopDir, reader);
  const ours = explicitConfig ? { file: explicitConfig, text: readIfExists(explicitConfig, reader) ?? '' } : nearest(dir, configFileNames, stopDir, reader);
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
  return { config: mergeConfigs(...layers), baseDir: ours ? path.dirname(path.resolve(ours.file)) : undefined, problems, stopDir };
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
