// `container-guard check [paths…]`: the same engine as the language server, for CI.
// Exit 0: nothing reaches --fail-on; 1: something does; 2: usage, I/O or configuration error.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, allRules, docsUrl, foreignIdIndex, type Analysis } from './engine/engine';
import { isIgnoredPath, resolveConfig, withFileConfig, type ResolvedConfig } from './engine/config-files';
import { buildTargetFor } from './engine/compose-links';
import { kindFromFileName } from './engine/file-kind';
import { fixUntilStable } from './engine/fix-all';
import { defaultSettings } from './engine/settings';
import type { Diagnosed, FileKind } from './engine/types';

const usage = `Usage: container-guard check [paths…] [--format text|json|sarif] [--fail-on error|warning|info|none]
                             [--config file] [--include-hints] [--fix]`;
const severityRank = { error: 3, warning: 2, info: 1, hint: 0 } as const;
const skippedDirectories = new Set(['node_modules', '.git', '.hg', '.svn']);

interface Options {
  paths: string[];
  format: 'text' | 'json' | 'sarif';
  failOn: 'error' | 'warning' | 'info' | 'none';
  config?: string;
  includeHints: boolean;
  fix: boolean;
}

class UsageError extends Error {}

function parseArguments(argv: string[]): Options {
  const [command, ...rest] = argv;
  if (command !== 'check') throw new UsageError(command ? `unknown command '${command}'` : 'missing command');
  const options: Options = { paths: [], format: 'text', failOn: 'error', includeHints: false, fix: false };
  for (let i = 0; i < rest.length; i++) {
    const argument = rest[i];
    const [flag, inline] = argument.startsWith('--') ? argument.split(/=(.*)/s, 2) : [argument, undefined];
    const value = () => {
      const next = inline ?? rest[++i];
      if (next === undefined) throw new UsageError(`option ${flag} needs a value`);
      return next;
    };
    if (flag === '--format') {
      const format = value();
      if (format !== 'text' && format !== 'json' && format !== 'sarif') throw new UsageError(`--format: unknown format '${format}'`);
      options.format = format;
    } else if (flag === '--fail-on') {
      const level = value();
      if (level !== 'error' && level !== 'warning' && level !== 'info' && level !== 'none') throw new UsageError(`--fail-on: unknown level '${level}'`);
      options.failOn = level;
    } else if (flag === '--config') options.config = value();
    else if (flag === '--include-hints') options.includeHints = true;
    else if (flag === '--fix') options.fix = true;
    else if (flag.startsWith('-')) throw new UsageError(`unknown option '${flag}'`);
    else options.paths.push(argument);
  }
  if (options.paths.length === 0) options.paths.push('.');
  return options;
}

/** Recognised files under the given paths, in a stable order. Named files are taken as given. */
function collectFiles(paths: string[], errors: string[]): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      errors.push(`${dir}: cannot read directory (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      return;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && !skippedDirectories.has(entry.name)) walk(full);
      else if (entry.isFile() && kindFromFileName(entry.name)) files.push(full);
    }
  };
  for (const given of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(given);
    } catch {
      errors.push(`${given}: no such file or directory`);
      continue;
    }
    if (stat.isDirectory()) walk(given);
    else if (kindFromFileName(given)) files.push(given);
    else errors.push(`${given}: not a Dockerfile or Compose file name`);
  }
  return files;
}

interface FileResult {
  path: string;
  kind: FileKind;
  findings: Diagnosed[];
}

function relative(file: string): string {
  return path.relative(process.cwd(), path.resolve(file)).split(path.sep).join('/') || file;
}

function toJson(results: FileResult[]) {
  const bySeverity = { error: 0, warning: 0, info: 0, hint: 0 };
  const files = results.map((result) => ({
    path: relative(result.path),
    kind: result.kind,
    findings: result.findings.map((finding) => {
      bySeverity[finding.severity]++;
      return {
        code: finding.ruleId,
        severity: finding.severity,
        message: finding.message,
        range: finding.range,
        line: finding.range.start.line + 1,
        column: finding.range.start.character + 1,
        fixable: finding.fixes.length > 0,
      };
    }),
  }));
  const findings = files.reduce((sum, file) => sum + file.findings.length, 0);
  return { version: 1, files, summary: { files: files.length, findings, bySeverity } };
}

const sarifLevel = { error: 'error', warning: 'warning', info: 'note' } as const;

function toSarif(results: FileResult[]) {
  const rules = allRules.map((meta) => ({
    id: meta.id,
    name: meta.title.replace(/[^A-Za-z0-9]+(.)?/g, (_, next: string | undefined) => (next ? next.toUpperCase() : '')),
    shortDescription: { text: meta.title },
    fullDescription: { text: meta.description },
    helpUri: docsUrl(meta.id),
    defaultConfiguration: { level: meta.severity === 'error' ? 'error' : meta.severity === 'warning' ? 'warning' : meta.severity === 'off' ? 'none' : 'note' },
    properties: { tags: ['security', meta.kind], equivalents: meta.equivalents },
  }));
  const ruleIndex = new Map(allRules.map((meta, index) => [meta.id, index]));
  const sarifResults = results.flatMap((result) =>
    result.findings
      .filter((finding) => finding.severity !== 'hint')
      .map((finding) => {
        const uri = relative(result.path);
        const region = (range: Diagnosed['range']) => ({
          startLine: range.start.line + 1,
          startColumn: range.start.character + 1,
          endLine: range.end.line + 1,
          endColumn: range.end.character + 1,
        });
        const fix = finding.fixes.find((candidate) => candidate.isPreferred) ?? finding.fixes[0];
        return {
          ruleId: finding.ruleId,
          ruleIndex: ruleIndex.get(finding.ruleId),
          level: sarifLevel[finding.severity as keyof typeof sarifLevel],
          message: { text: finding.message },
          locations: [{ physicalLocation: { artifactLocation: { uri }, region: region(finding.range) } }],
          ...(fix
            ? {
                fixes: [
                  {
                    description: { text: fix.title },
                    artifactChanges: [
                      {
                        artifactLocation: { uri },
                        replacements: fix.edits.map((edit) => ({ deletedRegion: region(edit.range), insertedContent: { text: edit.newText } })),
                      },
                    ],
                  },
                ],
              }
            : {}),
        };
      }),
  );
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'container-guard', informationUri: 'https://github.com/container-guard/container-guard', version: '0.1.0', rules } }, results: sarifResults }],
  };
}

function toText(results: FileResult[]): string {
  const lines: string[] = [];
  let count = 0;
  for (const result of results) {
    for (const finding of result.findings) {
      count++;
      lines.push(`${relative(result.path)}:${finding.range.start.line + 1}:${finding.range.start.character + 1}: ${finding.severity} ${finding.ruleId} ${finding.message}`);
    }
  }
  lines.push(`${count} finding${count === 1 ? '' : 's'} in ${results.length} file${results.length === 1 ? '' : 's'}`);
  return lines.join('\n');
}

export function main(argv: string[]): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  let options: Options;
  try {
    options = parseArguments(argv);
  } catch (error) {
    process.stderr.write(`container-guard: ${(error as Error).message}\n${usage}\n`);
    return 2;
  }
  if (options.config) {
    const configPath = options.config;
    if (!fs.existsSync(configPath) || !fs.statSync(configPath).isFile()) {
      process.stderr.write(`container-guard: --config ${configPath}: no such file\n`);
      return 2;
    }
    const probe = resolveConfig(configPath, foreignIdIndex, path.dirname(configPath), configPath);
    const broken = probe.problems.find((entry) => path.resolve(entry.file) === path.resolve(configPath));
    if (broken) {
      process.stderr.write(`container-guard: --config ${configPath}:${broken.problem.range.start.line + 1}: ${broken.problem.message}\n`);
      return 2;
    }
  }
  const errors: string[] = [];
  const reportedConfigs = new Set<string>();
  const results: FileResult[] = [];
  for (const file of collectFiles(options.paths, errors)) {
    const resolved: ResolvedConfig = resolveConfig(file, foreignIdIndex, undefined, options.config);
    for (const { file: configFile, problem } of resolved.problems) {
      if (reportedConfigs.has(configFile)) continue;
      reportedConfigs.add(configFile);
      errors.push(`${relative(configFile)}:${problem.range.start.line + 1}: ${problem.message}`);
    }
    if (isIgnoredPath(file, resolved)) continue;
    const kind = kindFromFileName(file)!;
    const settings = withFileConfig(defaultSettings, resolved.config);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      errors.push(`${relative(file)}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      continue;
    }
    // Like the editor: the stage that ships is the one Compose files (up to the current directory) build.
    const stopDir = path.resolve(file).startsWith(process.cwd() + path.sep) ? process.cwd() : undefined;
    const buildTarget = kind === 'dockerfile' ? buildTargetFor(file, stopDir) : undefined;
    const analyzeText = (content: string): Analysis => analyze(content, { kind, settings, buildTarget });
    let analysis = analyzeText(text);
    if (options.fix) {
      const fixed = fixUntilStable(text, analyzeText, (current) => current.findings, true, analysis);
      if (fixed !== text) {
        const fixedAnalysis = analyzeText(fixed);
        const fixedCount = analysis.findings.length - fixedAnalysis.findings.length;
        try {
          fs.writeFileSync(file, fixed);
          process.stderr.write(`fixed ${relative(file)} (${fixedCount} finding${fixedCount === 1 ? '' : 's'} fewer)\n`);
          analysis = fixedAnalysis;
        } catch (error) {
          errors.push(`${relative(file)}: cannot write (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
        }
      }
    }
    const findings = analysis.findings.filter((finding) => options.includeHints || finding.severity !== 'hint');
    results.push({ path: file, kind, findings });
  }

  const output = options.format === 'json' ? JSON.stringify(toJson(results), null, 2) : options.format === 'sarif' ? JSON.stringify(toSarif(results), null, 2) : toText(results);
  process.stdout.write(output + '\n');
  for (const error of errors) process.stderr.write(`container-guard: ${error}\n`);
  if (errors.length > 0) return 2;
  if (options.failOn === 'none') return 0;
  const threshold = severityRank[options.failOn];
  const failing = results.some((result) => result.findings.some((finding) => severityRank[finding.severity] >= threshold));
  return failing ? 1 : 0;
}

// Only when run as a program (the tests import main()).
if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`container-guard: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  }
}

