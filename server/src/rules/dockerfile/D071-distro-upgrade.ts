// CG-D071: a whole-distribution upgrade inside the build (`apt-get upgrade`, `dnf upgrade`,
// `apk upgrade` …). Off by default: the anchors disagree on whether this is good or bad (CIS 4.4
// wants patched images; hadolint retired the check and Trivy deprecated it). The advice is to
// bump the base image instead, so the result is reproducible.
import type { DockerfileModel } from '../../engine/dockerfile/model';
import type { RuleFinding, Rule } from '../../engine/types';
import { packageCalls, type PackageCall } from './package-managers';

/** Whether a call upgrades every installed package (a verb that takes packages must have none). */
function upgradesEverything(call: PackageCall): boolean {
  const verb = call.verb.value;
  switch (call.tool) {
    case 'apt-get':
      return verb === 'upgrade' || verb === 'dist-upgrade';
    case 'yum':
    case 'dnf':
    case 'dnf5':
    case 'microdnf':
      return (verb === 'update' || verb === 'upgrade') && call.operands.length === 0;
    case 'apk':
      return verb === 'upgrade' && call.operands.length === 0;
    case 'zypper':
      return ((verb === 'update' || verb === 'up') && call.operands.length === 0) || verb === 'dist-upgrade' || verb === 'dup';
    default:
      return false;
  }
}

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D071',
    title: 'Distribution upgrade inside the build',
    description:
      'Upgrading every package in a RUN makes the image depend on the day of the build and hides which fixes it contains. Prefer a newer, patched base image tag.',
    kind: 'dockerfile',
    severity: 'off',
    equivalents: [
      'Trivy DS-0024',
      'hadolint DL3035',
      'Semgrep dockerfile.best-practice.avoid-apt-get-upgrade',
      'Semgrep dockerfile.best-practice.avoid-yum-update',
      'Semgrep dockerfile.best-practice.avoid-dnf-update',
      'Semgrep dockerfile.best-practice.avoid-apk-upgrade',
      'Semgrep dockerfile.best-practice.avoid-zypper-update',
      'Dockle DKL-DI-0003',
    ],
    fixable: false,
  },
  check(model) {
    const findings: RuleFinding[] = [];
    for (const call of packageCalls(model)) {
      if (!upgradesEverything(call)) continue;
      const written = `${call.word.value} ${call.verb.value}`;
      findings.push({
        message: `'${written}' upgrades every package during the build, so the image depends on the day it was built and its contents are not reviewable. Move to a newer, patched base image tag instead.`,
        range: model.source.rangeOf(call.word.start, call.verb.end),
        fixes: [],
      });
    }
    return findings;
  },
};
