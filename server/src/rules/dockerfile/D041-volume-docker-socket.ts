// CG-D041: `VOLUME /var/run/docker.sock` (or `/run/docker.sock`) in the shipped image. It tells
// whoever runs the image to hand it the Docker daemon's socket, which is root on the host.
import type { DockerfileModel } from '../../engine/dockerfile/model';
import type { RuleFinding, Rule } from '../../engine/types';
import { deleteListItemEdit, listItems, normalizePath } from './declarations';

const SOCKETS = new Set(['/var/run/docker.sock', '/run/docker.sock']);

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D041',
    title: 'Docker socket declared as a VOLUME',
    description:
      'VOLUME lists the Docker daemon socket. Whoever can talk to that socket controls the daemon and is root on the host; the image should not ask for it.',
    kind: 'dockerfile',
    severity: 'error',
    equivalents: ['Semgrep dockerfile.security.dockerd-socket-mount.dockerfile-dockerd-socket-mount'],
    fixable: true,
  },
  check(model, context) {
    const findings: RuleFinding[] = [];
    for (const stage of model.shippedChain(context.buildTarget)) {
      for (const instruction of stage.instructions) {
        if (instruction.keyword !== 'VOLUME') continue;
        const items = listItems(model, instruction);
        items.forEach((item, index) => {
          const value = item.value.includes('$') ? model.expand(item.value, instruction).value : item.value;
          if (value === null || !SOCKETS.has(normalizePath(value))) return;
          findings.push({
            message: `VOLUME ${value} asks for the Docker daemon socket: a container that can reach it controls the daemon and is root on the host.`,
            range: item.range,
            fixes: [
              {
                title: items.length > 1 ? `Remove ${value} from VOLUME` : `Delete VOLUME ${value}`,
                edits: [deleteListItemEdit(model, instruction, items, index)],
                isPreferred: true,
              },
            ],
          });
        });
      }
    }
    return findings;
  },
};
