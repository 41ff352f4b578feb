// CG-C051: a bind mount of a sensitive host path. Tiers (catalogue §6.3) are the engine's
// (`engine/compose/host-paths.ts`): Error for system roots and credential or control locations, Warning for
// other system paths, home directories and their dotfiles; application data below /mnt, /srv … is not reported.
import { isMap } from 'yaml';
import type { ComposeModel, TopLevelItem } from '../../engine/compose/model';
import { insertPair, replaceNode } from '../../engine/compose/edits';
import { homeAwareSource, isReadOnlyExempt, sensitiveMount, type Tier } from '../../engine/compose/host-paths';
import { capitalize } from '../../engine/compose/presence';
import { isDockerSocket, isHostPath, parseShortVolume } from '../../engine/compose/volumes';
import { groupByWritten, isShared, receiversInfo, serviceNames, type Hit } from '../../engine/compose/written';
import type { Fix, RuleFinding, RelatedInfo, Rule, Severity, TextEdit } from '../../engine/types';
import type { Node, YAMLMap } from '../../engine/compose/yaml-ast';
import { serviceVolumes } from '../../engine/compose/service-volumes';

/** A read-only mount is one tier lower: Error → Warning, Warning → Info. */
function severityOf(tier: Tier, readOnly: boolean): Severity | undefined {
  if (tier === 'error') return readOnly ? 'warning' : undefined;
  return readOnly ? 'info' : 'warning';
}

interface Mount {
  /** Normalised path (`~` kept for the user's own home). */
  path: string;
  /** The path as written, for messages. */
  shown: string;
  tier: Tier;
  listed: string;
  readOnly: boolean;
  /** "Make read-only", only for a read-write mount of a read-only-exempt path (it then clears the finding). */
  edit: TextEdit | undefined;
}

export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C051',
    title: 'Sensitive host path mounted',
    description:
      'A bind mount exposes a sensitive host path: `/`, a system root such as `/etc` or `/usr`, or a credential or control location such as `/etc/shadow`, `/proc`, `/var/lib/docker` or `~/.ssh` (Error); another path under `/etc`, `/usr`, `/var`, a whole home directory or a dotfile in it, `/home`, `/mnt` (Warning). Read-only mounts are one tier lower.',
    kind: 'compose',
    severity: 'error',
    equivalents: ['KICS 1c1325ff-831d-43a1-973e-839ae57dfcc0', 'CIS 5.6', 'Dockle DKL-DI-0002'],
    fixable: true,
  },
  check(model) {
    const hits: Hit<Mount>[] = [];
    /** Mounts of each named volume, for the top-level `driver_opts.device` findings. */
    const users = new Map<string, { related: RelatedInfo; readOnly: boolean }[]>();
    for (const { service, item, node, editable } of serviceVolumes(model)) {
      const mount = isMap(node) ? readLong(model, node, editable) : readShort(model, node, editable);
      if (!mount) continue;
      if ('named' in mount) {
        let list = users.get(mount.named);
        if (!list) users.set(mount.named, (list = []));
        list.push({ related: { range: model.rangeOf(node), message: `Service "${service.name}" mounts volume "${mount.named}" here${mount.readOnly ? ' (read-only)' : ''}.` }, readOnly: mount.readOnly });
        continue;
      }
      const judged = judge(mount.path, mount.readOnly);
      if (judged) hits.push({ node: mount.at, service, via: item.via, data: { ...judged, edit: mount.edit } });
    }
    const findings: RuleFinding[] = [];
    for (const group of groupByWritten(hits)) {
      const mount = group.data;
      const n = group.hits.length;
      const fixes: Fix[] = [];
      if (mount.edit && !mount.readOnly && isReadOnlyExempt(mount.path)) {
        fixes.push({
          title: isShared(group) ? `Make the mount read-only in the anchor (affects ${n} service${n === 1 ? '' : 's'})` : 'Make the mount read-only',
          edits: [mount.edit],
          // A service that writes there would break: offered, never applied unattended.
          isPreferred: false,
        });
      }
      findings.push({
        ...tiered(mount.tier, mount.readOnly),
        message: `${capitalize(serviceNames(group))} bind-mount${n === 1 ? 's' : ''} the host path "${mount.shown}"${placement(mount)} ${access(mount)}`,
        range: model.rangeOf(group.node),
        related: receiversInfo(group),
        fixes,
      });
    }
    for (const volume of model.volumes) findings.push(...checkTopLevel(model, volume, users.get(volume.name) ?? []));
    return findings;
  },
};

/** A read-only mount is one tier lower: Error → Warning, Warning → Info (the rule's default is Error). */
function tiered(tier: Tier, readOnly: boolean): { severity?: Severity } {
  const severity = severityOf(tier, readOnly);
  return severity ? { severity } : {};
}

function placement(mount: { path: string; listed: string }): string {
  return mount.path === mount.listed ? '' : ` (under ${mount.listed})`;
}

function access(mount: { readOnly: boolean; tier: Tier }): string {
  return mount.readOnly
    ? 'read-only: the container can still read host files there (keys, credentials, configuration). Mount only the files it needs.'
    : 'read-write: the container can read and change host files there, which can lead to host compromise. Mount only the files it needs, read-only, or use a named volume.';
}

/** The tier of a host path, or undefined when it is not reported (not sensitive, docker.sock, read-only exempt). */
function judge(path: string, readOnly: boolean): Omit<Mount, 'edit'> | undefined {
  if (isDockerSocket(path)) return undefined; // CG-C043's
  const found = sensitiveMount(path, readOnly);
  return found && { path: found.path, shown: path.trim(), tier: found.tier, listed: found.listed, readOnly };
}

type Read = { at: Node; path: string; readOnly: boolean; edit: TextEdit | undefined } | { named: string; readOnly: boolean };

function readShort(model: ComposeModel, node: Node, editable: boolean): Read | undefined {
  const scalar = model.scalar(node);
  if (!scalar) return undefined;
  const text = scalar.interpolated.text.trim();
  const volume = parseShortVolume(text);
  if (volume.source === undefined || volume.source === '') return undefined;
  const options = volume.options.split(',').map((o) => o.trim());
  const readOnly = options.includes('ro');
  if (!isHostPath(volume.source)) return { named: volume.source, readOnly };
  let edit: TextEdit | undefined;
  if (editable && !readOnly && scalar.interpolated.known && scalar.text === text && scalar.quote !== undefined && scalar.verbatim) {
    const rest = volume.options === '' ? ['ro'] : options.includes('rw') ? options.map((o) => (o === 'rw' ? 'ro' : o)) : options.concat('ro');
    edit = replaceNode(model.source, node, `${scalar.quote}${volume.source}:${volume.target}:${rest.join(',')}${scalar.quote}`);
  }
  return { at: node, path: homeAwareSource(scalar.text, volume.source), readOnly, edit };
}

function readLong(model: ComposeModel, node: YAMLMap, editable: boolean): Read | undefined {
  const view = model.viewOf(node);
  const source = view?.get('source');
  const scalar = model.scalar(source?.value);
  if (!source?.value || !scalar) return undefined;
  const sourceText = scalar.interpolated.text.trim();
  if (sourceText === '') return undefined;
  const type = model.scalar(view?.get('type')?.value)?.interpolated.text.trim().toLowerCase();
  const readOnlyEntry = view?.get('read_only');
  const readOnly = model.scalar(readOnlyEntry?.value)?.boolean === true;
  if (type === 'volume') return { named: sourceText, readOnly };
  if (!(type === 'bind' || (type === undefined && isHostPath(sourceText)))) return undefined;
  let edit: TextEdit | undefined;
  if (editable && !readOnly) {
    if (!readOnlyEntry) edit = insertPair(model.source, model.style, node, 'read_only', { scalar: 'true' });
    else if (readOnlyEntry.via.length === 0 && readOnlyEntry.value && model.scalar(readOnlyEntry.value)?.quote !== undefined) {
      edit = replaceNode(model.source, readOnlyEntry.value, 'true');
    }
  }
  return { at: source.value, path: homeAwareSource(scalar.text, sourceText), readOnly, edit };
}

/** A top-level volume that binds a host path (`driver_opts.device` / `mountpoint`). */
function checkTopLevel(model: ComposeModel, volume: TopLevelItem, users: { related: RelatedInfo; readOnly: boolean }[]): RuleFinding[] {
  const options = volume.view?.get('driver_opts');
  const opts = model.viewOf(options?.rawValue, options?.via);
  if (!opts) return [];
  const o = model.scalar(opts.get('o')?.value)?.interpolated.text ?? '';
  // Read-only when the driver mounts it so, or when every service mounts it read-only.
  const readOnly = o.split(',').some((x) => x.trim() === 'ro') || (users.length > 0 && users.every((u) => u.readOnly));
  const findings: RuleFinding[] = [];
  for (const key of ['device', 'mountpoint']) {
    const entry = opts.get(key);
    const scalar = model.scalar(entry?.value);
    if (!entry?.value || !scalar) continue;
    const judged = judge(homeAwareSource(scalar.text, scalar.interpolated.text.trim()), readOnly);
    if (!judged) continue;
    findings.push({
      ...tiered(judged.tier, judged.readOnly),
      message: `Volume "${volume.name}" binds the host path "${judged.shown}"${placement(judged)} ${judged.readOnly ? 'read-only' : 'read-write'}; every service that mounts it gets it. ${access(judged).replace(/^read-(only|write): /, '').replace(/^./, (c) => c.toUpperCase())}`,
      range: model.rangeOf(entry.value),
      related: users.length > 0 ? users.map((u) => u.related) : undefined,
      fixes: [],
    });
  }
  return findings;
}
