// "A RUN downloads a script and runs it in the same breath": `curl … | sh`, `wget -qO- … | bash`,
// `bash <(curl …)`, `sh -c "$(curl …)"`. CG-D101 reports it; CG-D072 (pipefail) must stay silent on
// exactly the pipes D101's condition covers (catalogue §6.2, decided on the condition even when
// D101 is off), so the condition lives here, shared, rather than in either rule.
import { programOf, shellScriptWord, type Program, type ShellCommand, type ShellWord } from './shell';

/** Interpreters that run a script read from standard input, a file or `-c`. */
const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh']);
const INTERPRETER = /^(sh|bash|ash|dash|zsh|ksh|python[0-9.]*|perl[0-9.]*|node|nodejs)$/;
/** Options of each interpreter family that name the code to run, so standard input is only data. */
const CODE_OPTIONS: Record<InterpreterFamily, RegExp> = {
  shell: /^-[A-Za-z]*c[A-Za-z]*$/,
  python: /^-[A-Za-z]*[cm]/,
  perl: /^-[A-Za-z]*[eE]/,
  node: /^(-[A-Za-z]*[ep][A-Za-z]*|--eval(=.*)?|--print(=.*)?)$/,
};
/** Options that take the next word as their value (so that word is not a script file). */
const OPTION_VALUES: Record<InterpreterFamily, Set<string>> = {
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

export type InterpreterFamily = 'shell' | 'python' | 'perl' | 'node';

/** An interpreter that runs a downloaded script, and how the script reaches it. */
export interface RemoteScriptRun {
  /** The command that runs the interpreter. */
  command: ShellCommand;
  program: Program;
  how: 'from a pipe' | 'through a substitution';
}

/** A curl or wget command that writes the download to standard output. */
export function remoteFetch(command: ShellCommand): Program | undefined {
  const program = programOf(command);
  if (!program) return undefined;
  // `curl … > file | sh`: the output goes to the file, the pipe carries nothing.
  if (command.redirects.some((r) => /^(1?>|1?>>|1?>\||&>>?)$/.test(r.op))) return undefined;
  if (program.name === 'curl') return curlToStdout(program.args) ? program : undefined;
  if (program.name === 'wget') return wgetToStdout(program.args) ? program : undefined;
  return undefined;
}

/**
 * The interpreter that runs what `fetch` (a `remoteFetch` command) downloads, through a pipe or a
 * substitution; undefined when the download is only data. `commands` are the RUN's commands.
 */
export function remoteScriptRun(commands: ShellCommand[], fetch: ShellCommand): RemoteScriptRun | undefined {
  return pipedInterpreter(commands, fetch) ?? substitutedInto(commands, fetch);
}

/**
 * The commands on the left of a pipe that carries a downloaded script into an interpreter
 * (`curl … | sh`: the curl; `wget -O- … | gunzip | sh`: the wget and the gunzip).
 */
export function remoteScriptPipes(commands: ShellCommand[]): Set<ShellCommand> {
  const lefts = new Set<ShellCommand>();
  for (const command of commands) {
    if (!remoteFetch(command)) continue;
    const chain: ShellCommand[] = [];
    if (pipedInterpreter(commands, command, chain)) for (const left of chain) lefts.add(left);
  }
  return lefts;
}

/** The family of an interpreter name (`python3.12` → python), undefined for other programs. */
export function interpreterFamily(name: string): InterpreterFamily | undefined {
  if (!INTERPRETER.test(name)) return undefined;
  if (SHELLS.has(name)) return 'shell';
  if (name.startsWith('python')) return 'python';
  if (name.startsWith('perl')) return 'perl';
  return 'node';
}

/** A short option cluster (`-fsSL`). */
function isShortCluster(value: string): boolean {
  return /^-[A-Za-z0-9]+$/.test(value);
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

/**
 * Whether an interpreter reads its program from standard input: no `-c`/`-e`/`-m` code option
 * and no script file (`python3 -c 'import json …'` only reads data from the pipe).
 */
function readsProgramFromStdin(program: Program, family: InterpreterFamily): boolean {
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

/**
 * The interpreter a download is piped into, through any filters (`curl … | gunzip | sh`).
 * `chain` receives the commands on the left of each pipe on the way.
 */
function pipedInterpreter(commands: ShellCommand[], fetch: ShellCommand, chain: ShellCommand[] = []): RemoteScriptRun | undefined {
  let current = fetch;
  while (current.after === '|' || current.after === '|&') {
    const next = commands.find((c) => c.depth === current.depth && c.previousEnd === current.end && c.start > current.end);
    if (!next) return undefined;
    chain.push(current);
    const program = programOf(next);
    const family = program ? interpreterFamily(program.name) : undefined;
    if (program && family) return readsProgramFromStdin(program, family) ? { command: next, program, how: 'from a pipe' } : undefined;
    current = next;
  }
  return undefined;
}

/** `bash <(curl …)` or `sh -c "$(curl …)"`: the download is the interpreter's script. */
function substitutedInto(commands: ShellCommand[], fetch: ShellCommand): RemoteScriptRun | undefined {
  if (fetch.origin !== 'substitution' || fetch.before !== null || fetch.after !== null) return undefined;
  for (const command of commands) {
    if (command.depth >= fetch.depth || command.start > fetch.start || command.end < fetch.end) continue;
    const program = programOf(command);
    const family = program ? interpreterFamily(program.name) : undefined;
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
function codeWord(program: Program, family: InterpreterFamily): ShellWord | undefined {
  const index = program.args.findIndex((w) => CODE_OPTIONS[family].test(w.value) && !w.value.includes('='));
  return index < 0 ? undefined : program.args[index + 1];
}

/** Whether `word` is the script operand: the first non-option argument. */
function isScriptOperand(program: Program, family: InterpreterFamily, word: ShellWord): boolean {
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
