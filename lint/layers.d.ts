import type { ESLint, Rule } from 'eslint';

/** The layers of src/, top to bottom (DESIGN §9). */
export declare const LAYERS: readonly (readonly string[])[];
export declare const layersPlugin: ESLint.Plugin & { rules: { layers: Rule.RuleModule } };
