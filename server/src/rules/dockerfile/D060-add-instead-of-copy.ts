// CG-D060: ADD whose sources are all local files (no URL, no Git repository, no archive that
// ADD would unpack): COPY does the same without ADD's hidden fetch-and-unpack behaviour.
import type { TextEdit } from 'vscode-languageserver-types';
import type { DockerfileModel, Instruction } from '../../engine/dockerfile/model';
import type { RuleFinding, Rule } from '../../engine/types';

/** Flags that only make sense for remote or unpacked sources; COPY rejects them. */
const DROPPED_FLAGS = new Set(['checksum', 'keep-git-dir', 'unpack']);

const REMOTE = /^[a-z][a-z0-9+.-]*:\/\//i;
const GIT = /(^git@)|(\.git(#.*)?$)|(\.git#)/i;
/** Names ADD may unpack (tar, optionally compressed), and bare compressed files, which may be tars. */
const ARCHIVE = /\.(tar|tgz|taz|tbz|tbz2|tb2|txz|tlz|tzst|tar\.[a-z0-9]+|gz|bz2|xz|zst|zstd|lz|lz4|lzma|z)$/i;

export function isRemoteSource(source: string): boolean {
  return REMOTE.test(source) || GIT.test(source);
}

export function isArchiveSource(source: string): boolean {
  return ARCHIVE.test(source);
}

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D060',
    title: 'ADD used to copy local files',
    description:
      'ADD also downloads URLs and unpacks archives, so it hides what enters the image. For local files and directories use COPY, which only copies.',
    kind: 'dockerfile',
    severity: 'warning',
    equivalents: [
      'hadolint DL3020',
      'Trivy DS-0005',
      'CKV_DOCKER_4',
      'KICS 9513a694-aa0d-41d8-be61-3271e056f36b',
      'CIS 4.9',
      'Dockle CIS-DI-0009',
    ],
    fixable: true,
  },
  check(model) {
    const findings: RuleFinding[] = [];
    for (const instruction of model.instructions) {
      const target = instruction.keyword === 'ONBUILD' ? instruction.trigger : instruction;
      if (!target || target.keyword !== 'ADD') continue;
      if (!copiesOnlyLocalFiles(model, target)) continue;
      findings.push({
        message: 'ADD copies only local files here: use COPY, which does exactly that (ADD can also fetch URLs and unpack archives).',
        range: target.keywordRange,
        fixes: [{ title: 'Replace ADD with COPY', edits: toCopyEdits(model, target), isPreferred: true }],
      });
    }
    return findings;
  },
};

function copiesOnlyLocalFiles(model: DockerfileModel, add: Instruction): boolean {
  const unpack = add.flags.find((f) => f.name.toLowerCase() === 'unpack');
  if (unpack && unpack.value !== null && unpack.value.toLowerCase() !== 'false') return false;
  if (unpack && unpack.value === null) return false;
  const archivesAreLocal = unpack !== undefined; // --unpack=false: archives are copied as files

  let sources: string[];
  let heredoc = false;
  if (add.execForm) {
    if (add.execForm.length < 2) return false;
    sources = add.execForm.slice(0, -1);
  } else {
    const heredocAt = add.args.findIndex((a) => a.value.startsWith('<<'));
    let tokens = add.args;
    if (heredocAt >= 0) {
      heredoc = true;
      const line = add.args[heredocAt].range.start.line;
      tokens = add.args.filter((a) => a.range.start.line <= line);
    }
    if (tokens.length < 2) return false; // half-typed
    sources = tokens.slice(0, -1).map((t) => t.value);
  }
  for (const raw of sources) {
    if (heredoc && raw.startsWith('<<')) continue;
    let value: string | null = raw;
    if (raw.includes('$')) value = model.expand(raw, add).value;
    if (value === null) return false; // cannot tell what it is
    const source = stripQuotes(value);
    if (isRemoteSource(source)) return false;
    if (!archivesAreLocal && isArchiveSource(source)) return false;
  }
  return sources.length > 0;
}

function stripQuotes(value: string): string {
  return /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
}

/** `ADD` → `COPY` in the same letter case, and the flags COPY does not accept removed. */
function toCopyEdits(model: DockerfileModel, add: Instruction): TextEdit[] {
  const written = add.keywordText;
  const copy = written === written.toLowerCase() ? 'copy' : written === 'Add' ? 'Copy' : 'COPY';
  const edits: TextEdit[] = [{ range: add.keywordRange, newText: copy }];
  const { source } = model;
  for (const flag of add.flags) {
    if (!DROPPED_FLAGS.has(flag.name.toLowerCase())) continue;
    let end = source.offsetAt(flag.range.end);
    while (end < source.text.length && (source.text[end] === ' ' || source.text[end] === '\t')) end++;
    edits.push({ range: { start: flag.range.start, end: source.positionAt(end) }, newText: '' });
  }
  return edits;
}
