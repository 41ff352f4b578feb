// CG-C073: `uts: host` — the service shares the host's UTS namespace (hostname and domain name).
import { hostNamespaceRule } from './host-namespace';

export const rule = hostNamespaceRule({
  meta: {
    id: 'CG-C073',
    title: 'Host UTS namespace',
    description:
      "A service sets `uts: host`: it shares the host's hostname and NIS domain name and, with CAP_SYS_ADMIN, can change them for the whole host.",
    kind: 'compose',
    severity: 'warning',
    equivalents: ['CIS 5.21'],
    fixable: true,
  },
  key: 'uts',
  namespace: "the host's UTS namespace",
  risk: "The host's hostname is shared and, with CAP_SYS_ADMIN, can be changed for the whole host.",
});
