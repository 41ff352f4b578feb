// CG-C109: a tmpfs that programs can run from. Docker mounts a service's `tmpfs:` (and a long-form
// `type: tmpfs` volume) with `noexec,nosuid,nodev` unless its options turn one off (moby
// `daemon/oci_linux.go`; the last of `exec`/`noexec` wins, as `MergeTmpfsOptions` reads them), so
// those are reported when `exec`, `suid` or `dev` wins. A named volume with
// `driver_opts: {type: tmpfs}` is mounted by the local driver with exactly its `o:` options, without
// those defaults: it is reported, when a service mounts it, unless `o` has all three.
import { isMap, isScalar } from 'yaml';
import type { Range } from 'vscode-languageserver-types';
import type { ComposeModel, TopLevelItem } from '../../engine/compose/model';
import { insertPair, replaceNode } from '../../engine/compose/edits';
import { UNKNOWN } from '../../engine/compose/interpolate';
import { capitalize } from '../../engine/compose/presence';
import { parseShortVolume } from '../../engine/compose/volumes';
import { serviceVolumes } from '../../engine/compose/service-volumes';
import { groupByWritten, isShared, receiversInfo, serviceNames, type Hit } from '../../engine/compose/written';
import type { Fix, RelatedInfo, RuleFinding, Rule, TextEdit } from '../../engine/types';

/** The options that undo Docker's tmpfs defaults (`noexec,nosuid,nodev`), with the default each undoes. */
const UNSAFE: Record<string, string> = { exec: 'noexec', suid: 'nosuid', dev: 'nodev' };
const SAFE = Object.values(UNSAFE);

interface Data {
  target: string;
  /** The unsafe options that win, in the order written (`exec`, `suid`, `dev`). */
  options: string[];
  range: Range;
  edit: TextEdit | undefined;
}

export const rule: Rule<ComposeModel> = {
  meta: {
    id: 'CG-C109',
    title: 'tmpfs mount allows exec, suid or devices',
    description:
      'A `tmpfs:` mount sets `exec`, `suid` or `dev`, turning off the `noexec,nosuid,nodev` defaults, or a tmpfs named volume (`driver_opts: {type: tmpfs}`, which gets no defaults) lacks them: a writable in-memory directory from which downloaded programs can run, undoing much of a read-only root filesystem.',
    kind: 'compose',
    severity: 'hint',
    equivalents: [],
    fixable: true,
  },
  check(model) {
    const hits: Hit<Data>[] = [];
    for (const service of model.services) {
      const entry = service.view?.get('tmpfs');
      if (!entry?.value) continue;
      const scalarValue = model.scalar(entry.value);
      // `tmpfs: *t`: the alias is how the service receives the value (related information, no fix there).
      const via = entry.rawValue && entry.rawValue !== entry.value ? entry.via.concat({ kind: 'alias', node: entry.rawValue, range: model.rangeOf(entry.rawValue) }) : entry.via;
      const items = scalarValue ? [{ node: entry.value, via, raw: entry.rawValue }] : model.entryItems(entry);
      for (const item of items) {
        const scalar = model.scalar(item.node);
        if (!item.node || !scalar || scalar.isNull) continue;
        const spec = scalar.interpolated.text.trim();
        const colon = spec.indexOf(':');
        if (colon < 0) continue;
        const options = winningUnsafe(spec.slice(colon + 1).split(','));
        if (options.length === 0) continue;
        const target = spec.slice(0, colon).split(UNKNOWN).join('${…}');
        const editable = item.raw === item.node && !model.hasReferencedAnchor(item.node) && scalar.quote !== undefined && !scalar.interpolated.hasVariables;
        const edit = editable ? removeOptionsEdit(model, item.node, scalar.text, scalar.quote!) : undefined;
        hits.push({ node: item.node, service, via: item.via, data: { target, options, range: model.rangeOf(item.node), edit } });
      }
    }
    const findings: RuleFinding[] = [];
    for (const group of groupByWritten(hits)) {
      const { target, options, range, edit } = group.data;
      const list = options.map((o) => `"${o}"`).join(', ');
      const n = group.hits.length;
      const title = `Remove ${list} from the tmpfs options`;
      findings.push({
        message: `${capitalize(serviceNames(group))} mount${n === 1 ? 's' : ''} tmpfs "${target}" with ${list}, turning off Docker's ${options.map((o) => UNSAFE[o]).join(', ')} default: a writable directory from which programs (or setuid binaries, or device nodes) work. Remove ${options.length === 1 ? 'that option' : 'those options'} unless the service needs them.`,
        range,
        related: receiversInfo(group),
        // Not preferred: some runtimes (JIT compilers, native add-ons) need exec on /tmp.
        fixes: edit ? [{ title: isShared(group) ? `${title} in the anchor (affects ${n} services)` : title, edits: [edit], isPreferred: false }] : [],
      });
    }
    findings.push(...tmpfsVolumes(model));
    return findings;
  },
};

/** The unsafe options that win: for each of exec/suid/dev, the last of it and its `no` form decides. */
function winningUnsafe(written: string[]): string[] {
  const last = new Map<string, { option: string; at: number }>();
  written.forEach((raw, at) => {
    const option = raw.trim().toLowerCase();
    if (option.includes(UNKNOWN)) return;
    const family = option.replace(/^no/, '');
    if (family in UNSAFE) last.set(family, { option, at });
  });
  return [...last.values()].filter((entry) => entry.option in UNSAFE).sort((a, b) => a.at - b.at).map((entry) => entry.option);
}

/** `/tmp:exec,size=64m` → `/tmp:size=64m`; `/tmp:exec` → `/tmp`. */
function removeOptionsEdit(model: ComposeModel, node: Parameters<typeof replaceNode>[1], text: string, quote: string): TextEdit | undefined {
  const colon = text.indexOf(':');
  if (colon < 0) return undefined;
  const kept = text
    .slice(colon + 1)
    .split(',')
    .filter((option) => !(option.trim().toLowerCase() in UNSAFE));
  const spec = text.slice(0, colon) + (kept.length > 0 ? `:${kept.join(',')}` : '');
  return replaceNode(model.source, node, `${quote}${spec}${quote}`);
}

// ---- named tmpfs volumes ------------------------------------------------------------------------

/** Top-level volumes with `driver_opts.type: tmpfs` mounted by a service, whose `o` lacks noexec, nosuid or nodev. */
function tmpfsVolumes(model: ComposeModel): RuleFinding[] {
  const mounts = mountsByVolume(model);
  const findings: RuleFinding[] = [];
  for (const volume of model.volumes) {
    const users = mounts.get(volume.name);
    if (!users) continue;
    const opts = model.viewOf(volume.view?.get('driver_opts')?.rawValue);
    const type = opts?.get('type');
    if (!opts || !type || model.scalar(type.value)?.interpolated.text.trim().toLowerCase() !== 'tmpfs') continue;
    const o = opts.get('o');
    const oScalar = model.scalar(o?.value);
    if (oScalar && !oScalar.interpolated.known) continue;
    const written = oScalar && !oScalar.isNull ? oScalar.interpolated.value! : '';
    const present = written.split(',').map((option) => option.trim().toLowerCase());
    const missing = SAFE.filter((option) => !present.includes(option));
    if (missing.length === 0) continue;
    findings.push({
      message: `The tmpfs volume "${volume.name}" is mounted with only its "o:" options (${written === '' ? 'none' : `"${written}"`}), not Docker's tmpfs defaults: without ${missing.join(', ')}, programs${missing.includes('nosuid') ? ', setuid binaries' : ''}${missing.includes('nodev') ? ' and device nodes' : ''} work from it. Add ${missing.join(',')} to "o".`,
      range: model.rangeOf(o?.value && oScalar && !oScalar.isNull ? o.value : type.value!),
      related: users,
      fixes: driverOptsFix(model, volume, missing),
    });
  }
  return findings;
}

/** The services that mount each named volume (short `name:/path` and long `type: volume` forms). */
function mountsByVolume(model: ComposeModel): Map<string, RelatedInfo[]> {
  const users = new Map<string, RelatedInfo[]>();
  for (const { service, node } of serviceVolumes(model)) {
    let name: string | undefined;
    if (isScalar(node)) name = parseShortVolume(model.scalar(node)?.interpolated.text.trim() ?? '').source;
    else if (isMap(node)) {
      const view = model.viewOf(node);
      const type = model.scalar(view?.get('type')?.value)?.interpolated.text.trim().toLowerCase();
      if (type === undefined || type === 'volume') name = model.scalar(view?.get('source')?.value)?.interpolated.text.trim();
    }
    if (!name) continue;
    const list = users.get(name) ?? [];
    list.push({ range: model.rangeOf(node), message: `Service "${service.name}" mounts the volume here.` });
    users.set(name, list);
  }
  return users;
}

/** Appends the missing options to `o`, or adds `o: "noexec,nosuid,nodev"`. */
function driverOptsFix(model: ComposeModel, volume: TopLevelItem, missing: string[]): Fix[] {
  const entry = volume.view?.get('driver_opts');
  if (!entry || entry.via.length > 0 || !isMap(entry.value) || model.hasReferencedAnchor(entry.value)) return [];
  const o = model.viewOf(entry.value)?.get('o');
  const title = `Add ${missing.join(',')} to the volume's mount options`;
  if (!o) {
    const edit = insertPair(model.source, model.style, entry.value, 'o', { scalar: `"${missing.join(',')}"` });
    return edit ? [{ title, edits: [edit], isPreferred: false }] : [];
  }
  const scalar = model.scalar(o.value);
  if (!scalar || !o.value || o.via.length > 0 || scalar.quote === undefined || scalar.isNull) return [];
  const text = scalar.text.trim() === '' ? missing.join(',') : `${scalar.text},${missing.join(',')}`;
  // Not preferred: a volume used for executables or device files (rare) would break.
  return [{ title, edits: [replaceNode(model.source, o.value, `${scalar.quote || '"'}${text}${scalar.quote || '"'}`)], isPreferred: false }];
}
