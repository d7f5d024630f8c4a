import { Command } from '@commander-js/extra-typings';
import { suiteSchemaText } from '../suite/suite-schema.js';
import type { CliIo } from './io.js';

export function command(io: CliIo) {
  return new Command('schema').description('print the suite JSON Schema (for editors and other tools)').action(async () => {
    await io.stdout(suiteSchemaText());
  });
}
