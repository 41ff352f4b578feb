// CG-C071: `pid: host` — the service shares the host's PID namespace.
import { hostNamespaceRule } from './host-namespace';

export const rule = hostNamespaceRule({
  meta: {
    id: 'CG-C071',
    title: 'Host PID namespace',
    description:
      'A service sets `pid: host`: it sees every process on the host and, with enough privileges, can signal, trace or read the memory of them.',
    kind: 'compose',
    severity: 'error',
    equivalents: ['KICS 4f31dd9f-2cc3-4751-9b53-67e4af83dac0', 'CIS 5.16'],
    fixable: true,
  },
  key: 'pid',
  namespace: "the host's PID namespace",
  risk: 'Every host process is visible (command lines, environment) and can be signalled or traced with enough privileges.',
});
