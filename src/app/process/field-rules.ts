import { FIELD_NAME } from '../../domain/process/record';

/** Fields the engine itself writes; people and integrations cannot set them. */
const ENGINE_FIELDS = new Set(['openProblem', 'lostReason', 'junkReason', 'overdueIdentification']);
export const isEditableField = (name: string) => FIELD_NAME.test(name) && !ENGINE_FIELDS.has(name);

/** No `$` or `.` in nested keys either: MongoDB would read them as operators or paths. */
export function safeKeys(value: unknown): boolean {
  if (Array.isArray(value)) return value.every(safeKeys);
  if (value === null || typeof value !== 'object' || value instanceof Date) return true;
  return Object.entries(value).every(([key, inner]) => !/[.$]/.test(key) && safeKeys(inner));
}
