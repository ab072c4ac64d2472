import type { RouterInputs, RouterOutputs } from '@cgp/api/client';
import { fenToYuanText, parseYuan } from '@cgp/kit/money';
import { dishFields } from './schemas';
import { invalidPaths } from './validation';

export type MerchantDish = RouterOutputs['merchant']['dishes']['list']['items'][number];
export type DishInput = Omit<RouterInputs['merchant']['dishes']['create'], 'serviceId'>;

/** The dish dialog's fields: the price as 元 text, the photo as what was uploaded. */
export interface DishForm {
  nameZh: string;
  nameEn: string;
  priceYuan: string;
  available: boolean;
  photo: { id: string; url: string } | null;
}
export type DishFormField = 'nameZh' | 'nameEn' | 'priceYuan';

export const emptyDishForm = (): DishForm => ({
  nameZh: '',
  nameEn: '',
  priceYuan: '',
  available: true,
  photo: null,
});

export const dishToForm = (dish: MerchantDish): DishForm => ({
  nameZh: dish.nameZh,
  nameEn: dish.nameEn,
  priceYuan: fenToYuanText(dish.priceFen),
  available: dish.available,
  photo: dish.photo,
});

/** The API input a form describes, checked by the API's own schema; or the wrong fields. */
export function readDishForm(
  form: DishForm,
): { input: DishInput; invalid?: undefined } | { input?: undefined; invalid: Set<DishFormField> } {
  const input: DishInput = {
    nameZh: form.nameZh,
    nameEn: form.nameEn,
    priceFen: parseYuan(form.priceYuan) ?? Number.NaN,
    available: form.available,
    photoId: form.photo?.id ?? null,
  };
  const invalid = new Set(
    [...invalidPaths(dishFields, input)].map((path) =>
      path === 'priceFen' ? 'priceYuan' : (path as DishFormField),
    ),
  );
  return invalid.size ? { invalid } : { input };
}
