// CG-C104: `cgroup: host` — the service runs in the host's cgroup namespace.
import { hostNamespaceRule } from './host-namespace';

export const rule = hostNamespaceRule({
  meta: {
    id: 'CG-C104',
    title: 'Host cgroup namespace',
    description:
      "A service sets `cgroup: host`: it runs in the host's cgroup namespace and sees the host's whole cgroup hierarchy instead of only its own.",
    kind: 'compose',
    severity: 'warning',
    equivalents: [],
    fixable: true,
  },
  key: 'cgroup',
  namespace: "the host's cgroup namespace",
  risk: 'The whole host cgroup tree is visible (every container and system service, their limits and usage), and a privileged or cgroup-v1 setup can change it.',
});
