// CG-C024: `security_opt: [seccomp:unconfined]` — the default seccomp profile is switched off.
import { securityOptRule } from './security-opt';

export const rule = securityOptRule({
  meta: {
    id: 'CG-C024',
    title: 'Seccomp disabled',
    description:
      "A service sets `security_opt: [seccomp:unconfined]`: Docker's default seccomp profile, which blocks dangerous system calls such as `mount`, `kexec_load` and `bpf`, no longer applies.",
    kind: 'compose',
    severity: 'error',
    equivalents: [
      'KICS 404fde2c-bc4b-4371-9747-7054132ac953',
      'Semgrep yaml.docker-compose.security.seccomp-confinement-disabled',
      'CIS 5.22',
    ],
    fixable: true,
  },
  option: 'seccomp',
  value: 'unconfined',
  lost: "Docker's default seccomp profile",
  risk: 'Every system call reaches the kernel, so a kernel bug or a granted capability is much easier to turn into a container escape.',
  advice: 'Remove it; if one system call is missing, use a custom profile (seccomp:<file.json>) that adds only that call.',
});
