// CG-D101: a RUN downloads a script and runs it in the same breath: `curl … | sh`,
// `wget -qO- … | bash`, `bash <(curl …)`, `sh -c "$(curl …)"`. Nothing checks what arrived, and
// the build runs it as root: whoever controls the server, the DNS or the connection runs code in
// the image.
import type { DockerfileModel } from '../../engine/dockerfile/model';
import { interpreterFamily, remoteFetch, remoteScriptRun, type InterpreterFamily } from '../../engine/dockerfile/remote-pipe';
import { baseName, commandsOf, type Program, type ShellCommand, type ShellJoin } from '../../engine/dockerfile/shell';
import type { RuleFinding, Fix, Rule } from '../../engine/types';
import { runInstructions } from './commands';

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
        const fetch = remoteFetch(command);
        if (!fetch) continue;
        const hit = remoteScriptRun(commands, command);
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
  const file = `/tmp/${scriptName(url.value, interpreterFamily(program.name) ?? 'shell')}`;
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

const EXTENSIONS: Record<InterpreterFamily, string> = { shell: 'sh', python: 'py', perl: 'pl', node: 'js' };

/** The URL's file name when it is a plain one (`install.sh`), else `install.<ext>`. */
function scriptName(url: string, family: InterpreterFamily): string {
  const path = url.replace(/[?#].*$/, '').replace(/^[a-z]+:\/\/[^/]*/i, '');
  const name = baseName(path);
  return /^[A-Za-z0-9][A-Za-z0-9._-]*\.[A-Za-z0-9]+$/.test(name) ? name : `install.${EXTENSIONS[family]}`;
}
