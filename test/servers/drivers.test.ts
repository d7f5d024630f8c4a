import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { driverOf } from '../../src/exec/server-drivers.js';
import { SERVER_VARIABLES } from '../../src/model/hook-variables.js';
import { hookVariableNames, plannerOf, SERVER_TYPES } from '../../src/servers/planners.js';

const schema = JSON.parse(readFileSync(new URL('../../schemas/suite.schema.json', import.meta.url), 'utf8')) as {
  definitions: { server: { properties: { type: { enum: string[] } } } };
};

describe('one driver per server type', () => {
  it('has a driver for every type the schema allows, and no other', () => {
    expect([...SERVER_TYPES].sort()).toEqual([...schema.definitions.server.properties.type.enum].sort());
  });

  it('gives each type one driver whose pure half is its planner', () => {
    for (const type of SERVER_TYPES) {
      const planner = plannerOf(type);
      const driver = driverOf(type);
      expect(planner.type).toBe(type);
      expect(driver.type).toBe(type);
      const asRecord = driver as unknown as Readonly<Record<string, unknown>>;
      for (const [verb, value] of Object.entries(planner)) expect(asRecord[verb], `${type}: ${verb}`).toBe(value);
    }
  });

  it('gives every server the common hook variables, and a type only the ones of its own besides', () => {
    for (const type of SERVER_TYPES) expect(hookVariableNames(type)).toEqual([...SERVER_VARIABLES, ...plannerOf(type).hookVariables]);
    expect(SERVER_TYPES.filter((type) => plannerOf(type).hookVariables.length > 0)).toEqual(SERVER_TYPES.filter((type) => plannerOf(type).hasNamespace));
  });

  it('plans a server with what every server has, whatever its type', () => {
    const spec = {
      local: { type: 'local' },
      ssh: { type: 'ssh', host: 'peer.example' },
      external: { type: 'external', host: '198.51.100.7' },
      netns: { type: 'netns' },
    } as const;
    for (const type of SERVER_TYPES) {
      const planned = plannerOf(type).plan('suite', 'name', spec[type], false);
      expect(planned).toMatchObject({ key: 'suite/name', suite: 'suite', name: 'name', type, setup: [], teardown: [] });
      expect(plannerOf(type).provenance(planned).type).toBe(type);
    }
  });
});
