// Text that a Dockerfile writes into a file: `echo`/`printf` arguments and here-document bodies sent
// to a file by a redirection (`>`, `>>`), by `tee` (in the same command or after a pipe), and
// `COPY <<EOF <path>` bodies. Shared by the rules that read what ends up in a configuration file
// (CG-D103 credentials, CG-D108 apt sources).
import type { DockerfileModel, Instruction } from '../../engine/dockerfile/model';
import type { ShellCommand, ShellHeredoc, ShellWord } from '../../engine/dockerfile/shell';
import { toolCall } from './commands';

/** One piece of written text, with the document offset of each character (plus one past the end). */
export interface WrittenText {
  text: string;
  offsets: number[];
  /** The shell word it comes from (`echo` / `printf` arguments); undefined for a here-document body. */
  word?: ShellWord;
  /** The here-document it comes from; undefined for a word. */
  heredoc?: ShellHeredoc;
}

export interface FileWrite {
  command: ShellCommand;
  /** The files written, as the shell words name them (`~/.npmrc`, `/etc/apt/sources.list`). */
  targets: string[];
  contents: WrittenText[];
}

/** What one command of a RUN writes into files; undefined when it writes no text into a file. */
export function fileWrite(command: ShellCommand, all: readonly ShellCommand[]): FileWrite | undefined {
  const call = toolCall(command);
  const contents: WrittenText[] = command.heredocs.map((heredoc) => ({ text: heredoc.content, offsets: heredoc.charOffsets, heredoc }));
  if (call && (call.tool === 'echo' || call.tool === 'printf')) {
    for (const word of call.args) contents.push({ text: word.value, offsets: word.charOffsets, word });
  }
  if (contents.length === 0) return undefined;
  const targets: string[] = [];
  for (const redirect of command.redirects) {
    if (/^1?(>|>>|>\|)$/.test(redirect.op) && redirect.target) targets.push(redirect.target.value);
  }
  if (call?.tool === 'tee') targets.push(...teeFiles(call.args));
  if (command.after === '|') {
    const next = all.find((other) => other.depth === command.depth && other.start === command.nextStart);
    const nextCall = next ? toolCall(next) : undefined;
    if (nextCall?.tool === 'tee') targets.push(...teeFiles(nextCall.args));
  }
  return targets.length > 0 ? { command, targets, contents } : undefined;
}

function teeFiles(args: readonly ShellWord[]): string[] {
  return args.filter((word) => !word.value.startsWith('-')).map((word) => word.value);
}

/** A `COPY <<EOF <path>` body: the file it becomes and its text. */
export interface CopiedHeredoc {
  instruction: Instruction;
  path: string;
  content: WrittenText;
}

/** The here-document bodies COPY/ADD write into files (ONBUILD triggers included). */
export function copiedHeredocs(model: DockerfileModel): CopiedHeredoc[] {
  const result: CopiedHeredoc[] = [];
  for (const top of model.instructions) {
    const copy = top.keyword === 'COPY' || top.keyword === 'ADD' ? top : top.trigger;
    if (!copy || (copy.keyword !== 'COPY' && copy.keyword !== 'ADD') || copy.heredocs.length === 0) continue;
    const firstLine = copy.args.filter((a) => a.range.start.line === copy.startLine && !a.value.startsWith('<<'));
    const destination = firstLine[firstLine.length - 1]?.value;
    if (!destination) continue;
    for (const heredoc of copy.heredocs) {
      if (!heredoc.contentRange) continue;
      const start = model.source.offsetAt(heredoc.contentRange.start);
      const offsets = Array.from({ length: heredoc.content.length + 1 }, (_, k) => start + k);
      const path = destination.endsWith('/') ? destination + heredoc.name : destination;
      result.push({ instruction: copy, path, content: { text: heredoc.content, offsets } });
    }
  }
  return result;
}

/** The lines of a written text: split at real line breaks and at `\n` escapes (`echo -e`, `printf`). */
export function writtenLines(text: string): Array<[number, number]> {
  const lines: Array<[number, number]> = [];
  const breaks = /\r\n|\n|\r|\\n/g;
  let lineStart = 0;
  for (let m = breaks.exec(text); m; m = breaks.exec(text)) {
    lines.push([lineStart, m.index]);
    lineStart = m.index + m[0].length;
  }
  lines.push([lineStart, text.length]);
  return lines;
}
