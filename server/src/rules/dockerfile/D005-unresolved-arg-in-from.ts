// CG-D005: a FROM whose image comes from an ARG that gives no usable reference: the ARG has no
// default (the build depends on `--build-arg`, Info), or its default expands to nothing or to an
// invalid reference (Warning). A default that is untagged or floating is reported by CG-D001 /
// CG-D002 on the same token, with related information on the ARG.
import type { Range } from 'vscode-languageserver-types';
import type { DockerfileModel, Stage, VarDecl } from '../../engine/dockerfile/model';
import { PLATFORM_ARGS } from '../../engine/dockerfile/args';
import { isValidReference } from '../../engine/dockerfile/image-ref';
import type { RuleFinding, RelatedInfo, Rule } from '../../engine/types';

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D005',
    title: 'Base image from an ARG without a usable default',
    description:
      'A FROM image built from an ARG that has no default, or whose default is empty or not a valid reference, depends on what each build passes: the image is not reviewable and may not build at all. Give the ARG a pinned default.',
    kind: 'dockerfile',
    severity: 'warning',
    equivalents: [
      'Trivy DS-0001',
      'KICS 9efb0b2d-89c9-41a3-91ca-dcc0aec911fd',
      'BuildKit UndefinedArgInFrom',
      'BuildKit InvalidDefaultArgInFrom',
    ],
    fixable: false,
  },
  check(model) {
    const findings: RuleFinding[] = [];
    for (const stage of model.stages) {
      const image = stage.image;
      if (!image.range || image.text === null || !image.hasVariables) continue;
      if (image.resolved === null && image.unresolved.length > 0) {
        // Platform ARGs always have a value at build time.
        const missing = image.unresolved.filter((name) => !PLATFORM_ARGS.includes(name));
        if (missing.length === 0) continue;
        findings.push(unresolvedFinding(model, stage, image.range, missing));
        continue;
      }
      if (image.resolved === null) {
        if (model.expand(image.text, stage.from).value !== '') continue;
        findings.push({
          message: `Base image '${image.text}' expands to an empty string with the ARG defaults, so the build fails unless every build passes a value. Give the ARG a pinned default such as 'node:22.12.0-bookworm-slim'.`,
          range: image.range,
          related: relatedArgs(image.usedArgs, (d) => `ARG ${d.name} has an empty default.`),
          fixes: [],
        });
        continue;
      }
      if (image.stageRef || image.isScratch || image.resolved.includes('$')) continue;
      if (!isValidReference(image.resolved)) {
        findings.push({
          message: `Base image '${image.text}' expands to '${image.resolved}' with the ARG defaults, which is not a valid image reference, so the build fails unless every build passes a value. Fix the ARG default.`,
          range: image.range,
          related: relatedArgs(image.usedArgs, (d) => `The default of ARG ${d.name} gives the invalid reference '${image.resolved}'.`),
          fixes: [],
        });
      }
    }
    return findings;
  },
};

function unresolvedFinding(model: DockerfileModel, stage: Stage, range: Range, missing: string[]): RuleFinding {
  const related: RelatedInfo[] = [];
  const undeclared: string[] = [];
  for (const name of missing) {
    const decl = model.globalArgs.find((d) => d.name === name);
    if (decl?.nameRange) related.push({ range: decl.nameRange, message: `ARG ${name} is declared without a default.` });
    else undeclared.push(name);
  }
  const names = missing.map((n) => `'${n}'`).join(', ');
  const why = undeclared.length === missing.length
    ? `${missing.length === 1 ? 'is' : 'are'} not declared as a global ARG (before the first FROM)`
    : `${missing.length === 1 ? 'has' : 'have'} no default`;
  return {
    message: `Base image '${stage.image.text}' depends on ${names}, which ${why}: which image is built depends on --build-arg and cannot be reviewed. Declare the ARG with a pinned default.`,
    range,
    severity: 'info',
    related: related.length > 0 ? related : undefined,
    fixes: [],
  };
}

function relatedArgs(decls: VarDecl[], message: (d: VarDecl) => string): RelatedInfo[] | undefined {
  const related: RelatedInfo[] = [];
  for (const decl of decls) {
    const range = decl.valueRange ?? decl.nameRange;
    if (range) related.push({ range, message: message(decl) });
  }
  return related.length > 0 ? related : undefined;
}
