// CG-C025: `security_opt: [apparmor:unconfined]` — the AppArmor profile is switched off.
import { securityOptRule } from './security-opt';

export const rule = securityOptRule({
  meta: {
    id: 'CG-C025',
    title: 'AppArmor disabled',
    description:
      'A service sets `security_opt: [apparmor:unconfined]`: the `docker-default` AppArmor profile, which denies writes to `/proc` and `/sys` and mounts, no longer applies.',
    kind: 'compose',
    severity: 'error',
    equivalents: ['CIS 5.2'],
    fixable: true,
  },
  option: 'apparmor',
  value: 'unconfined',
  lost: 'the AppArmor profile',
  risk: 'On AppArmor hosts the container can then write to sensitive /proc and /sys files and mount file systems when it holds the capabilities.',
  advice: 'Remove it; if the default profile blocks something needed, load a custom AppArmor profile and name it (apparmor:<profile>).',
});
