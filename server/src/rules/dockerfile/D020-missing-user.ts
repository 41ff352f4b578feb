// CG-D020: the shipped stage (and the stages it builds on) never sets USER, so the container
// runs as the base image's user, which is root unless the image is known to set another.
// An image that starts as root to drop privileges at runtime (gosu, su-exec, s6-overlay, or a
// root-then-drop base image such as postgres) is reported at Info with no USER fix: a USER line
// would break its entrypoint (catalogue §6.3).
import type { DockerfileModel } from '../../engine/dockerfile/model';
import { privilegeDrop } from '../../engine/dockerfile/privilege-drop';
import type { Rule } from '../../engine/types';
import { createUserFix, stageLabel, typedShippedStage, userInsertionEdit } from './helpers';

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D020',
    title: 'Image runs as root: no USER',
    description:
      'The stage that ships (and the stages it builds on) never sets USER, so the container runs as root. Create an unprivileged user and switch to it.',
    kind: 'dockerfile',
    severity: 'warning',
    strictSeverity: 'error',
    equivalents: [
      'Trivy DS-0002',
      'CKV_DOCKER_3',
      'KICS fd54f200-402c-4333-a5a4-36ef6709af2f',
      'Semgrep dockerfile.security.missing-user',
      'Semgrep dockerfile.security.missing-user-entrypoint',
      'CIS 4.1',
      'Dockle CIS-DI-0001',
    ],
    fixable: true,
  },
  check(model, context) {
    if (!model.hasFrom) return []; // a fragment without FROM has no final image yet (catalogue §6.3)
    const stage = typedShippedStage(model, context);
    if (!stage) return [];
    // Any USER in the chain, or a base image known to run as a non-root user, satisfies this rule
    // (a root USER is CG-D021's business).
    if (model.effectiveUser(stage)) return [];
    const where = model.chainOf(stage).length > 1 ? `stage ${stageLabel(stage)} or the stages it builds on` : `stage ${stageLabel(stage)}`;
    const range = stage.image.range ?? stage.from.keywordRange;
    const drop = privilegeDrop(model, stage);
    if (drop) {
      return [
        {
          message: `No USER is set in ${where}, so the container starts as root, which looks intended: ${drop.reason}. Check that the service does end up running as an unprivileged user; a USER line here would break the start-up.`,
          range,
          severity: 'info',
          related: drop.range === range ? undefined : [{ range: drop.range, message: `Starting as root is intended here: ${drop.reason}.` }],
          fixes: [],
        },
      ];
    }
    const base = model.baseImage(stage);
    const fix = createUserFix(base);
    const what = base.family === 'scratch' ? 'FROM scratch has no users: it runs as uid 0' : 'the container runs as root';
    const edit = userInsertionEdit(model, stage, null, fix.lines);
    return [
      {
        message: `No USER is set in ${where}, so ${what}. Switch to an unprivileged user.`,
        range,
        fixes: edit ? [{ title: fix.title, edits: [edit], isPreferred: fix.isPreferred }] : [],
      },
    ];
  },
};
