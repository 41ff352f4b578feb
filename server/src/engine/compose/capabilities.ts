// Linux capability names as Compose writes them in `cap_add` / `cap_drop`, shared by the rules that
// judge them (C021 dangerous cap_add, C042 NET_BIND_SERVICE, C102 combinations).

/** Docker's default capability set (moby `oci/caps/defaults.go`): adding one back after `cap_drop: [ALL]` is fine. */
export const DEFAULT_CAPABILITIES = new Set([
  'CHOWN', 'DAC_OVERRIDE', 'FSETID', 'FOWNER', 'MKNOD', 'NET_RAW', 'SETGID',
  'SETUID', 'SETFCAP', 'SETPCAP', 'NET_BIND_SERVICE', 'SYS_CHROOT', 'KILL', 'AUDIT_WRITE',
]);

/** The catalogue's Error tier of CG-C021: each one is, or easily becomes, root on the host. */
export const DANGEROUS_CAPABILITIES = new Set([
  'ALL', 'SYS_ADMIN', 'SYS_MODULE', 'SYS_PTRACE', 'SYS_RAWIO', 'DAC_READ_SEARCH', 'NET_ADMIN',
  'BPF', 'PERFMON', 'SYS_BOOT', 'SYSLOG', 'MAC_ADMIN', 'MAC_OVERRIDE',
]);

/** Capability names compare as in CG-C020: case-insensitive, `CAP_` prefix optional (`cap_sys_admin` is `SYS_ADMIN`). */
export function capabilityName(text: string): string {
  return text.trim().toUpperCase().replace(/^CAP_/, '');
}
