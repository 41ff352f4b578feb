// Every Compose rule, one module each. The engine runs them in this order. CG-D032 (credentials in any
// value) is the Dockerfile rule's id applied to Compose files, as the catalogue says.
import type { Rule } from '../../engine/types';
import type { ComposeModel } from '../../engine/compose/model';
import { rule as C001 } from './C001-image-tag';
import { rule as C010 } from './C010-root-user';
import { rule as C020 } from './C020-cap-drop-all';
import { rule as C021 } from './C021-cap-add';
import { rule as C022 } from './C022-security-opt-missing';
import { rule as C023 } from './C023-no-new-privileges';
import { rule as C024 } from './C024-seccomp-unconfined';
import { rule as C025 } from './C025-apparmor-unconfined';
import { rule as C026 } from './C026-selinux-disabled';
import { rule as C030 } from './C030-literal-secret';
import { rule as C040 } from './C040-host-network';
import { rule as C041 } from './C041-port-all-interfaces';
import { rule as C042 } from './C042-privileged-ports';
import { rule as C043 } from './C043-docker-socket';
import { rule as C044 } from './C044-no-networks';
import { rule as C045 } from './C045-duplicate-host-port';
import { rule as C050 } from './C050-read-only';
import { rule as C051 } from './C051-sensitive-host-path';
import { rule as C052 } from './C052-mount-propagation';
import { rule as C053 } from './C053-shared-volume';
import { rule as C060 } from './C060-memory-limit';
import { rule as C061 } from './C061-cpu-limit';
import { rule as C062 } from './C062-pids-limit';
import { rule as C063 } from './C063-ulimits';
import { rule as C064 } from './C064-restart-policy';
import { rule as C065 } from './C065-healthcheck';
import { rule as C070 } from './C070-privileged';
import { rule as C071 } from './C071-host-pid';
import { rule as C072 } from './C072-host-ipc';
import { rule as C073 } from './C073-host-uts';
import { rule as C074 } from './C074-host-userns';
import { rule as C075 } from './C075-devices';
import { rule as C076 } from './C076-cgroup-parent';
import { rule as C101 } from './C101-image-digest';
import { rule as C102 } from './C102-dangerous-combination';
import { rule as C103 } from './C103-unsafe-sysctls';
import { rule as C104 } from './C104-host-cgroup';
import { rule as C105 } from './C105-joined-namespace';
import { rule as C106 } from './C106-writable-bind-mount';
import { rule as C107 } from './C107-secret-build-arg';
import { rule as C108 } from './C108-log-rotation';
import { rule as C109 } from './C109-tmpfs-exec';
import { rule as C110 } from './C110-project-risk';
import { rule as C111 } from './C111-sensitive-port';
import { rule as C112 } from './C112-committed-secret-file';
import { rule as C113 } from './C113-built-image-root';
import { rule as D032 } from './D032-compose-credential';

export const composeRules: Rule<ComposeModel>[] = [C001, C010, C020, C021, C022, C023, C024, C025, C026, C030, C040, C041, C042, C043, C044, C045, C050, C051, C052, C053, C060, C061, C062, C063, C064, C065, C070, C071, C072, C073, C074, C075, C076, C101, C102, C103, C104, C105, C106, C107, C108, C109, C110, C111, C112, C113, D032];

/** The summary of a service's missing hardening (catalogue §6.1), built by the engine from the measure rules' findings. */
export { rule as serviceSummary } from './C100-service-not-hardened';
