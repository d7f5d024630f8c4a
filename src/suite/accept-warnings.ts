import type { Diagnostic } from '../model/diagnostics.js';
import type { SuiteSpec } from '../model/suite-types.js';

/**
 * `accept:` entries whose day is already past (`today`, `YYYY-MM-DD` UTC): the suite is still valid, but the regression
 * they cover fails again, so `validate` warns while there is time to fix it or extend the date.
 */
export function pastAcceptances(suites: readonly SuiteSpec[], today: string): Diagnostic[] {
  return suites.flatMap((suite) =>
    suite.groups.flatMap((group) =>
      group.accept.flatMap((a) =>
        'date' in a.until && a.until.date < today
          ? [
              {
                loc: a.loc,
                message: `accept ${a.metric} in group '${group.name}' ended on ${a.until.date}: a regression of ${a.metric} fails again; fix it, or move until: to a later day if the team still accepts it (${a.reason})`,
              },
            ]
          : [],
      ),
    ),
  );
}
