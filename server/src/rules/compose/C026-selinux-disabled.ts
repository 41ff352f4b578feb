// CG-C026: `security_opt: [label:disable]` — SELinux separation is switched off.
import { securityOptRule } from './security-opt';

export const rule = securityOptRule({
  meta: {
    id: 'CG-C026',
    title: 'SELinux separation disabled',
    description:
      'A service sets `security_opt: [label:disable]`: the container runs without an SELinux label, so on SELinux hosts nothing separates it from host files and other containers.',
    kind: 'compose',
    severity: 'error',
    equivalents: ['Semgrep yaml.docker-compose.security.selinux-separation-disabled', 'CIS 5.3'],
    fixable: true,
  },
  option: 'label',
  value: 'disable',
  lost: 'SELinux label separation',
  risk: 'On SELinux hosts the container process is no longer confined to its own label and can reach host files and other containers that a mount or an escape exposes.',
  advice: 'Remove it; relabel bind mounts with :z / :Z, or give the container a specific type (label=type:<type>).',
});
