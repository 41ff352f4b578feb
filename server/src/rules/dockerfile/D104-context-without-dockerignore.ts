// CG-D104: `COPY . <dst>` / `ADD . <dst>` in the shipped chain copies the whole build context, and no
// ignore file keeps the usual secrets out of it: BuildKit's ignore file (`<Dockerfile>.dockerignore`
// beside the Dockerfile, else `.dockerignore` at the context root) is missing, or excludes none of
// `.git`, `.env*`, `*.pem`, `*.key`, `id_*`, `.aws/`, `.ssh/`. The rule reads the ignore file through
// `context.readFile`; without a file path (an untitled document) it says nothing. The build context is
// the Dockerfile's folder (a Compose `build.context` elsewhere is not known to the rule yet).
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import type { DockerfileModel, Instruction } from '../../engine/dockerfile/model';
import { dockerignoreFor, isExcluded, parseDockerignore, type IgnoreFile } from '../../engine/dockerignore';
import { appendLinesEdit } from '../../engine/file-edits';
import { kindFromFileName } from '../../engine/file-kind';
import type { Fix, RelatedInfo, Rule, RuleFinding } from '../../engine/types';
import { listItems, normalizePath } from './declarations';

/**
 * The credential patterns of the catalogue row, each with the files that stand for it at the context
 * root: the most common member (`.env`, `id_rsa`) for the name patterns, an arbitrary name for the
 * extension patterns (so excluding one specific `secret.pem` does not count as excluding `*.pem`).
 */
const CREDENTIAL_PATTERNS: { pattern: string; probes: string[] }[] = [
  { pattern: '.git', probes: ['.git/HEAD'] },
  { pattern: '.env*', probes: ['.env'] },
  { pattern: '*.pem', probes: ['container-guard-probe.pem'] },
  { pattern: '*.key', probes: ['container-guard-probe.key'] },
  { pattern: 'id_*', probes: ['id_rsa'] },
  { pattern: '.aws/', probes: ['.aws/credentials'] },
  { pattern: '.ssh/', probes: ['.ssh/id_rsa'] },
];

/**
 * What the fix appends. `**` reaches nested folders too; SSH keys are named one by one, because `id_*`
 * would also drop source files such as `id_generator.go`.
 */
const FIX_LINES = [
  '# Keep credentials out of the build context (Container Guard CG-D104)',
  '.git',
  '**/.env*',
  '**/*.pem',
  '**/*.key',
  '**/id_rsa*',
  '**/id_dsa*',
  '**/id_ecdsa*',
  '**/id_ed25519*',
  '**/.aws',
  '**/.ssh',
];

/**
 * Whether the folder can be judged as a build context: somewhere in it (a few levels deep) is a file
 * that is not a Dockerfile, a Compose file or an ignore file. A folder with only build files (a file
 * copied out of its project, a scratch folder) shows no context to protect, so the rule stays silent
 * rather than guess.
 */
function isVisibleContext(dir: string, listDir: ((dir: string) => string[] | undefined) | undefined): boolean {
  if (!listDir) return true;
  let budget = 500;
  const hasContent = (folder: string, depth: number): boolean => {
    const names = listDir(folder);
    if (!names) return false;
    for (const name of names) {
      if (--budget < 0) return true; // a large folder: certainly a real context
      if (kindFromFileName(name) !== undefined || name.endsWith('.dockerignore')) continue;
      const inner = listDir(path.join(folder, name));
      if (inner === undefined) return true; // a file that is not a build file
      if (depth < 3 && hasContent(path.join(folder, name), depth + 1)) return true;
    }
    return false;
  };
  return hasContent(dir, 0);
}

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D104',
    title: 'Whole build context copied without a protective .dockerignore',
    description:
      '`COPY . <dst>` copies everything beside the Dockerfile into the image, and no `.dockerignore` excludes `.git`, `.env` files, private keys or cloud and SSH credentials, so whatever of them is in the folder ends up in a layer.',
    kind: 'dockerfile',
    severity: 'warning',
    equivalents: ['Dockle CIS-DI-0010', 'Dockle DKL-LI-0003'],
    fixable: true,
  },
  check(model, context) {
    if (!context.filePath || !context.readFile) return [];
    const copies = wholeContextCopies(model, context.buildTarget);
    if (copies.length === 0) return [];
    const dockerfile = path.resolve(context.filePath);
    const contextDir = path.dirname(dockerfile);
    if (!isVisibleContext(contextDir, context.listDir)) return [];
    const ignoreFile = dockerignoreFor(dockerfile, contextDir, context.readFile);
    if (ignoreFile && protects(ignoreFile)) return [];
    const fix = ignoreFix(ignoreFile, contextDir);
    const related: RelatedInfo[] | undefined = ignoreFile
      ? [{ uri: URI.file(ignoreFile.path).toString(), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, message: `The ignore file this build uses (${path.basename(ignoreFile.path)}).` }]
      : undefined;
    return copies.map(({ instruction, source }) => ({
      message: ignoreFile
        ? `${instruction.keyword} ${source.value} copies the whole build context into the image, and ${path.basename(ignoreFile.path)} excludes none of ${CREDENTIAL_PATTERNS.map((p) => p.pattern).join(', ')}: whichever of them is in the folder ends up in a layer. Exclude them in ${path.basename(ignoreFile.path)}.`
        : `${instruction.keyword} ${source.value} copies the whole build context into the image, and there is no .dockerignore: .git, .env files, private keys and cloud or SSH credentials in the folder end up in a layer. Add a .dockerignore that excludes them.`,
      range: source.range,
      related,
      fixes: [fix],
    }));
  },
};

/** `COPY . <dst>` / `ADD . <dst>` (also `./`) of the build context in the shipped chain. */
function wholeContextCopies(model: DockerfileModel, buildTarget: string | undefined): { instruction: Instruction; source: { value: string; range: RuleFinding['range'] } }[] {
  const copies: { instruction: Instruction; source: { value: string; range: RuleFinding['range'] } }[] = [];
  for (const stage of model.shippedChain(buildTarget)) {
    for (const instruction of stage.instructions) {
      if (instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') continue;
      // `--from` copies from another stage or image, not from the build context.
      if (instruction.flags.some((flag) => flag.name.toLowerCase() === 'from')) continue;
      const items = listItems(model, instruction);
      if (items.length < 2 || items.some((item) => item.value.startsWith('<<'))) continue;
      const source = items.slice(0, -1).find((item) => {
        const value = item.value.includes('$') ? model.expand(item.value, instruction).value : item.value;
        return value !== null && (normalizePath(value) === '' || normalizePath(value) === '/');
      });
      if (source) copies.push({ instruction, source });
    }
  }
  return copies;
}

/** Whether the ignore file excludes at least one of the credential patterns (the row's reading). */
function protects(ignoreFile: IgnoreFile): boolean {
  const patterns = parseDockerignore(ignoreFile.text);
  return CREDENTIAL_PATTERNS.some(({ probes }) => probes.every((probe) => isExcluded(patterns, probe)));
}

/** Appends the credential patterns to the ignore file in use, or creates `.dockerignore` at the context root. */
function ignoreFix(ignoreFile: IgnoreFile | undefined, contextDir: string): Fix {
  const target = ignoreFile?.path ?? path.join(contextDir, '.dockerignore');
  return {
    title: ignoreFile ? `Exclude credentials in ${path.basename(target)}` : 'Create a .dockerignore that excludes credentials',
    edits: [],
    // It changes what the build sees (a build that reads .git or a .key file would break): reviewed, never in fix-all.
    isPreferred: false,
    otherFiles: [appendLinesEdit(target, ignoreFile?.text, FIX_LINES)],
  };
}
