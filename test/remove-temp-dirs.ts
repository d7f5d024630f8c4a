import { afterAll } from 'vitest';
import { removeTempDirs } from './temp-dirs.js';

// vitest's setupFiles run before every test file, also when test files share their modules (npm test's --no-isolate),
// so this removes each file's temp directories after that file, whichever worker and modules it ran with
afterAll(removeTempDirs);
