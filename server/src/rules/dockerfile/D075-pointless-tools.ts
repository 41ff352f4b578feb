// CG-D075: a RUN calls a tool that makes no sense, or is risky, in an image build: remote shells
// and servers (`ssh`, `sshd`), editors (`vim`, `nano`), system control (`shutdown`, `service`,
// `mount`, `kill`) and process/network inspection (`ps`, `free`, `top`, `ifconfig`). Installing
// them (`apt-get install vim`) is not a call.
import type { DockerfileModel } from '../../engine/dockerfile/model';
import { commandsOf, programOf } from '../../engine/dockerfile/shell';
import type { RuleFinding, Rule } from '../../engine/types';
import { effectiveInstructions } from './declarations';

const WHY: Record<string, string> = {
  ssh: 'an SSH client in a build step reaches out with keys that end up in the image or the cache',
  sshd: 'an SSH server in a container is a second way in that bypasses docker exec',
  vim: 'an interactive editor cannot run in a build step',
  nano: 'an interactive editor cannot run in a build step',
  shutdown: 'there is no system to shut down in a build step',
  service: 'services started in a build step do not survive into the running container',
  ps: 'processes of a build step tell nothing about the running container',
  free: 'memory of the build host tells nothing about the running container',
  top: 'an interactive monitor cannot run in a build step',
  kill: 'processes of a build step end with the step anyway',
  mount: 'mounting needs privileges a build step should not have; use RUN --mount',
  ifconfig: 'the build network tells nothing about the running container',
};

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D075',
    title: 'Pointless or risky tool in RUN',
    description:
      'A RUN calls ssh, sshd, vim, nano, shutdown, service, ps, free, top, kill, mount or ifconfig. These do nothing useful in an image build, and some leave a way in or need privileges.',
    kind: 'dockerfile',
    severity: 'info',
    equivalents: ['hadolint DL3001', 'KICS 9b6b0f38-92a2-41f9-b881-3a1083d99f1b', 'Semgrep dockerfile.best-practice.nonsensical-command'],
    fixable: false,
  },
  check(model) {
    const findings: RuleFinding[] = [];
    for (const run of effectiveInstructions(model)) {
      if (run.keyword !== 'RUN') continue;
      for (const command of commandsOf(model, run)) {
        const program = programOf(command);
        if (!program || !Object.prototype.hasOwnProperty.call(WHY, program.name)) continue;
        findings.push({
          message: `RUN calls ${program.name}: ${WHY[program.name]}.`,
          range: command.argv[program.index].range,
          fixes: [],
        });
      }
    }
    return findings;
  },
};
