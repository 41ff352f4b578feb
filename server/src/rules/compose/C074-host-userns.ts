// CG-C074: `userns_mode: host` — the service opts out of the daemon's user-namespace remapping.
import { hostNamespaceRule } from './host-namespace';

export const rule = hostNamespaceRule({
  meta: {
    id: 'CG-C074',
    title: 'Host user namespace',
    description:
      "A service sets `userns_mode: host`: when the daemon runs with userns-remap, this container opts out and its root is the host's root.",
    kind: 'compose',
    severity: 'warning',
    equivalents: ['KICS 8af7162d-6c98-482f-868e-0d33fb675ca8', 'CIS 5.31'],
    fixable: true,
  },
  key: 'userns_mode',
  namespace: "the host's user namespace",
  risk: 'When the daemon uses userns-remap, this opts out of it: root in the container is root on the host.',
});
