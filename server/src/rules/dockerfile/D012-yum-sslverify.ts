// CG-D012: yum/dnf told not to verify the repository's TLS certificate:
// `--setopt=[<repo>.]sslverify=0|false|no`, through config-manager (persisted for every later
// install) or on a single yum/dnf/microdnf/tdnf command.
import type { DockerfileModel } from '../../engine/dockerfile/model';
import type { RuleFinding, Fix, Rule } from '../../engine/types';
import { deleteCommandEdit, deleteWordsEdit, isConfigManager, isFalseValue, RPM_MANAGERS, setOptNames, setOpts, toolCalls } from './commands';

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D012',
    title: 'yum/dnf repository TLS verification disabled',
    description:
      '`--setopt=sslverify=0` makes yum/dnf accept any certificate from the repository, so a network attacker can serve the metadata and packages the build installs.',
    kind: 'dockerfile',
    severity: 'error',
    equivalents: ['CKV2_DOCKER_15'],
    fixable: true,
  },
  check(model) {
    const findings: RuleFinding[] = [];
    for (const call of toolCalls(model, RPM_MANAGERS)) {
      const configManager = isConfigManager(call);
      for (const option of setOpts(call.args)) {
        if (!setOptNames(option, 'sslverify') || !isFalseValue(option.value)) continue;
        const written = option.first === option.last ? option.first.value : `${option.first.value} ${option.last.value}`;
        let fix: Fix | undefined;
        if (configManager) {
          const edit = deleteCommandEdit(model, call.command);
          if (edit) fix = { title: `Remove the ${call.tool === 'yum-config-manager' ? 'yum-config-manager' : `${call.tool} config-manager`} command`, edits: [edit], isPreferred: false };
        } else {
          fix = { title: `Remove '${written}'`, edits: [deleteWordsEdit(model, call.command, option.first, option.last)], isPreferred: false };
        }
        findings.push({
          message: configManager
            ? `'${written}' saves a repository configuration that skips TLS certificate checks, so every later install accepts metadata and packages from anyone who can intercept the connection. Remove it and trust the repository's CA instead.`
            : `'${written}' makes ${call.tool} skip TLS certificate checks for the repository, so anyone who can intercept the connection can serve the packages. Remove it and trust the repository's CA instead.`,
          range: model.source.rangeOf(option.first.start, option.last.end),
          fixes: fix ? [fix] : [],
        });
      }
    }
    return findings;
  },
};
