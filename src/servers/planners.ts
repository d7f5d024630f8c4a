import { SERVER_VARIABLES } from '../model/hook-variables.js';
import { externalPlanner } from './external-planner.js';
import { localPlanner } from './local-planner.js';
import { netnsPlanner } from './netns-planner.js';
import type { ServerPlanner, ServerType } from './server-planner.js';
import { sshPlanner } from './ssh-planner.js';

/** The pure half of every server type's driver, by type (src/exec/server-drivers.ts has the whole drivers). */
const PLANNERS: { readonly [T in ServerType]: ServerPlanner<T> } = { local: localPlanner, ssh: sshPlanner, external: externalPlanner, netns: netnsPlanner };

/** Every server type, in the schema's order. */
export const SERVER_TYPES = Object.keys(PLANNERS) as readonly ServerType[];

/** The pure half of the driver of a server type. */
export function plannerOf(type: ServerType): ServerPlanner {
  return PLANNERS[type];
}

/** The `PERFSUITE_*` names a hook of a server of this type may use. */
export function hookVariableNames(type: ServerType): readonly string[] {
  return [...SERVER_VARIABLES, ...plannerOf(type).hookVariables];
}
