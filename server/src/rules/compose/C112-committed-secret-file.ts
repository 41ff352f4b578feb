// CG-C112: the Compose file points at a secret file that git commits: an `env_file:` that holds
// secrets, a top-level `secrets: {x: {file: …}}`, or a bind-mounted credential file (D033's names:
// `id_rsa`, `*.key`, `.env` …), when git tracks the file or no `.gitignore` excludes it.
//
// The repository root is `context.git.root` when the caller supplies it (it also knows which files the
// index tracks), else the nearest folder above the Compose file that holds `.git`, found through
// `context.readFile`; outside a repository, or without a file path, the rule says nothing. An
// `env_file:` counts when it holds a secret-named variable with a literal value or a credential
// (C030's reading); one that cannot be read counts only when its name is a `.env` file. A secrets file
// always counts: Compose declares it a secret.
import * as path from 'node:path';
import { isMap } from 'yaml';
import type { ComposeModel } from '../../engine/compose/model';
import { UNKNOWN } from '../../engine/compose/interpolate';
import { bindSource, serviceVolumes } from '../../engine/compose/service-volumes';
import { groupByWritten, receiversInfo, type Hit } from '../../engine/compose/written';
import type { Node } from '../../engine/compose/yaml-ast';
import { isCredentialFile, pathBaseName } from '../../engine/credential-files';
import { appendLinesEdit } from '../../engine/file-edits';
import { findRepositoryRoot, gitignoreLineFor, isGitIgnored } from '../../engine/gitignore';
import { findCredentials, isLiteralSecretValue, isSecretName } from '../../engine/secrets';
import type { Fix, RuleContext, RuleFinding, Rule } from '../../engine/types';

type Kind = 'env_file' | 'secret' | 'mount';

interface Data {
  kind: Kind;
  /** The path as written (after interpolation). */
  written: string;
  /** Absolute path. */
  file: string;
}

/** Example and template files that are meant to be committed. */
const TEMPLATE = /\.(example|sample|template|tmpl|dist|defaults?)$/i;

export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C112',
    title: 'Secret file that git would commit',
    description:
      'An `env_file:` with secrets, a Compose secrets file or a bind-mounted key file is tracked by git or not excluded by `.gitignore`, so it is (or with `git add .` will be) committed with the repository.',
    kind: 'compose',
    severity: 'warning',
    equivalents: [],
    fixable: true,
  },
  check(model, context) {
    const { filePath, readFile } = context;
    if (!filePath || !readFile) return [];
    const composeDir = path.dirname(path.resolve(filePath));
    const root = context.git?.root ?? findRepositoryRoot(composeDir, readFile);
    if (!root) return [];
    const findings: RuleFinding[] = [];
    for (const group of groupByWritten(candidates(model, composeDir))) {
      const { kind, written, file } = group.data;
      if (!insideRepository(root, file) || TEMPLATE.test(file)) continue;
      if (kind === 'env_file' && !holdsSecrets(file, readFile)) continue;
      const tracked = context.git?.isTracked(file) === true;
      if (!tracked && isGitIgnored(root, file, readFile)) continue;
      const what =
        kind === 'env_file' ? `env_file "${written}" holds secrets` : kind === 'secret' ? `The secrets file "${written}" holds a Compose secret` : `"${written}" is a credential file mounted into the container`;
      findings.push({
        message: tracked
          ? `${what}, and git tracks it: it is committed with the repository (a .gitignore entry does not untrack it). Remove it from the index (git rm --cached ${relative(root, file)}), ignore it and rotate what it held.`
          : `${what}, and no .gitignore excludes it: "git add ." would commit it with the repository. Add it to .gitignore.`,
        range: model.rangeOf(group.node),
        related: receiversInfo(group),
        fixes: tracked ? [] : [ignoreFix(root, file, context)],
      });
    }
    return findings;
  },
};

/** The files the Compose file points at that may hold secrets, where each is written. */
function candidates(model: ComposeModel, composeDir: string): Hit<Data>[] {
  const hits: Hit<Data>[] = [];
  const resolve = (node: Node | null | undefined): { written: string; file: string } | undefined => {
    const scalar = model.scalar(node);
    if (!scalar || scalar.isNull || !scalar.interpolated.known) return undefined;
    const written = scalar.interpolated.value!.trim();
    if (written === '' || written.includes(UNKNOWN) || written.startsWith('~')) return undefined;
    return { written, file: path.resolve(composeDir, written) };
  };
  for (const service of model.services) {
    const entry = service.view?.get('env_file');
    if (!entry?.value) continue;
    const single = model.scalar(entry.value) ? [{ node: entry.value, via: entry.via }] : model.entryItems(entry);
    for (const item of single) {
      // The long form: `- path: ./x.env` (with `required:`).
      const node = isMap(item.node) ? model.viewOf(item.node, item.via)?.get('path')?.value : item.node;
      const at = resolve(node);
      if (at && node) hits.push({ node, service, via: item.via, data: { kind: 'env_file', ...at } });
    }
  }
  for (const { service, item, node } of serviceVolumes(model)) {
    const bind = bindSource(model, node);
    // A relative host path is inside the project; `~` and absolute paths are the machine's.
    if (!bind || !/^\.\.?[/\\]/.test(bind.path) || bind.path.includes(UNKNOWN) || !isCredentialFile(bind.path)) continue;
    hits.push({ node: bind.at, service, via: item.via, data: { kind: 'mount', written: bind.path, file: path.resolve(composeDir, bind.path) } });
  }
  const firstService = model.services[0];
  if (firstService) {
    for (const secret of model.topLevel('secrets')) {
      const fileEntry = secret.view?.get('file');
      const at = resolve(fileEntry?.value);
      // A top-level value belongs to no service; the first one stands in for `Hit`'s bookkeeping.
      if (at && fileEntry?.value) hits.push({ node: fileEntry.value, service: firstService, via: [], data: { kind: 'secret', ...at } });
    }
  }
  return hits;
}

function insideRepository(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

function relative(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

/**
 * Whether an env file holds a secret: a secret-named variable with a literal value, or a credential
 * in any value. A file that cannot be read counts when it is named like a `.env` file.
 */
function holdsSecrets(file: string, readFile: (file: string) => string | undefined): boolean {
  const text = readFile(file);
  if (text === undefined) return isCredentialFile(pathBaseName(file));
  for (const line of text.split(/\r\n|\n|\r/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    const value = unquote(m[2]);
    if ((isSecretName(m[1]) && isLiteralSecretValue(value, { compose: true })) || findCredentials(value, { compose: true }).length > 0) return true;
  }
  return false;
}

/** An env-file value without its quotes or trailing ` # comment`. */
function unquote(raw: string): string {
  const value = raw.trim();
  const quoted = /^(["'])(.*)\1$/.exec(value);
  if (quoted) return quoted[2];
  return value.replace(/\s+#.*$/, '');
}

/** Appends the file to the nearest `.gitignore` at or above its folder (inside the repository), or creates the root's. */
function ignoreFix(root: string, file: string, context: RuleContext): Fix {
  let target = path.join(root, '.gitignore');
  let text = context.readFile!(target);
  for (let dir = path.dirname(file); insideRepository(root, dir); dir = path.dirname(dir)) {
    const candidate = path.join(dir, '.gitignore');
    const found = context.readFile!(candidate);
    if (found !== undefined) {
      target = candidate;
      text = found;
      break;
    }
  }
  const line = gitignoreLineFor(target, file);
  return {
    title: `Add ${line} to ${relative(root, target)}`,
    edits: [],
    // Another file of the project changes; a person decides (never in fix-all).
    isPreferred: false,
    otherFiles: [appendLinesEdit(target, text, [line])],
  };
}
