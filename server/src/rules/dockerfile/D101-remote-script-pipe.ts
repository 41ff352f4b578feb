// CG-D101: a RUN downloads a script and runs it in the same breath: `curl … | sh`,
// `wget -qO- … | bash`, `bash <(curl …)`, `sh -c "$(curl …)"`. Nothing checks what arrived, and
// the build runs it as root: whoever controls the server, the DNS or the connection runs code in
// the image.
import type { DockerfileModel } from '../../engine/dockerfile/model';
import { baseName, commandsOf, programOf, shellScriptWord, type Program, type ShellCommand, type ShellJoin, type ShellWord } from '../../engine/dockerfile/shell';
import type { RuleFinding, Fix, Rule } from '../../engine/types';
import { isShortCluster, runInstructions } from './commands';

/** Interpreters that run a script read from standard input, a file or `-c`. */
const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh']);
const INTERPRETER = /^(sh|bash|ash|dash|zsh|ksh|python[0-9.]*|perl[0-9.]*|node|nodejs)$/;
/** Options of each interpreter family that name the code to run, so standard input is only data. */
const CODE_OPTIONS: Record<'shell' | 'python' | 'perl' | 'node', RegExp> = {
  shell: /^-[A-Za-z]*c[A-Za-z]*$/,
  python: /^-[A-Za-z]*[cm]/,
  perl: /^-[A-Za-z]*[eE]/,
  node: /^(-[A-Za-z]*[ep][A-Za-z]*|--eval(=.*)?|--print(=.*)?)$/,
};
/** Options that take the next word as their value (so that word is not a script file). */
const OPTION_VALUES: Record<'shell' | 'python' | 'perl' | 'node', Set<string>> = {
  shell: new Set(['-o', '+o', '-O', '+O']),
  python: new Set(['-W', '-X', '-Q']),
  perl: new Set(['-I', '-M', '-m']),
  node: new Set(['-r', '--require', '--import', '--loader', '--experimental-loader', '--input-type']),
};
/** curl's short options that take a value: in a cluster, the rest of the word is that value. */
const CURL_SHORT_WITH_VALUE = new Set('AbcCdDeEFHKmoPQrtTuUwxXyYz'.split(''));
const CURL_LONG_WITH_VALUE = new Set([
  '--header', '--data', '--data-raw', '--data-binary', '--data-urlencode', '--user', '--user-agent', '--referer',
  '--write-out', '--upload-file', '--proxy', '--request', '--cookie', '--cookie-jar', '--config', '--max-time',
  '--form', '--range', '--continue-at', '--cert', '--key', '--cacert', '--capath', '--retry', '--connect-timeout',
  '--url', '--resolve', '--proxy-user', '--interface', '--limit-rate', '--output-dir',
]);

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D101',
    title: 'Remote script piped into an interpreter',
    description:
      'A RUN downloads a script with curl or wget and runs it straight away (`curl … | sh`, `bash <(curl …)`), so unverified code runs as root in the build. Download it, check its SHA-256, then run it.',
    kind: 'dockerfile',
    severity: 'warning',
    equivalents: [],
    fixable: true,
  },
  check(model) {
    const findings: RuleFinding[] = [];
    for (const run of runInstructions(model)) {
      const commands = commandsOf(model, run.instruction);
      const seen = new Set<number>();
      for (const command of commands) {
        const fetch = fetcher(command);
        if (!fetch) continue;
        const hit = pipedInterpreter(commands, command) ?? substitutedInto(commands, command);
        // `sh -c "$(curl …)"` is read twice (the word and its script): report each download once.
        if (!hit || seen.has(command.start)) continue;
        seen.add(command.start);
        const fetchWord = command.argv[fetch.index];
        const runner = hit.command.argv[hit.program.index];
        findings.push({
          message: `'${fetch.name}' downloads a script that '${hit.program.name}' runs ${hit.how}: nothing verifies the code before it runs as root in the build. Download it to a file, check its SHA-256 with sha256sum -c, then run it.`,
          range: runner.range,
          related: [{ range: fetchWord.range, message: `The script is downloaded here by ${fetch.name}.` }],
          fixes: hit.how === 'from a pipe' ? verifyFix(model, command, hit.command, hit.program, fetch) : [],
        });
      }
    }
    return findings;
  },
};

/** A curl or wget command that writes the download to standard output. */
function fetcher(command: ShellCommand): Program | undefined {
  const program = programOf(command);
  if (!program) return undefined;
  // `curl … > file | sh`: the output goes to the file, the pipe carries nothing.
  if (command.redirects.some((r) => /^(1?>|1?>>|1?>\||&>>?)$/.test(r.op))) return undefined;
  if (program.name === 'curl') return curlToStdout(program.args) ? program : undefined;
  if (program.name === 'wget') return wgetToStdout(program.args) ? program : undefined;
  return undefined;
}

/** curl writes to standard output unless `-o file`, `-O` or `--remote-name` says otherwise. */
function curlToStdout(args: ShellWord[]): boolean {
  for (let i = 0; i < args.length; i++) {
    const value = args[i].value;
    if (value === '--') break;
    if (value === '--remote-name' || value === '--remote-name-all') return false;
    if (value === '--output' || value === '-o') {
      if ((args[i + 1]?.value ?? '') !== '-') return false;
      i++;
      continue;
    }
    if (value.startsWith('--output=')) {
      if (value !== '--output=-') return false;
      continue;
    }
    if (CURL_LONG_WITH_VALUE.has(value)) {
      i++;
      continue;
    }
    if (!isShortCluster(value)) continue;
    for (let k = 1; k < value.length; k++) {
      const letter = value[k];
      if (letter === 'O') return false;
      if (!CURL_SHORT_WITH_VALUE.has(letter)) continue;
      const rest = value.slice(k + 1);
      const optionValue = rest !== '' ? rest : args[++i]?.value ?? '';
      if (letter === 'o' && optionValue !== '-') return false;
      break;
    }
  }
  return true;
}

/** wget writes to standard output only with `-O -` (`-O-`, `-qO-`, `--output-document=-`). */
function wgetToStdout(args: ShellWord[]): boolean {
  let stdout = false;
  for (let i = 0; i < args.length; i++) {
    const value = args[i].value;
    if (value === '--') break;
    let target: string | undefined;
    if (value === '--output-document' || value === '-O') target = args[++i]?.value;
    else if (value.startsWith('--output-document=')) target = value.slice('--output-document='.length);
    else if (/^-[A-Za-z]*O/.test(value) && !value.startsWith('--')) {
      const rest = value.slice(value.indexOf('O') + 1);
      target = rest !== '' ? rest : args[++i]?.value;
    }
    if (target !== undefined) stdout = target === '-';
  }
  return stdout;
}

type Family = keyof typeof CODE_OPTIONS;

function familyOf(name: string): Family | undefined {
  if (!INTERPRETER.test(name)) return undefined;
  if (SHELLS.has(name)) return 'shell';
  if (name.startsWith('python')) return 'python';
  if (name.startsWith('perl')) return 'perl';
  return 'node';
}

/**
 * Whether an interpreter reads its program from standard input: no `-c`/`-e`/`-m` code option
 * and no script file (`python3 -c 'import json …'` only reads data from the pipe).
 */
function readsProgramFromStdin(program: Program, family: Family): boolean {
  const args = program.args;
  for (let i = 0; i < args.length; i++) {
    const value = args[i].value;
    if (value === '-' || value === '--') return true;
    if (family === 'shell' && value === '-s') return true;
    if (CODE_OPTIONS[family].test(value)) return false;
    if (OPTION_VALUES[family].has(value)) {
      i++;
      continue;
    }
    if (!/^[-+]/.test(value)) return false; // a script file: stdin is data
  }
  return true;
}

interface Hit {
  command: ShellCommand;
  program: Program;
  how: 'from a pipe' | 'through a substitution';
}

/** The interpreter a download is piped into, through any filters (`curl … | gunzip | sh`). */
function pipedInterpreter(commands: ShellCommand[], fetch: ShellCommand): Hit | undefined {
  let current = fetch;
  while (current.after === '|' || current.after === '|&') {
    const next = commands.find((c) => c.depth === current.depth && c.previousEnd === current.end && c.start > current.end);
    if (!next) return undefined;
    const program = programOf(next);
    const family = program ? familyOf(program.name) : undefined;
    if (program && family) return readsProgramFromStdin(program, family) ? { command: next, program, how: 'from a pipe' } : undefined;
    current = next;
  }
  return undefined;
}

/** `bash <(curl …)` or `sh -c "$(curl …)"`: the download is the interpreter's script. */
function substitutedInto(commands: ShellCommand[], fetch: ShellCommand): Hit | undefined {
  if (fetch.origin !== 'substitution' || fetch.before !== null || fetch.after !== null) return undefined;
  for (const command of commands) {
    if (command.depth >= fetch.depth || command.start > fetch.start || command.end < fetch.end) continue;
    const program = programOf(command);
    const family = program ? familyOf(program.name) : undefined;
    if (!program || !family) continue;
    const word = program.args.find((w) => w.start <= fetch.start && fetch.end <= w.end);
    if (!word || !word.dynamic) continue;
    const script = family === 'shell' ? shellScriptWord(command.argv, program.index) : codeWord(program, family);
    if (word === script && isWholeSubstitution(word.value)) return { command, program, how: 'through a substitution' };
    if (word !== script && word.value.startsWith('<(') && isScriptOperand(program, family, word)) {
      return { command, program, how: 'through a substitution' };
    }
  }
  return undefined;
}

/** A word that is one command substitution and nothing else (its value keeps `$(…)` as written). */
function isWholeSubstitution(value: string): boolean {
  return (value.startsWith('$(') && value.endsWith(')')) || (value.length > 1 && value.startsWith('`') && value.endsWith('`'));
}

/** The `-c`/`-e` code word of python, perl or node. */
function codeWord(program: Program, family: Family): ShellWord | undefined {
  const index = program.args.findIndex((w) => CODE_OPTIONS[family].test(w.value) && !w.value.includes('='));
  return index < 0 ? undefined : program.args[index + 1];
}

/** Whether `word` is the script operand: the first non-option argument. */
function isScriptOperand(program: Program, family: Family, word: ShellWord): boolean {
  const args = program.args;
  for (let i = 0; i < args.length; i++) {
    const value = args[i].value;
    if (args[i] === word) return true;
    if (CODE_OPTIONS[family].test(value)) return false;
    if (OPTION_VALUES[family].has(value)) {
      i++;
      continue;
    }
    if (!/^[-+]/.test(value)) return false;
  }
  return false;
}

const REMOVABLE: ReadonlyArray<ShellJoin | null> = [null, '&&', ';', '\n'];

/**
 * `curl -fsSL URL | sh` → `curl -fsSL URL > /tmp/x.sh && echo "<sha256>  /tmp/x.sh" | sha256sum -c - && sh /tmp/x.sh`.
 * Only for a two-command pipeline written in the shell text itself (not inside quotes or JSON),
 * that stands alone in an `&&`/`;` chain, whose interpreter takes no arguments but options.
 * The checksum is a placeholder the user must fill in, so the fix is never preferred.
 */
function verifyFix(model: DockerfileModel, fetch: ShellCommand, runner: ShellCommand, program: Program, fetchProgram: Program): Fix[] {
  if (fetch.execForm || (fetch.origin !== 'shell' && fetch.origin !== 'heredoc')) return [];
  if (runner.previousEnd !== fetch.end || fetch.after !== '|') return [];
  if (!REMOVABLE.includes(fetch.before) || !REMOVABLE.includes(runner.after)) return [];
  if (fetch.redirects.length > 0 || runner.redirects.length > 0) return [];
  if (program.args.some((w) => !/^-[A-Za-z]+$/.test(w.value) || w.value === '-s')) return [];
  const url = fetchProgram.args.find((w) => /^(https?|ftp):\/\//i.test(w.value));
  if (!url || url.dynamic) return [];
  const file = `/tmp/${scriptName(url.value, familyOf(program.name) ?? 'shell')}`;
  const text = model.source.text;
  const download = text.slice(fetch.start, fetch.end);
  const interpreter = text.slice(runner.start, runner.end);
  const newText = `${download} > ${file} && echo "<sha256-of-the-script>  ${file}" | sha256sum -c - && ${interpreter} ${file}`;
  return [
    {
      title: `Download to ${file}, verify its SHA-256, then run it (fill in the checksum)`,
      edits: [{ range: model.source.rangeOf(fetch.start, runner.end), newText }],
      isPreferred: false,
    },
  ];
}

const EXTENSIONS: Record<Family, string> = { shell: 'sh', python: 'py', perl: 'pl', node: 'js' };

/** The URL's file name when it is a plain one (`install.sh`), else `install.<ext>`. */
function scriptName(url: string, family: Family): string {
  const path = url.replace(/[?#].*$/, '').replace(/^[a-z]+:\/\/[^/]*/i, '');
  const name = baseName(path);
  return /^[A-Za-z0-9][A-Za-z0-9._-]*\.[A-Za-z0-9]+$/.test(name) ? name : `install.${EXTENSIONS[family]}`;
}
