import { describe, expect, it } from 'vitest';
import {
  emptyServiceForm,
  readServiceForm,
  serviceToForm,
  type MerchantService,
} from './service-form';

const COMMUNITY = '6f1c2a3b-1111-4222-8333-444455556666';

describe('the service form', () => {
  it('turns yuan and percent text into the integer fen and bps the API takes', () => {
    const form = {
      ...emptyServiceForm([COMMUNITY]),
      titleZh: '空调清洗',
      titleEn: 'AC cleaning',
      priceYuan: '128.5',
      lateFeePercent: '12.5',
    };
    expect(readServiceForm(form)).toEqual({
      input: expect.objectContaining({ priceFen: 12_850, lateCancelFeeBps: 1250 }) as unknown,
    });
  });

  it('names the fields the shared schema refuses, in the form’s own terms', () => {
    const form = {
      ...emptyServiceForm([]),
      titleZh: '  ',
      titleEn: 'ok',
      priceYuan: '0',
      lateFeePercent: '101',
      minQuantity: 3,
      maxQuantity: 2,
    };
    const result = readServiceForm(form);
    expect(result.invalid && [...result.invalid].sort()).toEqual(
      ['communityIds', 'lateFeePercent', 'maxQuantity', 'priceYuan', 'titleZh'].sort(),
    );
    expect(readServiceForm({ ...form, priceYuan: '12.345' }).invalid?.has('priceYuan')).toBe(true);
  });

  it('shows an existing service as it was saved', () => {
    const service = {
      titleZh: '日常保洁',
      titleEn: 'Cleaning',
      descriptionZh: '',
      descriptionEn: '',
      priceFen: 5000,
      pricingUnit: 'per_hour',
      minQuantity: 2,
      maxQuantity: 6,
      durationMinutes: 120,
      freeCancelMinutes: 240,
      lateCancelFeeBps: 2000,
      bookingCutoffMinutes: 120,
      communityIds: [COMMUNITY],
    } as MerchantService;
    const form = serviceToForm(service);
    expect(form).toMatchObject({
      priceYuan: '50.00',
      lateFeePercent: '20',
      freeCancelHours: 4,
      bookingCutoffHours: 2,
    });
    expect(readServiceForm(form).input).toMatchObject({
      priceFen: 5000,
      lateCancelFeeBps: 2000,
      freeCancelMinutes: 240,
      bookingCutoffMinutes: 120,
    });
  });

  it('takes the windows in hours and sends minutes; the English name may be left out', () => {
    const form = {
      ...emptyServiceForm([COMMUNITY]),
      titleZh: '空调清洗',
      priceYuan: '99',
      freeCancelHours: 1.5,
      bookingCutoffHours: 24,
    };
    expect(form.titleEn).toBe('');
    expect(readServiceForm(form).input).toMatchObject({
      titleEn: '',
      freeCancelMinutes: 90,
      bookingCutoffMinutes: 1440,
    });
    // A cleared number field, or more than a week, is the hours field's error.
    expect(readServiceForm({ ...form, freeCancelHours: Number.NaN }).invalid).toEqual(
      new Set(['freeCancelHours']),
    );
    expect(readServiceForm({ ...form, bookingCutoffHours: 169 }).invalid).toEqual(
      new Set(['bookingCutoffHours']),
    );
  });
});
