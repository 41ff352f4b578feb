// CG-C072: `ipc: host` — the service shares the host's IPC namespace.
import { hostNamespaceRule } from './host-namespace';

export const rule = hostNamespaceRule({
  meta: {
    id: 'CG-C072',
    title: 'Host IPC namespace',
    description:
      "A service sets `ipc: host`: it shares the host's System V IPC objects and POSIX shared memory, so it can read or corrupt other processes' shared memory.",
    kind: 'compose',
    severity: 'error',
    equivalents: ['KICS baa3890f-bed7-46f5-ab8f-1da8fc91c729', 'CIS 5.17'],
    fixable: true,
  },
  key: 'ipc',
  namespace: "the host's IPC namespace",
  risk: 'The shared memory, semaphores and message queues of host processes can be read and written.',
});
