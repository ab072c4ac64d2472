import { describe, expect, it } from 'vitest';
import { emptyWorkerForm, readWorkerForm } from './worker-form';

describe('readWorkerForm', () => {
  it('needs a name, an 11-digit phone, a kind of service and a password to add a worker', () => {
    const result = readWorkerForm({ ...emptyWorkerForm(null), phone: '1391' }, null);
    expect([...(result.invalid ?? [])].sort()).toEqual(['categories', 'name', 'password', 'phone']);
  });

  it('adds a worker with trimmed details', () => {
    const form = {
      name: ' 王师傅 ',
      phone: '13910000009',
      categories: ['housekeeping' as const],
      password: 'longenough1',
    };
    expect(readWorkerForm(form, null).input).toEqual({
      name: '王师傅',
      phone: '13910000009',
      categories: ['housekeeping'],
      password: 'longenough1',
    });
  });

  it('keeps the password when an edit leaves it empty', () => {
    const form = {
      name: '王师傅',
      phone: '13910000009',
      categories: ['housekeeping' as const],
      password: '',
    };
    const id = '7d3c1a52-93f1-4a63-9d1a-111111111111';
    expect(readWorkerForm(form, id).input).toEqual({
      id,
      name: '王师傅',
      phone: '13910000009',
      categories: ['housekeeping'],
      password: undefined,
    });
    expect(readWorkerForm({ ...form, password: 'short' }, id).invalid).toEqual(
      new Set(['password']),
    );
  });
});
