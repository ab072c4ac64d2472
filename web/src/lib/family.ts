import { CARE_AGE, familyMemberFields } from '@cgp/api/client';
import { isApiError } from '@cgp/kit/errors';
import type { FieldProblem } from './booking';

/** What the resident types into the family member form (age stays empty until typed). */
export interface FamilyDraft {
  name: string;
  relation: string;
  age: number | null;
  needs: string;
  emergencyName: string;
  emergencyPhone: string;
  unitId: string;
}

export type FamilyField = keyof FamilyDraft;

export const emptyFamilyDraft = (): FamilyDraft => ({
  name: '',
  relation: '',
  age: null,
  needs: '',
  emergencyName: '',
  emergencyPhone: '',
  unitId: '',
});

/** Relations offered with one tap (the field also takes any other word). */
export const RELATIONS = ['母亲', '父亲', '外婆', '外公', '奶奶', '爷爷', '孩子'] as const;

const PROBLEM_KEYS: Record<FamilyField, (draft: FamilyDraft) => FieldProblem> = {
  name: (d) => ({ key: d.name.trim() ? 'booking.careNameTooLong' : 'booking.careNameRequired' }),
  relation: (d) => ({
    key: d.relation.trim() ? 'family.relationTooLong' : 'family.relationRequired',
  }),
  age: (d) =>
    d.age === null
      ? { key: 'booking.careAgeRequired' }
      : { key: 'booking.careAgeRange', params: { ...CARE_AGE } },
  needs: () => ({ key: 'booking.careNeedsTooLong' }),
  emergencyName: () => ({ key: 'family.emergencyNameTooLong' }),
  emergencyPhone: () => ({ key: 'family.emergencyPhoneInvalid' }),
  unitId: () => ({ key: 'family.unitRequired' }),
};

/** What is wrong with the draft, field by field, judged by the API's own schema. */
export function familyProblems(draft: FamilyDraft): Partial<Record<FamilyField, FieldProblem>> {
  const parsed = familyMemberFields.safeParse({ ...draft, age: draft.age ?? undefined });
  if (parsed.success) return {};
  const problems: Partial<Record<FamilyField, FieldProblem>> = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as FamilyField;
    if (field in PROBLEM_KEYS && !problems[field]) problems[field] = PROBLEM_KEYS[field](draft);
  }
  return problems;
}

/** The fields a server refusal concerns, so the form marks them (rules only the server knows). */
export function familyProblemsFromRefusal(
  error: unknown,
  draft: FamilyDraft,
): Partial<Record<FamilyField, FieldProblem>> {
  if (!isApiError(error) || !error.data) return {};
  if (error.data.reason === 'unit_outside_community') {
    return { unitId: { key: 'family.unitOutsideCommunity' } };
  }
  const problems: Partial<Record<FamilyField, FieldProblem>> = {};
  for (const { path } of error.data.fieldErrors ?? []) {
    const field = path[0] as FamilyField;
    if (field in PROBLEM_KEYS) problems[field] = PROBLEM_KEYS[field](draft);
  }
  return problems;
}
