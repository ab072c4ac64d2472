import type { RouterInputs, ServiceCategory } from '@cgp/api/client';
import { createWorkerInput, updateWorkerInput } from './schemas';
import { invalidPaths } from './validation';

export type CreateWorkerInput = RouterInputs['merchant']['workers']['create'];
export type UpdateWorkerInput = RouterInputs['merchant']['workers']['update'];

/** The worker dialog's fields. The password is set on adding; when editing, empty keeps it. */
export interface WorkerForm {
  name: string;
  phone: string;
  categories: ServiceCategory[];
  password: string;
}
export type WorkerFormField = keyof WorkerForm;

export function emptyWorkerForm(category: ServiceCategory | null): WorkerForm {
  return { name: '', phone: '', categories: category ? [category] : [], password: '' };
}

const FIELDS: readonly WorkerFormField[] = ['name', 'phone', 'categories', 'password'];

/**
 * Checks the form with the API's own schema: a new worker needs every field, an edit sends what
 * the owner typed (an empty password leaves it as it was). Returns the input, or the fields refused.
 */
export function readWorkerForm(
  form: WorkerForm,
  editingId: string | null,
):
  | { input: CreateWorkerInput | UpdateWorkerInput; invalid?: undefined }
  | { input?: undefined; invalid: Set<WorkerFormField> } {
  const base = { name: form.name.trim(), phone: form.phone.trim(), categories: form.categories };
  const value: CreateWorkerInput | UpdateWorkerInput = editingId
    ? { ...base, id: editingId, password: form.password || undefined }
    : { ...base, password: form.password };
  const schema = editingId ? updateWorkerInput : createWorkerInput;
  const refused = invalidPaths(schema, value);
  const invalid = new Set(FIELDS.filter((f) => [...refused].some((p) => p.split('.')[0] === f)));
  if (invalid.size) return { invalid };
  return { input: value };
}
