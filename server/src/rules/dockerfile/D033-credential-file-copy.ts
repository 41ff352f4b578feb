// CG-D033: COPY/ADD of a credential file — SSH private keys, `*.pem`/`*.key`/`*.p12`/`*.pfx`,
// `.env*`, `.npmrc`, `.pypirc`, `.netrc`, `.git-credentials`, `credentials(.json)`, `kubeconfig`,
// `.docker/config.json`, `*.ovpn` — or of the file named by GOOGLE_APPLICATION_CREDENTIALS,
// AWS_CONFIG_FILE or HF_TOKEN_PATH; and (Trivy's form) an ARG/ENV pointing one of those variables
// at a path a COPY/ADD of the same stage fills. A copied file stays in its layer even when a later
// RUN deletes it.
import type { TextEdit } from 'vscode-languageserver-types';
import type { DockerfileModel, Instruction, Stage } from '../../engine/dockerfile/model';
import { isCredentialFile } from '../../engine/credential-files';
import type { RuleFinding, Fix, RelatedInfo, Rule } from '../../engine/types';
import { declaredProperties, deleteInstructionEdit, listItems, normalizePath, type ListItem } from './declarations';
import { syntaxDirectiveEdit } from './secret-mount';

export const CREDENTIAL_VARIABLES = ['GOOGLE_APPLICATION_CREDENTIALS', 'AWS_CONFIG_FILE', 'HF_TOKEN_PATH'];

// The credential-file patterns live in an engine module: D103, D104 and C112 follow the same files.
export { isCredentialFile };

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D033',
    title: 'Credential file copied into the image',
    description:
      'COPY/ADD brings a private key, .env, .npmrc, kubeconfig or cloud credential file into a layer, where it stays even if a later RUN deletes it. Mount it as a build secret instead.',
    kind: 'dockerfile',
    severity: 'error',
    equivalents: ['Trivy DS-0031', 'Dockle CIS-DI-0010'],
    fixable: true,
  },
  check(model) {
    const findings: RuleFinding[] = [];
    for (const stage of model.stages) {
      for (const instruction of stage.instructions) {
        if (instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') continue;
        const items = listItems(model, instruction);
        if (items.length < 2 || items.some((i) => i.value.startsWith('<<'))) continue;
        const sources = items.slice(0, -1);
        for (const source of sources) {
          const why = credentialReason(model, instruction, source);
          if (!why) continue;
          const fix = sources.length === 1 ? secretMountFix(model, stage, instruction, source, items[items.length - 1]) : null;
          findings.push({
            message: `${instruction.keyword} ${source.value} copies ${why} into a layer, where it stays even if a later RUN deletes it. Mount it as a build secret (RUN --mount=type=secret) instead.`,
            range: source.range,
            fixes: fix ? [fix] : [],
          });
        }
      }
      findings.push(...variablePointsIntoCopy(model, stage));
    }
    return findings;
  },
};

function credentialReason(model: DockerfileModel, instruction: Instruction, source: ListItem): string | null {
  const written = source.value;
  const variable = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(written)?.[1];
  if (variable && CREDENTIAL_VARIABLES.includes(variable)) return `the file named by ${variable}`;
  const resolved = written.includes('$') ? model.expand(written, instruction).value : written;
  if (resolved === null) return null;
  if (isCredentialFile(resolved)) return 'a credential file';
  const scope = model.scopeAt(instruction);
  for (const name of CREDENTIAL_VARIABLES) {
    const value = scope.get(name)?.value;
    if (value && normalizePath(value) === normalizePath(resolved)) return `the file named by ${name}`;
  }
  return null;
}

/**
 * `COPY <f> <dst>` → delete it and mount `<f>` as a secret at `<dst>` on every later RUN of the
 * stage that mentions the destination or the file name. Null when no RUN uses it, or the
 * destination is not an absolute path.
 */
function secretMountFix(model: DockerfileModel, stage: Stage, copy: Instruction, source: ListItem, destination: ListItem): Fix | null {
  if (copy.flags.some((f) => f.name.toLowerCase() === 'from') || source.value.includes('$') || /[*?[]/.test(source.value)) return null;
  const base = source.value.replace(/\/+$/, '').slice(source.value.replace(/\/+$/, '').lastIndexOf('/') + 1);
  let dst = destination.value;
  if (!dst.startsWith('/') || dst.includes('$')) return null;
  if (dst.endsWith('/')) dst += base;
  const target = normalizePath(dst);
  const index = stage.instructions.indexOf(copy);
  const runs = stage.instructions.slice(index + 1).filter((i) => i.keyword === 'RUN' && (i.rawArgs.includes(target) || i.rawArgs.includes(base)));
  if (runs.length === 0) return null;
  const id = base.replace(/^\.+/, '').replace(/[^A-Za-z0-9_.-]/g, '_') || 'credentials';
  const mount = `--mount=type=secret,id=${id},target=${target}`;
  const edits: TextEdit[] = [deleteInstructionEdit(model, copy)];
  for (const run of runs) edits.push({ range: { start: run.keywordRange.end, end: run.keywordRange.end }, newText: ` ${mount}` });
  const syntax = syntaxDirectiveEdit(model);
  if (syntax) edits.push(syntax);
  return { title: `Mount ${base} as a build secret instead (build with --secret id=${id},src=${source.value})`, edits, isPreferred: false };
}

/** Trivy's form: `ENV GOOGLE_APPLICATION_CREDENTIALS=/app/key.json` with `COPY … /app/` in the same stage. */
function variablePointsIntoCopy(model: DockerfileModel, stage: Stage): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const copies = stage.instructions.filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD');
  if (copies.length === 0) return findings;
  for (const instruction of stage.instructions) {
    if (instruction.keyword !== 'ARG' && instruction.keyword !== 'ENV') continue;
    for (const property of declaredProperties(instruction)) {
      if (!CREDENTIAL_VARIABLES.includes(property.name) || !property.value || property.value.includes('$')) continue;
      const path = normalizePath(property.value);
      if (!path.startsWith('/')) continue;
      // The most specific destination that contains the path.
      let copy: Instruction | undefined;
      let best = -1;
      for (const c of copies) {
        const items = listItems(model, c);
        const dst = items[items.length - 1];
        if (!dst || items.length < 2 || !dst.value.startsWith('/')) continue;
        const d = normalizePath(dst.value);
        if ((path === d || path.startsWith(d === '/' ? '/' : d + '/')) && d.length > best) {
          copy = c;
          best = d.length;
        }
      }
      if (!copy) continue;
      const related: RelatedInfo[] = [{ range: copy.keywordRange, message: `${copy.keyword} puts files at this path into the image.` }];
      findings.push({
        message: `${property.name} points at ${path}, which a ${copy.keyword} of this stage fills: the credential file is baked into a layer. Mount it as a build secret, or provide it at runtime.`,
        range: property.nameRange,
        related,
        fixes: [],
      });
    }
  }
  return findings;
}
