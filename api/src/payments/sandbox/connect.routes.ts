import { z } from 'zod';
import type { ApiRoutes } from './api';
import { createAccount, createAccountLink } from './connect.service';
import { currencyParam, expandParam, metadataParam, nonEmpty } from './params';
import { getObject } from './store';

const capability = z
  .strictObject({ requested: z.enum(['true', 'false']).transform((v) => v === 'true') })
  .optional();

const createAccountParams = z.strictObject({
  type: z.enum(['express', 'standard', 'custom']).optional(),
  country: z.string().length(2).optional(),
  email: z.email().optional(),
  business_type: z.enum(['individual', 'company', 'non_profit', 'government_entity']).optional(),
  business_profile: z
    .strictObject({
      name: z.string().optional(),
      url: z.string().optional(),
      mcc: z.string().optional(),
    })
    .optional(),
  capabilities: z.strictObject({ transfers: capability, card_payments: capability }).optional(),
  default_currency: currencyParam.optional(),
  metadata: metadataParam,
  expand: expandParam,
});

const httpUrl = z.url({ protocol: /^https?$/ });

const createLinkParams = z.strictObject({
  account: nonEmpty,
  refresh_url: httpUrl,
  return_url: httpUrl,
  type: z.enum(['account_onboarding', 'account_update']),
  expand: expandParam,
});

/** Connect: Express accounts and the account links that onboard them. */
export function connectRoutes(api: ApiRoutes, publicUrl: string): void {
  api.post('/accounts', createAccountParams, ({ db }, params) => createAccount(db, params));
  api.get('/accounts/:id', z.strictObject({ expand: expandParam }), async ({ db, path }) => {
    return (await getObject(db, 'account', path.id!)).data;
  });
  api.post('/account_links', createLinkParams, ({ db }, params) =>
    createAccountLink(db, params, publicUrl),
  );
}
