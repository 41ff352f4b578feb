// CG-D040: the shipped image EXPOSEs port 22 (`22`, `22/tcp`, `22/udp`, after ARG/ENV
// resolution). An SSH server in a container is a second way in that bypasses `docker exec`
// and its audit trail. EXPOSE is inherited through `FROM <stage>`, so the shipped chain counts.
import type { DockerfileModel } from '../../engine/dockerfile/model';
import type { Rule } from '../../engine/types';
import { exposedPorts } from './declarations';

const SSH_PORT = /^22(\/(tcp|udp))?$/i;

export const rule: Rule<DockerfileModel> = {
  meta: {
    id: 'CG-D040',
    title: 'SSH port 22 exposed',
    description:
      'The image EXPOSEs port 22, which means an SSH server runs in the container: a second, unaudited way in with its own keys to manage. Use docker exec for debugging instead.',
    kind: 'dockerfile',
    severity: 'warning',
    equivalents: ['Trivy DS-0004', 'CKV_DOCKER_1', 'KICS 5907595b-5b6d-4142-b173-dbb0e73fbff8', 'CIS 5.7'],
    fixable: true,
  },
  check(model, context) {
    return exposedPorts(model, context)
      .filter((port) => port.value !== null && SSH_PORT.test(port.value.trim().replace(/^(["'])(.*)\1$/, '$2')))
      .map((port) => ({
        message: `EXPOSE ${port.written} declares the SSH port: an SSH server in a container is a second way in, with its own keys and no audit trail. Use docker exec for access instead.`,
        range: port.item.range,
        related: port.related,
        fixes: [port.removeFix],
      }));
  },
};
