// Every Dockerfile rule, one module each. The engine runs them in this order.
import type { Rule } from '../../engine/types';
import type { DockerfileModel } from '../../engine/dockerfile/model';

export const dockerfileRules: Rule<DockerfileModel>[] = [];
