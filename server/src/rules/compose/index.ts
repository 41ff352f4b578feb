// Every Compose rule, one module each. The engine runs them in this order.
import type { Rule } from '../../engine/types';
import type { ComposeModel } from '../../engine/compose/model';

export const composeRules: Rule<ComposeModel>[] = [];
