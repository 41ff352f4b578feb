// CG-D021: the user the shipped image runs as, set by the last USER of the shipped chain,
// is root (`root`, `0`, `root:*`, `0:*`, after ARG/ENV resolution). An image that starts as root to
// drop privileges at runtime (gosu, su-exec, s6-overlay, or a root-then-drop base image) is
// reported at Info with no USER fix: a USER line would break its entrypoint (catalogue §6.3).
import type { DockerfileModel, EffectiveUser, Stage } from '../../engine/dockerfile/model';
import { privilegeDrop } from '../../engine/dockerfile/privilege-drop';
import type { RuleFinding, RelatedInfo, Rule } from '../../engine/types';
import { isRootUser } from '../../engine/users';
import { createUserFix, relatedToDeclarations, stageLabel, typedShippedStage, userInsertionEdit, type UserFix } from './helpers';

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D021',
    title: 'Image runs as root: last USER is root',
    description:
      'The last USER of the stage that ships (own or inherited from a parent stage) is root, so the container runs with full privileges. Switch back to an unprivileged user after the steps that need root.',
    kind: 'dockerfile',
    severity: 'error',
    equivalents: [
      'hadolint DL3002',
      'Trivy DS-0002',
      'CKV_DOCKER_8',
      'KICS 67fd0c4a-68cf-46d7-8c41-bc9fba7e40ae',
      'Semgrep dockerfile.security.last-user-is-root',
      'CIS 4.1',
      'Dockle CIS-DI-0001',
    ],
    fixable: true,
  },
  check(model, context) {
    if (!model.hasFrom) return []; // a fragment without FROM has no final image yet (catalogue §6.3)
    const stage = typedShippedStage(model, context);
    if (!stage) return [];
    const user = model.effectiveUser(stage);
    if (!user || user.fromBaseImage || !user.instruction || !user.range || user.user === null) return [];
    if (!isRootUser(user.user)) return [];

    const related: RelatedInfo[] = [];
    if (user.inherited) {
      related.push({ range: user.range, message: `USER ${user.text} is set here, in stage ${stageLabel(user.stage)}, and inherited by stage ${stageLabel(stage)}.` });
    }
    related.push(
      ...relatedToDeclarations(user.usedVars, (d) => `'${user.resolved}' comes from ${d.kind === 'ENV' ? 'ENV' : 'ARG'} ${d.name}.`),
    );
    const shown = user.text === user.resolved ? user.text : `${user.text} (= ${user.resolved})`;
    const range = user.inherited ? stage.image.range ?? stage.from.keywordRange : user.range;
    const drop = privilegeDrop(model, stage);
    if (drop) {
      const what = user.inherited ? `Stage ${stageLabel(stage)} inherits USER ${user.text} from stage ${stageLabel(user.stage)}` : `The last USER of the image is ${shown}`;
      related.push({ range: drop.range, message: `Starting as root is intended here: ${drop.reason}.` });
      return [
        {
          message: `${what}, so the container starts as root, which looks intended: ${drop.reason}. Check that the service does end up running as an unprivileged user; a USER line here would break the start-up.`,
          range,
          severity: 'info',
          related,
          fixes: [],
        },
      ];
    }
    const fix = switchBackFix(model, stage, user);
    const edit = userInsertionEdit(model, stage, user.inherited ? null : user.instruction, fix.lines);
    const finding: RuleFinding = {
      message: user.inherited
        ? `Stage ${stageLabel(stage)} inherits USER ${user.text} from stage ${stageLabel(user.stage)}, so the container runs as root. Switch to an unprivileged user.`
        : `The last USER of the image is ${shown}, so the container runs as root. Switch back to an unprivileged user after the steps that need root.`,
      range,
      related: related.length ? related : undefined,
      fixes: edit ? [{ title: fix.title, edits: [edit], isPreferred: fix.isPreferred }] : [],
    };
    return [finding];
  },
};

/** USER <the previous non-root user of the chain>, else the base image's user, else create one. */
function switchBackFix(model: DockerfileModel, stage: Stage, rootUser: EffectiveUser): UserFix {
  let previous: string | null = null;
  outer: for (const current of model.chainOf(stage)) {
    for (const instruction of current.instructions) {
      if (instruction === rootUser.instruction) break outer;
      if (instruction.keyword !== 'USER' || instruction.argsText.trim() === '') continue;
      const text = instruction.argsText.trim();
      const expansion = model.expand(text, instruction);
      if (expansion.value === null) continue;
      const name = expansion.value.split(':')[0];
      if (name === '' || isRootUser(name)) continue;
      previous = expansion.hasVariables ? expansion.value : text;
    }
  }
  if (previous !== null && !/\s/.test(previous)) {
    return { lines: [`USER ${previous}`], title: `Switch back to USER ${previous}`, isPreferred: false };
  }
  const base = model.baseImage(stage);
  if (base.defaultUser && !base.shippedUser) {
    return { lines: [`USER ${base.defaultUser}`], title: `Switch back to the image's user ${base.defaultUser}`, isPreferred: false };
  }
  return createUserFix(base);
}
