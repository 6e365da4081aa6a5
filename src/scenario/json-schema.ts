// The published JSON Schema of scenario files (docs/scenario.schema.json), made from the zod schema.
import { z } from 'zod';
import { documentSchema } from './schema.js';

export function scenarioJsonSchema(): string {
  const schema = z.toJSONSchema(documentSchema(), { unrepresentable: 'any' }) as Record<string, unknown>;
  return `${JSON.stringify({ title: 'psnotify scenario', ...schema }, null, 2)}\n`;
}
