// npm run schema: regenerates docs/scenario.schema.json from the zod schema.
import { writeFileSync } from 'node:fs';
import { scenarioJsonSchema } from '../src/scenario/json-schema.js';

writeFileSync(new URL('../docs/scenario.schema.json', import.meta.url), scenarioJsonSchema());
console.log('wrote docs/scenario.schema.json');
