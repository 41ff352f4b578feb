// `container-guard check [paths…]`: the same engine as the language server, for CI (DESIGN "CLI").
// Exit 0: nothing reaches --fail-on; 1: something does; 2: usage, I/O or configuration error.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allRules, docsUrl } from './engine/engine';
import { parseContainerGuardConfig } from './engine/config';
import { binaryContentFinding, decodeText, fileContext, syntaxCode, syntaxFindings, type FileContext } from './engine/file-analysis';
import { kindFromFileName } from './engine/file-kind';
import { fixUntilStable } from './engine/fix-all';
import { DiskReader } from './engine/fs-cache';
import { defaultSettings } from './engine/settings';
import type { Diagnosed, FileKind } from './engine/types';

const helpText = `Usage: container-guard check [paths…] [options]

Checks Dockerfiles and Docker Compose files for security problems with the engine of the
Container Guard editor extension. Folders are searched for recognised files (Dockerfile,
Containerfile, *.dockerfile, Dockerfile.*, compose.yaml, docker-compose.yml, compose.*.yaml,
docker-compose-*.yml, …); node_modules, .git, .hg and .svn are skipped. Default path: "."

Options:
  --format text|json|sarif     Output format (default: text). sarif is SARIF 2.1.0.
  --fail-on error|warning|info|none
                               Lowest severity that makes the exit code 1 (default: error).
  --config FILE                Use this .container-guard.yaml instead of the nearest one.
  --kind dockerfile|compose    Analyze named files as this kind, whatever their names;
                               in folders, take only files of this kind.
  --include-hints              Also list hints (text and json; SARIF never has hints).
  --fix                        Apply the safe (preferred) fixes in place, list them on stderr,
                               then report on the fixed files. Files that do not parse are
                               not changed.
  -h, --help                   Show this help.
  --version                    Print the version.

Configuration: for each file, the nearest .container-guard.yaml (and .hadolint.yaml) in its
folder or above, up to the first folder that contains .git, else up to the current folder.

A file that does not parse (a YAML error, an unknown Dockerfile instruction, binary content)
gets a CG-SYNTAX finding with the parser's message and severity.

Exit codes:
  0  no finding at or above --fail-on
  1  a finding at or above --fail-on
  2  usage error, unreadable path, no Dockerfile or Compose file in a path, or a malformed
     configuration file (findings are still printed, computed with the defaults)

Examples:
  container-guard check
  container-guard check services/ deploy/compose.yaml --fail-on warning
  container-guard check --format sarif > container-guard.sarif
  container-guard check --kind compose deploy/stack.yml
  container-guard check --fix`;

const severityRank = { error: 3, warning: 2, info: 1, hint: 0 } as const;
const skippedDirectories = new Set(['node_modules', '.git', '.hg', '.svn']);

interface Options {
  paths: string[];
  format: 'text' | 'json' | 'sarif';
  failOn: 'error' | 'warning' | 'info' | 'none';
  config?: string;
  kind?: FileKind;
  includeHints: boolean;
  fix: boolean;
}

class UsageError extends Error {}

/** The package version, bundled into dist/cli.js by esbuild (a static require of package.json). */
function packageVersion(): string {
  try {
    return (require('../../package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag}: unknown value '${value}' (expected ${allowed.join(', ')})`);
  return value as T;
}

function parseArguments(argv: string[]): Options {
  const [command, ...rest] = argv;
  if (command === undefined) throw new UsageError('missing command: container-guard check [paths…]');
  if (command !== 'check') throw new UsageError(`unknown command '${command}' (expected check)`);
  const options: Options = { paths: [], format: 'text', failOn: 'error', includeHints: false, fix: false };
  let onlyPaths = false;
  for (let i = 0; i < rest.length; i++) {
    const argument = rest[i];
    if (onlyPaths || !argument.startsWith('-') || argument === '-') {
      options.paths.push(argument);
      continue;
    }
    if (argument === '--') {
      onlyPaths = true;
      continue;
    }
    const [flag, inline] = argument.split(/=(.*)/s, 2);
    const value = () => {
      const next = inline ?? rest[++i];
      if (next === undefined) throw new UsageError(`option ${flag} needs a value`);
      return next;
    };
    if (flag === '--format') options.format = oneOf(flag, value(), ['text', 'json', 'sarif'] as const);
    else if (flag === '--fail-on') options.failOn = oneOf(flag, value(), ['error', 'warning', 'info', 'none'] as const);
    else if (flag === '--kind') options.kind = oneOf(flag, value(), ['dockerfile', 'compose'] as const);
    else if (flag === '--config') options.config = value();
    else if (flag === '--include-hints' && inline === undefined) options.includeHints = true;
    else if (flag === '--fix' && inline === undefined) options.fix = true;
    else throw new UsageError(`unknown option '${argument}'`);
  }
  if (options.paths.length === 0) options.paths.push('.');
  return options;
}

interface FileToCheck {
  path: string;
  kind: FileKind;
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'error';
}

/** Whether a directory entry is a file (following a symbolic link to a file; links to folders are not followed). */
function isFileEntry(dir: string, entry: fs.Dirent): boolean {
  if (entry.isFile()) return true;
  if (!entry.isSymbolicLink()) return false;
  try {
    return fs.statSync(path.join(dir, entry.name)).isFile();
  } catch {
    return false;
  }
}

/**
 * Recognised files under the given paths, in a stable order. A named file is taken with `--kind`
 * whatever its name; a path that holds no recognised file is an error.
 */
function collectFiles(paths: string[], kind: FileKind | undefined, errors: string[]): FileToCheck[] {
  const files: FileToCheck[] = [];
  const seen = new Set<string>();
  const add = (file: string, fileKind: FileKind) => {
    const key = path.resolve(file);
    if (seen.has(key)) return;
    seen.add(key);
    files.push({ path: file, kind: fileKind });
  };
  const walk = (dir: string): number => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      errors.push(`${dir}: cannot read directory (${errorCode(error)})`);
      return 0;
    }
    let found = 0;
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!skippedDirectories.has(entry.name)) found += walk(full);
        continue;
      }
      const nameKind = kindFromFileName(entry.name);
      if (nameKind && (!kind || nameKind === kind) && isFileEntry(dir, entry)) {
        add(full, nameKind);
        found++;
      }
    }
    return found;
  };
  for (const given of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(given);
    } catch (error) {
      errors.push(`${given}: ${errorCode(error) === 'ENOENT' ? 'no such file or directory' : `cannot read (${errorCode(error)})`}`);
      continue;
    }
    if (stat.isDirectory()) {
      if (walk(given) === 0) errors.push(`${given}: no ${kind === 'dockerfile' ? 'Dockerfile' : kind === 'compose' ? 'Compose file' : 'Dockerfile or Compose file'} found`);
    } else {
      const fileKind = kind ?? kindFromFileName(given);
      if (fileKind) add(given, fileKind);
      else errors.push(`${given}: not a Dockerfile or Compose file name (use --kind dockerfile|compose)`);
    }
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

function position(finding: Diagnosed): string {
  return `${finding.range.start.line + 1}:${finding.range.start.character + 1}`;
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

/** `CG-SYNTAX` is not a rule of the engine; SARIF still lists it so its results have a rule. */
const syntaxRule = {
  id: syntaxCode,
  name: 'FileDoesNotParse',
  shortDescription: { text: 'File does not parse' },
  fullDescription: { text: 'The file has a YAML error, an unknown or malformed Dockerfile instruction, or binary content, so it cannot be analyzed completely (and would fail to build or deploy).' },
  helpUri: docsUrl(syntaxCode),
  defaultConfiguration: { level: 'error' },
  properties: { tags: ['security', 'syntax'], equivalents: [] as string[] },
};

function toSarif(results: FileResult[]) {
  const rules = [
    ...allRules.map((meta) => ({
      id: meta.id,
      name: meta.title.replace(/[^A-Za-z0-9]+(.)?/g, (_, next: string | undefined) => (next ? next.toUpperCase() : '')),
      shortDescription: { text: meta.title },
      fullDescription: { text: meta.description },
      helpUri: docsUrl(meta.id),
      defaultConfiguration: { level: meta.severity === 'error' ? 'error' : meta.severity === 'warning' ? 'warning' : meta.severity === 'off' ? 'none' : 'note' },
      properties: { tags: ['security', meta.kind], equivalents: meta.equivalents },
    })),
    syntaxRule,
  ];
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const region = (range: Diagnosed['range']) => ({
    startLine: range.start.line + 1,
    startColumn: range.start.character + 1,
    endLine: range.end.line + 1,
    endColumn: range.end.character + 1,
  });
  const sarifResults = results.flatMap((result) =>
    result.findings
      .filter((finding) => finding.severity !== 'hint')
      .map((finding) => {
        const uri = relative(result.path);
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
    runs: [{ tool: { driver: { name: 'container-guard', informationUri: 'https://github.com/container-guard/container-guard', version: packageVersion(), rules } }, results: sarifResults }],
  };
}

function toText(results: FileResult[]): string {
  const lines: string[] = [];
  let count = 0;
  for (const result of results) {
    for (const finding of result.findings) {
      count++;
      lines.push(`${relative(result.path)}:${position(finding)}: ${finding.severity} ${finding.ruleId} ${finding.message}`);
    }
  }
  lines.push(`${count} finding${count === 1 ? '' : 's'} in ${results.length} file${results.length === 1 ? '' : 's'}`);
  return lines.join('\n');
}

/** In document order; syntax findings before rule findings at one position (the sort is stable). */
function byPosition(a: Diagnosed, b: Diagnosed): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
}

/** Findings whose (rule, message) no longer occurs after fixing: the ones the fixes removed. */
function fixedFindings(before: Diagnosed[], after: Diagnosed[]): Diagnosed[] {
  const remaining = new Map<string, number>();
  for (const finding of after) {
    const key = `${finding.ruleId}\n${finding.message}`;
    remaining.set(key, (remaining.get(key) ?? 0) + 1);
  }
  return before.filter((finding) => {
    if (!finding.fixes.some((fix) => fix.isPreferred)) return false;
    const key = `${finding.ruleId}\n${finding.message}`;
    const left = remaining.get(key) ?? 0;
    if (left > 0) remaining.set(key, left - 1);
    return left === 0;
  });
}

interface Run {
  options: Options;
  /** One line each on stderr, then exit 2. */
  errors: string[];
  reportedConfigs: Set<string>;
  /** Config files, `.git` folders and the Compose files beside each Dockerfile are read once per run. */
  disk: DiskReader;
}

/** Checks one file; undefined when `ignorePaths` excludes it or it cannot be read. */
function checkFile(file: FileToCheck, run: Run): FileResult | undefined {
  const { options, errors } = run;
  const context: FileContext = fileContext({ path: file.path, kind: file.kind, settings: defaultSettings, root: process.cwd(), configPath: options.config, disk: run.disk })!;
  for (const { file: configFile, problem } of context.configProblems) {
    if (run.reportedConfigs.has(configFile)) continue;
    run.reportedConfigs.add(configFile);
    errors.push(`${relative(configFile)}:${problem.range.start.line + 1}: ${problem.message}`);
  }
  if (context.ignored) return undefined;
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file.path);
  } catch (error) {
    errors.push(`${relative(file.path)}: cannot read (${errorCode(error)})`);
    return undefined;
  }
  const text = decodeText(bytes);
  if (text === undefined) return { path: file.path, kind: file.kind, findings: [binaryContentFinding()] };
  let analysis = context.analyze(text);
  let syntax = syntaxFindings(analysis);
  if (options.fix && syntax.length === 0) {
    // Only the preferred fixes (the editor's fix-all), repeated until the text is stable.
    // The rounds after the first need only findings: the syntax validator is not run again.
    const fixed = fixUntilStable(text, (next) => context.analyze(next, undefined, { validate: false }), (current) => current.findings, true, analysis);
    if (fixed !== text) {
      try {
        fs.writeFileSync(file.path, fixed);
        run.disk.forget(path.resolve(file.path));
        const fixedAnalysis = context.analyze(fixed);
        for (const finding of fixedFindings(analysis.findings, fixedAnalysis.findings)) {
          const title = finding.fixes.find((fix) => fix.isPreferred)!.title;
          process.stderr.write(`fixed ${relative(file.path)}:${position(finding)}: ${finding.ruleId} ${title}\n`);
        }
        analysis = fixedAnalysis;
        syntax = syntaxFindings(analysis);
      } catch (error) {
        errors.push(`${relative(file.path)}: cannot write (${errorCode(error)})`);
      }
    }
  }
  const findings = [...syntax, ...analysis.findings].filter((finding) => options.includeHints || finding.severity !== 'hint').sort(byPosition);
  return { path: file.path, kind: file.kind, findings };
}

/** `--config FILE`: a missing or malformed file stops the run (exit 2) before anything is analyzed. */
function configError(configPath: string): string | undefined {
  let text: string;
  try {
    if (!fs.statSync(configPath).isFile()) return `--config ${configPath}: not a file`;
    text = fs.readFileSync(configPath, 'utf8');
  } catch (error) {
    return `--config ${configPath}: ${errorCode(error) === 'ENOENT' ? 'no such file' : `cannot read (${errorCode(error)})`}`;
  }
  const { problem } = parseContainerGuardConfig(text);
  return problem && `--config ${configPath}:${problem.range.start.line + 1}: ${problem.message}`;
}

export function main(argv: string[]): number {
  // `--help` and `--version` win wherever they are written (before a `--` that ends the options).
  const flags = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  if (flags.includes('--help') || flags.includes('-h')) {
    process.stdout.write(`${helpText}\n`);
    return 0;
  }
  if (flags.includes('--version')) {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  let options: Options;
  try {
    options = parseArguments(argv);
  } catch (error) {
    process.stderr.write(`container-guard: ${(error as Error).message} (see container-guard --help)\n`);
    return 2;
  }
  const broken = options.config === undefined ? undefined : configError(options.config);
  if (broken) {
    process.stderr.write(`container-guard: ${broken}\n`);
    return 2;
  }
  const run: Run = { options, errors: [], reportedConfigs: new Set(), disk: new DiskReader({ remember: true }) };
  const results: FileResult[] = [];
  for (const file of collectFiles(options.paths, options.kind, run.errors)) {
    const result = checkFile(file, run);
    if (result) results.push(result);
  }

  const output = options.format === 'json' ? JSON.stringify(toJson(results), null, 2) : options.format === 'sarif' ? JSON.stringify(toSarif(results), null, 2) : toText(results);
  process.stdout.write(output + '\n');
  for (const error of run.errors) process.stderr.write(`container-guard: ${error}\n`);
  if (run.errors.length > 0) return 2;
  if (options.failOn === 'none') return 0;
  const threshold = severityRank[options.failOn];
  const failing = results.some((result) => result.findings.some((finding) => severityRank[finding.severity] >= threshold));
  return failing ? 1 : 0;
}

/**
 * A reader that closed early (`| head -1`) ends the run quietly, with the exit code of the check;
 * any other output error is one line, exit 2. Never a stack trace.
 */
function endQuietlyOnClosedOutput(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit();
    process.stderr.write(`container-guard: cannot write the output (${error.code ?? error.message})\n`);
    process.exit(2);
  });
  process.stderr.on('error', () => process.exit());
}

// Only when run as a program (the tests import main()).
if (require.main === module) {
  endQuietlyOnClosedOutput();
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`container-guard: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  }
}
