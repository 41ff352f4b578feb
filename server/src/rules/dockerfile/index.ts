// Every Dockerfile rule, one module each. The engine runs them in this order.
import type { Rule } from '../../engine/types';
import type { DockerfileModel } from '../../engine/dockerfile/model';
import { rule as D001 } from './D001-untagged-image';
import { rule as D002 } from './D002-floating-tag';
import { rule as D020 } from './D020-missing-user';
import { rule as D021 } from './D021-root-user';
import { rule as D060 } from './D060-add-instead-of-copy';
import { rule as D073 } from './D073-shell-form-cmd';

export const dockerfileRules: Rule<DockerfileModel>[] = [D001, D002, D020, D021, D060, D073];
