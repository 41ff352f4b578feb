// CG-C113: a service built from a local Dockerfile (`build:`) sets no `user:`, and the image runs as root:
// the last USER of the shipped chain (the `build.target` stage, else the last one) is root or 0, or the
// chain sets no USER and its base image is not known to run as another user (as CG-D020 reads it).
// Any `user:` takes the Dockerfile out of the picture (`user: root` is CG-C010's finding). An image that
// starts as root to drop privileges at runtime (gosu, su-exec, s6-overlay, a root-then-drop base image
// such as postgres) is reported at Info with that explanation and no fix (catalogue §6.3).
import type { ComposeModel } from '../../engine/compose/model';
import { insertIntoService } from '../../engine/compose/absence';
import { builtImage, type BuiltImage } from '../../engine/compose/built-image';
import { privilegeDrop } from '../../engine/dockerfile/privilege-drop';
import type { RelatedInfo, Rule, RuleFinding } from '../../engine/types';
import { isRootUser } from '../../engine/users';

const NON_ROOT = '10001:10001';

export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C113',
    title: 'Built image runs as root',
    description:
      'A service built from a local Dockerfile sets no `user:`, and the image that Dockerfile ships runs as root (its last USER is root, or it sets none on a base image that runs as root). Set a non-root `user:` or a USER in the Dockerfile.',
    kind: 'compose',
    severity: 'warning',
    equivalents: [],
    fixable: true,
  },
  check(model, context) {
    const findings: RuleFinding[] = [];
    for (const service of model.services) {
      const view = service.view;
      if (!view || !view.has('build') || view.has('user')) continue;
      const image = builtImage(model, service, context);
      if (!image) continue;
      const root = runsAsRoot(image);
      if (!root) continue;
      const related: RelatedInfo[] = [{ uri: image.uri, range: root.range, message: root.where }];
      const drop = privilegeDrop(image.dockerfile, image.stage);
      if (drop) {
        related.push({ uri: image.uri, range: drop.range, message: `Starting as root is intended here: ${drop.reason}.` });
        findings.push({
          message: `Service "${service.name}" is built from ${image.label}, whose image starts as root (${root.why}), which looks intended: ${drop.reason}. Check that the service does end up running as an unprivileged user; a "user:" here would break the start-up.`,
          range: service.keyRange,
          severity: 'info',
          related: inThisFile(related),
          fixes: [],
        });
        continue;
      }
      const edit = insertIntoService(model, service, 'user', { scalar: `"${NON_ROOT}"` });
      findings.push({
        message: `Service "${service.name}" is built from ${image.label}, whose image runs as root (${root.why}), and sets no "user:". Set a non-root "user:" here or a USER in the Dockerfile.`,
        range: service.keyRange,
        related: inThisFile(related),
        // Who the process runs as changes (file ownership, low ports): never applied unattended.
        fixes: edit ? [{ title: `Run as "${NON_ROOT}"`, edits: [edit], isPreferred: false }] : [],
      });
    }
    return findings;
  },
};

/** Why the image runs as root, and where the Dockerfile says so; undefined when it does not (or that is not known). */
function runsAsRoot(image: BuiltImage): { why: string; where: string; range: RelatedInfo['range'] } | undefined {
  const { dockerfile, stage } = image;
  // A FROM without an image is a file being typed. An unresolved `FROM ${BASE}` is not known to run as
  // another user: root, as CG-D020 reads it.
  if (dockerfile.chainOf(stage)[0]?.image.text === null) return undefined;
  const user = dockerfile.effectiveUser(stage);
  const fromRange = stage.image.range ?? stage.from.keywordRange;
  if (!user) {
    return { why: 'no USER in the stage that ships', where: 'No USER is set in the stage that ships: the image runs as its base image\'s user, root.', range: fromRange };
  }
  if (user.user === null || !isRootUser(user.user)) return undefined;
  if (user.fromBaseImage || !user.range) return { why: `its base image runs as ${user.text}`, where: `The base image runs as ${user.text}.`, range: fromRange };
  return { why: `its last USER is ${user.text}`, where: `The last USER of the image is ${user.text}.`, range: user.range };
}

/** A Dockerfile given inline has no URI: its related information would point into this file at the wrong place, so it is left out. */
function inThisFile(related: RelatedInfo[]): RelatedInfo[] | undefined {
  const kept = related.filter((info) => info.uri !== undefined);
  return kept.length > 0 ? kept : undefined;
}
