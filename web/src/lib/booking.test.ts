import { createBookingInput } from '@cgp/api/client';
import { TRPCClientError } from '@cgp/kit/errors';
import { describe, expect, it } from 'vitest';
import {
  bookingProblems,
  bookingRequest,
  careProblemsFromRefusal,
  careRecipientProblems,
  emptyDraft,
  onDemandRequest,
  newIdempotencyKey,
} from './booking';

const cleaning = { category: 'housekeeping' as const, minQuantity: 2, maxQuantity: 6 };
const care = { category: 'temporary_care' as const, minQuantity: 2, maxQuantity: 8 };

describe('bookingProblems', () => {
  it('asks for a time first', () => {
    expect(bookingProblems(emptyDraft(2), cleaning)).toEqual(['booking.pickSlot']);
  });

  it('is satisfied by a slot and a quantity in range', () => {
    expect(bookingProblems({ ...emptyDraft(2), slotId: 's' }, cleaning)).toEqual([]);
  });

  it('keeps the quantity within the service limits', () => {
    expect(bookingProblems({ ...emptyDraft(7), slotId: 's' }, cleaning)).toEqual([
      'booking.quantityInvalid',
    ]);
  });

  it('needs the name and age of the person cared for', () => {
    const draft = { ...emptyDraft(2), slotId: 's' };
    expect(bookingProblems(draft, care)).toEqual(['booking.careRequired']);
    draft.careRecipient = { name: '王奶奶', age: 82, needs: '' };
    expect(bookingProblems(draft, care)).toEqual([]);
    draft.careRecipient = { name: '王奶奶', age: 250, needs: '' };
    expect(bookingProblems(draft, care)).toEqual(['booking.careInvalid']);
  });
});

describe('careRecipientProblems (the API schema, field by field)', () => {
  it('names the field and the allowed range', () => {
    const range = { key: 'booking.careAgeRange', params: { min: 1, max: 120 } };
    expect(careRecipientProblems({ name: '王奶奶', age: 250, needs: '' })).toEqual({ age: range });
    expect(careRecipientProblems({ name: '王奶奶', age: 0, needs: '' })).toEqual({ age: range });
    expect(careRecipientProblems({ name: ' ', age: null, needs: '' })).toEqual({
      name: { key: 'booking.careNameRequired' },
      age: { key: 'booking.careAgeRequired' },
    });
    expect(careRecipientProblems({ name: '王奶奶', age: 120, needs: '' })).toEqual({});
  });
});

describe('careProblemsFromRefusal', () => {
  it('puts a server refusal on the field it concerns', () => {
    const refusal = TRPCClientError.from({
      error: {
        code: -32600,
        message: 'invalid',
        data: {
          code: 'BAD_REQUEST',
          httpStatus: 400,
          reason: 'invalid_input',
          fieldErrors: [{ path: ['careRecipient', 'age'], message: 'Too big' }],
        },
      },
    });
    expect(careProblemsFromRefusal(refusal)).toEqual({
      age: { key: 'booking.careAgeRange', params: { min: 1, max: 120 } },
    });
    expect(careProblemsFromRefusal(new Error('offline'))).toEqual({});
  });
});

describe('bookingRequest', () => {
  const draft = {
    ...emptyDraft(2),
    slotId: 'slot-1',
    notes: '  请敲门  ',
    allergies: '花生',
    careRecipient: { name: ' 王奶奶 ', age: 82, needs: '行动不便' },
  };

  it('sends only the fields of the service’s category', () => {
    expect(bookingRequest(draft, 'housekeeping', 'key-12345')).toEqual({
      slotId: 'slot-1',
      quantity: 2,
      notes: '请敲门',
      allergies: undefined,
      careRecipient: undefined,
      familyMemberId: undefined,
      idempotencyKey: 'key-12345',
    });
    expect(bookingRequest(draft, 'meal_delivery', 'key-12345').allergies).toBe('花生');
    expect(bookingRequest(draft, 'temporary_care', 'key-12345').careRecipient).toEqual({
      name: '王奶奶',
      age: 82,
      needs: '行动不便',
    });
  });

  it('books care for a saved family member, and nothing else for one', () => {
    const forMother = { ...draft, familyMemberId: 'fm-1' };
    expect(bookingRequest(forMother, 'temporary_care', 'key-12345').familyMemberId).toBe('fm-1');
    expect(bookingRequest(forMother, 'housekeeping', 'key-12345').familyMemberId).toBe(undefined);
  });

  it('leaves out empty notes', () => {
    expect(bookingRequest({ ...draft, notes: '  ' }, 'housekeeping', 'key-12345').notes).toBe(
      undefined,
    );
  });
});

describe('onDemandRequest', () => {
  it('books 立即上门 without a slot: the service, quantity, notes and care recipient', () => {
    const draft = {
      ...emptyDraft(2),
      mode: 'on_demand' as const,
      notes: ' 尽快 ',
      careRecipient: { name: '王奶奶', age: 82, needs: '' },
    };
    expect(
      onDemandRequest(draft, { id: 'svc-1', category: 'temporary_care' }, 'key-12345'),
    ).toEqual({
      mode: 'on_demand',
      serviceId: 'svc-1',
      quantity: 2,
      notes: '尽快',
      careRecipient: { name: '王奶奶', age: 82, needs: '' },
      idempotencyKey: 'key-12345',
    });
  });

  it('needs no slot, but still the care recipient', () => {
    const care = { category: 'temporary_care' as const, minQuantity: 1, maxQuantity: 8 };
    const draft = { ...emptyDraft(2), mode: 'on_demand' as const };
    expect(bookingProblems(draft, care)).toEqual(['booking.careRequired']);
  });
});

describe('newIdempotencyKey', () => {
  it('makes keys the API accepts, different each time', () => {
    const a = newIdempotencyKey();
    expect(a).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    expect(newIdempotencyKey()).not.toBe(a);
  });
});

describe('a meal cart', () => {
  const meals = { category: 'meal_delivery' as const, minQuantity: 1, maxQuantity: 10, menu: true };
  const rice = '3f0f5c1e-8a3b-4c55-9e55-1b6a3c0d9a01';
  const soup = '3f0f5c1e-8a3b-4c55-9e55-1b6a3c0d9a02';

  it('asks for dishes before it can be sent, and is satisfied by a cart within the bound', () => {
    const draft = { ...emptyDraft(0), slotId: 'slot-1' };
    expect(bookingProblems(draft, meals)).toContain('booking.pickDishes');
    const filled = { ...draft, cart: { [rice]: 2, [soup]: 1 }, quantity: 3 };
    expect(bookingProblems(filled, meals)).toEqual([]);
    expect(bookingProblems(filled, { ...meals, maxQuantity: 2 })).toEqual([
      'booking.quantityInvalid',
    ]);
  });

  it('sends the dishes with their portions, the quantity being the portions, and the API accepts it', () => {
    const draft = { ...emptyDraft(0), slotId: crypto.randomUUID(), cart: { [rice]: 2, [soup]: 0 } };
    const request = bookingRequest(draft, 'meal_delivery', newIdempotencyKey());
    expect(request).toMatchObject({ quantity: 2, items: [{ dishId: rice, quantity: 2 }] });
    expect(createBookingInput.safeParse(request).success).toBe(true);
    // Other categories never send a cart.
    expect(bookingRequest(draft, 'housekeeping', newIdempotencyKey()).items).toBeUndefined();
  });
});
