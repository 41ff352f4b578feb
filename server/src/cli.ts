// `container-guard check [paths…]`: the same engine as the language server, for CI (DESIGN "CLI").
// Exit 0: nothing reaches --fail-on; 1: something does; 2: usage, I/O or configuration error.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { allRules, docsUrl } from './engine/engine';
import { parseContainerGuardConfig } from './engine/config';
import { binaryContentFinding, decodeText, fileContext, syntaxCode, syntaxFindings, type ConfigProblem, type FileContext } from './engine/file-analysis';
import { kindFromFileName } from './engine/file-kind';
import { fixUntilStable } from './engine/fix-all';
import { DiskReader } from './engine/fs-cache';
import { defaultSettings } from './engine/settings';
import type { Diagnosed, FileKind, Fix } from './engine/types';

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
 * whatever its name; a path that holds no recognised file is an error. The folders listed are given
 * to `disk`, whose lookups beside each file (config files, `.git`, Compose files) then need no disk access.
 */
function collectFiles(paths: string[], kind: FileKind | undefined, errors: string[], disk: DiskReader): FileToCheck[] {
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
    disk.rememberListing(path.resolve(dir), entries.map((entry) => entry.name));
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
  findings: Reported[];
}

/**
 * What the output formats read of a finding. Only this is kept of each file's findings until the
 * output is written (and sent back by worker threads), not their other fixes, related information
 * or summarized members.
 */
interface Reported extends Pick<Diagnosed, 'ruleId' | 'severity' | 'message' | 'range'> {
  /** The fix SARIF lists: the preferred one, else the first; undefined when the finding has none. */
  fix?: Fix;
}

function reported(finding: Diagnosed): Reported {
  const fix = finding.fixes.find((candidate) => candidate.isPreferred) ?? finding.fixes[0];
  return { ruleId: finding.ruleId, severity: finding.severity, message: finding.message, range: finding.range, fix };
}

function relative(file: string): string {
  return path.relative(process.cwd(), path.resolve(file)).split(path.sep).join('/') || file;
}

function position(finding: Pick<Diagnosed, 'range'>): string {
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
        fixable: finding.fix !== undefined,
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
        const fix = finding.fix;
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

/** What checking one file gives: its result (none when ignored or unreadable) and what goes on stderr, in order. */
interface FileOutcome {
  result?: FileResult;
  configProblems: ConfigProblem[];
  errors: string[];
}

/**
 * Checks one file with a reader that remembers for the run (config files, `.git` folders and the
 * Compose files beside each Dockerfile are read once per reader). With `--fix` it writes the file and
 * lists the fixes on stderr as it goes.
 */
function checkFile(file: FileToCheck, options: Options, disk: DiskReader): FileOutcome {
  const errors: string[] = [];
  const context: FileContext = fileContext({ path: file.path, kind: file.kind, settings: defaultSettings, root: process.cwd(), configPath: options.config, disk })!;
  const outcome: FileOutcome = { configProblems: context.configProblems, errors };
  if (context.ignored) return outcome;
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file.path);
  } catch (error) {
    errors.push(`${relative(file.path)}: cannot read (${errorCode(error)})`);
    return outcome;
  }
  const text = decodeText(bytes);
  if (text === undefined) return { ...outcome, result: { path: file.path, kind: file.kind, findings: [reported(binaryContentFinding())] } };
  let analysis = context.analyze(text);
  let syntax = syntaxFindings(analysis);
  if (options.fix && syntax.length === 0) {
    // Only the preferred fixes (the editor's fix-all), repeated until the text is stable.
    // The rounds after the first need only findings: the syntax validator is not run again.
    const fixed = fixUntilStable(text, (next) => context.analyze(next, undefined, { validate: false }), (current) => current.findings, true, analysis);
    if (fixed !== text) {
      try {
        fs.writeFileSync(file.path, fixed);
        disk.forget(path.resolve(file.path));
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
  const findings = [...syntax, ...analysis.findings].filter((finding) => options.includeHints || finding.severity !== 'hint').sort(byPosition).map(reported);
  return { ...outcome, result: { path: file.path, kind: file.kind, findings } };
}

// Many files are checked by several threads (DESIGN "CLI": the output is the same, in the same order).
// Each thread compiles the engine's hot code itself (V8 does not share optimized code between threads),
// so a thread keeps to one kind of file while it can: one checks Dockerfiles, another Compose files, and
// most of the compiling is not done twice. A thread whose kind is done helps with the other kind. Threads
// take the next unchecked file of a kind from a counter they share, so the work stays balanced; the main
// thread checks files too and puts the outcomes back in file order.

/** Below this many files one thread is faster: a worker needs about 0.1 s to load the engine. */
const parallelThreshold = 200;

/**
 * How many threads check files. `CONTAINER_GUARD_THREADS` decides when set (1: only the main thread).
 * By default one core is left to V8's compiler threads, which already keep a second core about half
 * busy while the engine's code gets hot: on two cores a second thread measured no faster, as it
 * compiles the shared code again.
 */
function threadCount(fileCount: number): number {
  const configured = Number.parseInt(process.env.CONTAINER_GUARD_THREADS ?? '', 10);
  if (configured >= 1) return Math.min(configured, fileCount);
  if (fileCount < parallelThreshold) return 1;
  return Math.max(1, Math.min(os.availableParallelism() - 1, 4));
}

const kinds: readonly FileKind[] = ['compose', 'dockerfile'];

/** The files of a run for several threads: file indexes by kind, and one shared counter per kind. */
interface SharedWork {
  files: FileToCheck[];
  /** `byKind[k]`: indexes into `files` of the files of kind `kinds[k]`, in file order. */
  byKind: number[][];
  /** One Int32 per kind: the position in `byKind[k]` of the next file to check. */
  next: SharedArrayBuffer;
}

/** Thread `thread` (0: the main thread) checks files of its own kind first, then helps with the others. */
function* claimFiles(work: SharedWork, thread: number): Generator<number> {
  const next = new Int32Array(work.next);
  for (let step = 0; step < kinds.length; step++) {
    const k = (thread + step) % kinds.length;
    const indexes = work.byKind[k];
    for (let position = Atomics.add(next, k, 1); position < indexes.length; position = Atomics.add(next, k, 1)) yield indexes[position];
  }
}

interface WorkerInput {
  containerGuardCliWorker: true;
  thread: number;
  options: Options;
  work: SharedWork;
}

/** A worker's messages: outcomes by file index as it goes, then `done`; or the error that stopped it. */
type WorkerMessage = { outcomes: [number, FileOutcome][] } | { done: true } | { failed: string };

/** Outcomes are sent in small batches, so the main thread takes them in while it checks files itself. */
const outcomeBatch = 8;

/** The body of a worker thread: checks files until the shared counters pass the last ones. */
function runWorker(input: WorkerInput, port: NonNullable<typeof parentPort>): void {
  const disk = new DiskReader({ remember: true });
  let batch: [number, FileOutcome][] = [];
  try {
    for (const index of claimFiles(input.work, input.thread)) {
      batch.push([index, checkFile(input.work.files[index], input.options, disk)]);
      if (batch.length === outcomeBatch) {
        port.postMessage({ outcomes: batch } satisfies WorkerMessage);
        batch = [];
      }
    }
    port.postMessage({ outcomes: batch } satisfies WorkerMessage);
    port.postMessage({ done: true } satisfies WorkerMessage);
  } catch (error) {
    port.postMessage({ failed: error instanceof Error ? error.message : String(error) } satisfies WorkerMessage);
  }
}

/** Lets messages from the workers in between two files of the main thread. */
const yieldToWorkers = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Every file's outcome, in file order: checked by `threads` threads (the main thread and workers). */
async function checkAll(files: FileToCheck[], options: Options, threads: number, disk: DiskReader): Promise<FileOutcome[]> {
  const outcomes: FileOutcome[] = new Array(files.length);
  if (threads <= 1) {
    files.forEach((file, index) => (outcomes[index] = checkFile(file, options, disk)));
    return outcomes;
  }
  const work: SharedWork = {
    files,
    byKind: kinds.map((kind) => files.flatMap((file, index) => (file.kind === kind ? [index] : []))),
    next: new SharedArrayBuffer(kinds.length * Int32Array.BYTES_PER_ELEMENT),
  };
  const finished = Array.from({ length: threads - 1 }, (_, worker) => {
    const input: WorkerInput = { containerGuardCliWorker: true, thread: worker + 1, options, work };
    const thread = new Worker(__filename, { workerData: input });
    return new Promise<void>((resolve, reject) => {
      thread.on('message', (message: WorkerMessage) => {
        if ('outcomes' in message) for (const [index, outcome] of message.outcomes) outcomes[index] = outcome;
        else if ('done' in message) resolve();
        else reject(new Error(message.failed));
      });
      thread.on('error', reject);
      thread.on('exit', (code) => reject(new Error(`a worker thread stopped (exit code ${code})`)));
    });
  });
  // Rejections are awaited below, after the main thread's share.
  for (const done of finished) done.catch(() => undefined);
  for (const index of claimFiles(work, 0)) {
    outcomes[index] = checkFile(files[index], options, disk);
    await yieldToWorkers();
  }
  await Promise.all(finished);
  return outcomes;
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

export async function main(argv: string[]): Promise<number> {
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
  const errors: string[] = [];
  // Remembers what it reads for this run (see DiskReader).
  const disk = new DiskReader({ remember: true });
  const files = collectFiles(options.paths, options.kind, errors, disk);
  // `--fix` writes files that other files' checks may read (a Compose file beside a Dockerfile): one thread, in order.
  const outcomes = await checkAll(files, options, options.fix ? 1 : threadCount(files.length), disk);
  const results: FileResult[] = [];
  const reportedConfigs = new Set<string>();
  for (const outcome of outcomes) {
    for (const { file: configFile, problem } of outcome.configProblems) {
      if (reportedConfigs.has(configFile)) continue;
      reportedConfigs.add(configFile);
      errors.push(`${relative(configFile)}:${problem.range.start.line + 1}: ${problem.message}`);
    }
    errors.push(...outcome.errors);
    if (outcome.result) results.push(outcome.result);
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

if (!isMainThread && (workerData as Partial<WorkerInput> | undefined)?.containerGuardCliWorker) {
  runWorker(workerData as WorkerInput, parentPort!);
} else if (require.main === module) {
  // Only when run as a program (the tests import main()).
  endQuietlyOnClosedOutput();
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`container-guard: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
