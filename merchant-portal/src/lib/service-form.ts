import type { RouterInputs, RouterOutputs } from '@cgp/api/client';
import { bpsToPercentText, fenToYuanText, parsePercent, parseYuan } from '@cgp/kit/money';
import { createServiceInput } from './schemas';
import type { UploadedPhoto } from './upload';
import { invalidPaths } from './validation';

export type MerchantService = RouterOutputs['merchant']['services']['list']['items'][number];
export type ServiceInput = RouterInputs['merchant']['services']['create'];

/**
 * The service dialog's fields: money as yuan text, the late fee as a percentage, and the
 * cancellation and booking windows in hours (the API keeps minutes).
 */
export interface ServiceForm {
  titleZh: string;
  titleEn: string;
  descriptionZh: string;
  descriptionEn: string;
  priceYuan: string;
  pricingUnit: ServiceInput['pricingUnit'];
  minQuantity: number;
  maxQuantity: number;
  durationMinutes: number;
  freeCancelHours: number;
  lateFeePercent: string;
  bookingCutoffHours: number;
  communityIds: string[];
  /** The card's photo, already uploaded; null when there is none. */
  photo: UploadedPhoto | null;
}
export type ServiceFormField = keyof ServiceForm;

export function emptyServiceForm(communityIds: string[]): ServiceForm {
  return {
    titleZh: '',
    titleEn: '',
    descriptionZh: '',
    descriptionEn: '',
    priceYuan: '',
    pricingUnit: 'per_visit',
    minQuantity: 1,
    maxQuantity: 1,
    durationMinutes: 60,
    freeCancelHours: 2,
    lateFeePercent: '20',
    bookingCutoffHours: 1,
    communityIds,
    photo: null,
  };
}

export function serviceToForm(service: MerchantService): ServiceForm {
  return {
    titleZh: service.titleZh,
    titleEn: service.titleEn,
    descriptionZh: service.descriptionZh,
    descriptionEn: service.descriptionEn,
    priceYuan: fenToYuanText(service.priceFen),
    pricingUnit: service.pricingUnit,
    minQuantity: service.minQuantity,
    maxQuantity: service.maxQuantity,
    durationMinutes: service.durationMinutes,
    freeCancelHours: minutesToHours(service.freeCancelMinutes),
    lateFeePercent: bpsToPercentText(service.lateCancelFeeBps),
    bookingCutoffHours: minutesToHours(service.bookingCutoffMinutes),
    communityIds: [...service.communityIds],
    photo:
      service.photoId && service.photoUrl ? { id: service.photoId, url: service.photoUrl } : null,
  };
}

/** Hours as the form shows them (to the hundredth: 45 minutes is 0.75 h). */
export const minutesToHours = (minutes: number) => Math.round((minutes / 60) * 100) / 100;
/** Whole minutes for the API; a blank or negative field stays invalid for the schema to refuse. */
const hoursToMinutes = (hours: number | null | undefined) =>
  typeof hours === 'number' && Number.isFinite(hours) ? Math.round(hours * 60) : Number.NaN;

/** Form fields named after the API's: price, fee and windows are typed in other units. */
const FIELD_OF: Record<string, ServiceFormField> = {
  priceFen: 'priceYuan',
  lateCancelFeeBps: 'lateFeePercent',
  freeCancelMinutes: 'freeCancelHours',
  bookingCutoffMinutes: 'bookingCutoffHours',
  photoId: 'photo',
};

/**
 * The API input a form describes, checked by the API's own schema; or the fields that are wrong
 * (the dialog says why in the reader's language).
 */
export function readServiceForm(
  form: ServiceForm,
):
  | { input: ServiceInput; invalid?: undefined }
  | { input?: undefined; invalid: Set<ServiceFormField> } {
  const { priceYuan, lateFeePercent, freeCancelHours, bookingCutoffHours, photo, ...rest } = form;
  const input: ServiceInput = {
    ...rest,
    photoId: photo?.id ?? null,
    priceFen: parseYuan(priceYuan) ?? Number.NaN,
    lateCancelFeeBps: parsePercent(lateFeePercent) ?? Number.NaN,
    freeCancelMinutes: hoursToMinutes(freeCancelHours),
    bookingCutoffMinutes: hoursToMinutes(bookingCutoffHours),
  };
  const invalid = new Set(
    [...invalidPaths(createServiceInput, input)].map(
      (path) => FIELD_OF[path.split('.')[0]!] ?? (path.split('.')[0] as ServiceFormField),
    ),
  );
  return invalid.size ? { invalid } : { input };
}
