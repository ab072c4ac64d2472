import { z } from 'zod';
import { careRecipientSchema } from '../booking/booking.schema';
import { phoneSchema } from '../identity/auth.schema';

/**
 * A saved care recipient (家人): the care booking's own fields (one rule, written once), who they
 * are to the resident, someone to call in an emergency, and the unit they live in.
 */
export const familyMemberFields = careRecipientSchema.extend({
  relation: z.string().trim().min(1, 'Relation is required').max(20),
  emergencyName: z.string().trim().max(50).default(''),
  emergencyPhone: z.union([z.literal(''), phoneSchema]).default(''),
  unitId: z.string().uuid(),
});
export type FamilyMemberFields = z.infer<typeof familyMemberFields>;

export const createFamilyMemberInput = familyMemberFields;
export const updateFamilyMemberInput = familyMemberFields.extend({ id: z.string().uuid() });
export const familyMemberIdInput = z.object({ id: z.string().uuid() });

/** How many family members one resident may keep. */
export const MAX_FAMILY_MEMBERS = 20;
