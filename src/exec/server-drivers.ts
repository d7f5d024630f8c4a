import type { ServerType } from '../servers/server-planner.js';
import { externalDriver } from './external-driver.js';
import { localDriver } from './local-driver.js';
import { netnsDriver } from './netns-driver.js';
import type { ServerDriver } from './server-driver.js';
import { sshDriver } from './ssh-driver.js';

/** Every server type's driver, by type (their pure halves alone: src/servers/planners.ts). */
const DRIVERS: { readonly [T in ServerType]: ServerDriver<T> } = { local: localDriver, ssh: sshDriver, external: externalDriver, netns: netnsDriver };

/** The driver of a server type. */
export function driverOf(type: ServerType): ServerDriver {
  return DRIVERS[type];
}
