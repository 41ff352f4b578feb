// CG-D040: the shipped image EXPOSEs port 22 (`22`, `22/tcp`, `22/udp`, after ARG/ENV
// resolution). An SSH server in a container is a second way in that bypasses `docker exec`
// and its audit trail. EXPOSE is inherited through `FROM <stage>`, so the shipped chain counts.
import type { DockerfileModel } from '../../engine/dockerfile/model';
import type { Finding, Rule } from '../../engine/types';
import { deleteListItemEdit, listItems } from './declarations';
import { relatedToDeclarations } from './helpers';

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
    const findings: Finding[] = [];
    for (const stage of model.shippedChain(context.buildTarget)) {
      for (const instruction of stage.instructions) {
        if (instruction.keyword !== 'EXPOSE') continue;
        const items = listItems(model, instruction);
        items.forEach((item, index) => {
          const expansion = item.value.includes('$') ? model.expand(item.value, instruction) : null;
          const value = expansion ? expansion.value : item.value;
          if (value === null || !SSH_PORT.test(value.trim().replace(/^(["'])(.*)\1$/, '$2'))) return;
          const related = expansion ? relatedToDeclarations(expansion.used, (d) => `'${value}' comes from ${d.kind === 'ENV' ? 'ENV' : 'ARG'} ${d.name}.`) : [];
          findings.push({
            ruleId: 'CG-D040',
            message: `EXPOSE ${item.value === value ? value : `${item.value} (= ${value})`} declares the SSH port: an SSH server in a container is a second way in, with its own keys and no audit trail. Use docker exec for access instead.`,
            range: item.range,
            related: related.length ? related : undefined,
            fixes: [
              {
                title: items.length > 1 ? `Remove port ${value} from EXPOSE` : 'Delete EXPOSE ' + item.value,
                edits: [deleteListItemEdit(model, instruction, items, index)],
                isPreferred: false,
              },
            ],
          });
        });
      }
    }
    return findings;
  },
};
