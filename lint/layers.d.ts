import type { ESLint, Rule } from 'eslint';

/** The layers of src/, top to bottom (docs/architecture.md, "The layers"). */
export declare const LAYERS: readonly (readonly string[])[];
export declare const layersPlugin: ESLint.Plugin & { rules: { layers: Rule.RuleModule } };
