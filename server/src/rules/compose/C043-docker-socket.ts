// CG-C043: the Docker daemon socket mounted into a container (full control of the host's Docker).
import { isMap, isScalar } from 'yaml';
import type { ComposeModel, TopLevelItem } from '../../engine/compose/model';
import { deleteSequenceItem } from '../../engine/compose/edits';
import { isDockerSocket, isHostPath, parseShortVolume } from '../../engine/compose/volumes';
import { groupByWritten, isShared, receiversInfo, serviceNames, type Hit } from '../../engine/compose/written';
import type { Fix, RuleFinding, RelatedInfo, Rule, TextEdit } from '../../engine/types';
import type { Node } from '../../engine/compose/yaml-ast';
import { serviceVolumes } from '../../engine/compose/service-volumes';

interface Data {
  path: string;
  edit: TextEdit | undefined;
}

const ADVICE =
  'It gives the container full control of the Docker daemon, i.e. root on the host; ":ro" does not help (the API still works). If the service needs the Docker API, put a socket proxy in between that allows only the calls it needs, such as tecnativa/docker-socket-proxy.';

export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C043',
    title: 'Docker socket mounted',
    description:
      'A volume mounts the Docker daemon socket (`/var/run/docker.sock`) into a container, which gives it root-equivalent control of the host.',
    kind: 'compose',
    severity: 'error',
    equivalents: [
      'KICS d6355c88-1e8d-49e9-b2f2-f8a1ca12c75b',
      'Semgrep yaml.docker-compose.security.exposing-docker-socket-volume',
      'Semgrep dockerfile.security.dockerd-socket-mount.dockerfile-dockerd-socket-mount',
      'CIS 5.32',
    ],
    fixable: true,
  },
  check(model) {
    const hits: Hit<Data>[] = [];
    /** Services mounting each named volume, for the top-level `driver_opts.device` finding. */
    const users = new Map<string, RelatedInfo[]>();
    for (const { service, item, node, editable } of serviceVolumes(model)) {
      let at: Node | undefined;
      let path: string | undefined;
      let named: string | undefined;
      if (isScalar(node)) {
        const volume = parseShortVolume(model.scalar(node)!.interpolated.text.trim());
        if (volume.source === undefined) continue;
        if (isHostPath(volume.source)) {
          at = node;
          path = volume.source;
        } else named = volume.source;
      } else if (isMap(node)) {
        const view = model.viewOf(node);
        const source = view?.get('source');
        const sourceText = model.scalar(source?.value)?.interpolated.text.trim();
        if (!source?.value || sourceText === undefined) continue;
        const type = model.scalar(view?.get('type')?.value)?.interpolated.text.trim().toLowerCase();
        if (type === 'bind' || (type === undefined && isHostPath(sourceText))) {
          at = source.value;
          path = sourceText;
        } else if (type === 'volume') named = sourceText;
      }
      if (named !== undefined) {
        let list = users.get(named);
        if (!list) users.set(named, (list = []));
        list.push({ range: model.rangeOf(node), message: `Service "${service.name}" mounts volume "${named}" here.` });
      }
      if (!at || path === undefined || !isDockerSocket(path)) continue;
      const edit = editable ? deleteSequenceItem(model.source, item.seq, item.index) : undefined;
      hits.push({ node: at, service, via: item.via, data: { path, edit } });
    }
    const findings: RuleFinding[] = [];
    for (const group of groupByWritten(hits)) {
      const fixes: Fix[] = [];
      const { edit, path } = group.data;
      if (edit) {
        const n = group.hits.length;
        fixes.push({
          title: isShared(group) ? `Remove the Docker socket mount in the anchor (affects ${n} service${n === 1 ? '' : 's'})` : 'Remove the Docker socket mount',
          edits: [edit],
          // Removing it takes a feature away from the service: never applied unattended.
          isPreferred: false,
        });
      }
      findings.push({
        message: `The Docker socket (${shown(path)}) is mounted into ${serviceNames(group)}. ${ADVICE}`,
        range: model.rangeOf(group.node),
        related: receiversInfo(group),
        fixes,
      });
    }
    for (const volume of model.volumes) findings.push(...checkTopLevel(model, volume, users.get(volume.name) ?? []));
    return findings;
  },
};

function checkTopLevel(model: ComposeModel, volume: TopLevelItem, users: RelatedInfo[]): RuleFinding[] {
  const options = volume.view?.get('driver_opts');
  const device = model.viewOf(options?.rawValue, options?.via)?.get('device');
  const path = model.scalar(device?.value)?.interpolated.text.trim();
  if (!device?.value || path === undefined || !isDockerSocket(path)) return [];
  return [
    {
      message: `Volume "${volume.name}" binds the Docker socket (${shown(path)}) from the host; every service that mounts it controls the Docker daemon. ${ADVICE}`,
      range: model.rangeOf(device.value),
      related: users.length > 0 ? users : undefined,
      fixes: [],
    },
  ];
}

function shown(path: string): string {
  return path.replace(/\u0000/g, '${…}');
}
