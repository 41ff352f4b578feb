// CG-D006: ADD of an http(s) URL or a Git repository without `--checksum=`: the build takes
// whatever the server returns today, and nothing notices when it changes.
import type { Range } from 'vscode-languageserver-types';
import type { DockerfileModel, Instruction } from '../../engine/dockerfile/model';
import type { RuleFinding, Rule } from '../../engine/types';

const HTTP = /^https?:\/\//i;
const GIT = /(^git@)|(^git:\/\/)|(\.git(#.*)?$)|(\.git#)/i;
const DIGEST = /^(sha256:[0-9a-f]{64}|sha384:[0-9a-f]{96}|sha512:[0-9a-f]{128})$/;
const COMMIT = /^([0-9a-f]{40}|[0-9a-f]{64})$/;

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D006',
    title: 'ADD from a URL without --checksum',
    description:
      'ADD of an http(s) URL or a Git repository without `--checksum` accepts whatever the server returns at build time. Pin the content with `--checksum=sha256:<hex>` (a commit SHA for Git), or download and verify it in a RUN.',
    kind: 'dockerfile',
    severity: 'warning',
    equivalents: [
      'KICS 4b410d24-1cbe-4430-a632-62c9a931cf1c',
      'Semgrep dockerfile.best-practice.prefer-copy-over-add',
      'CKV_DOCKER_4',
      'CIS 4.9',
      'Dockle CIS-DI-0009',
    ],
    fixable: false,
  },
  check(model) {
    const findings: RuleFinding[] = [];
    for (const instruction of model.instructions) {
      const add = instruction.keyword === 'ONBUILD' ? instruction.trigger : instruction;
      if (!add || add.keyword !== 'ADD') continue;
      findings.push(...check(model, add));
    }
    return findings;
  },
};

function check(model: DockerfileModel, add: Instruction): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const flag = add.flags.find((f) => f.name.toLowerCase() === 'checksum');
  const checksum = flag?.value ?? null;
  for (const source of sourcesOf(add)) {
    const value = source.text.includes('$') ? model.expand(source.text, add).value : source.text;
    if (value === null) continue;
    const url = stripQuotes(value);
    const git = GIT.test(url);
    if (!git && !HTTP.test(url)) continue;
    if (git) {
      const fragment = url.includes('#') ? url.slice(url.indexOf('#') + 1).split(':')[0] : '';
      if (COMMIT.test(fragment)) continue; // the ref is a full commit SHA: content-addressed
      if (checksum !== null && COMMIT.test(checksum)) continue;
    } else if (checksum !== null && DIGEST.test(checksum)) continue;
    const expected = git ? 'the full commit SHA' : "'sha256:' and 64 lower-case hex digits";
    if (checksum !== null && flag) {
      findings.push({
        message: `The --checksum '${checksum}' is not valid for '${url}': it must be ${expected}, so the download is not verified as intended.`,
        range: flag.valueRange ?? flag.range,
        fixes: [],
      });
      continue;
    }
    findings.push({
      message: git
        ? `ADD clones '${url}' without a pinned commit: the build takes whatever the ref points to today. Add --checksum=<commit SHA> (or pin the ref to a full commit SHA).`
        : `ADD downloads '${url}' without --checksum: the build takes whatever the server returns, unverified. Add --checksum=sha256:<hex of the file>.`,
      range: source.range,
      fixes: [],
    });
  }
  return findings;
}

/** The sources of an ADD (every argument but the destination) with their ranges. */
function sourcesOf(add: Instruction): Array<{ text: string; range: Range }> {
  if (add.execForm) {
    if (add.execForm.length < 2 || !add.argsRange) return [];
    return add.execForm.slice(0, -1).map((text) => ({ text, range: add.argsRange! }));
  }
  let tokens = add.args;
  const heredocAt = tokens.findIndex((a) => a.value.startsWith('<<'));
  if (heredocAt >= 0) tokens = tokens.filter((a) => a.range.start.line <= add.args[heredocAt].range.start.line);
  if (tokens.length < 2) return [];
  return tokens.slice(0, -1).filter((t) => !t.value.startsWith('<<')).map((t) => ({ text: t.value, range: t.range }));
}

function stripQuotes(value: string): string {
  return /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
}
