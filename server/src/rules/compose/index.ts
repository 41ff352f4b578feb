// Every Compose rule, one module each. The engine runs them in this order.
import type { Rule } from '../../engine/types';
import type { ComposeModel } from '../../engine/compose/model';
import { rule as C020 } from './C020-cap-drop-all';
import { rule as C023 } from './C023-no-new-privileges';
import { rule as C040 } from './C040-host-network';
import { rule as C041 } from './C041-port-all-interfaces';
import { rule as C043 } from './C043-docker-socket';
import { rule as C070 } from './C070-privileged';

export const composeRules: Rule<ComposeModel>[] = [C020, C023, C040, C041, C043, C070];
