import type { AppRouter } from '@cgp/api/client';
import { TRPCClientError } from '@trpc/client';

export type ApiError = TRPCClientError<AppRouter>;

/** The client's error class, for the apps' tests that build refusals as the API sends them. */
export { TRPCClientError };

export function isApiError(error: unknown): error is ApiError {
  return error instanceof TRPCClientError;
}

/** A call that never got an answer from the API (offline, server down). */
export function isNetworkError(error: unknown): boolean {
  return isApiError(error) ? !error.data && !error.shape : error instanceof TypeError;
}

export function isUnauthorized(error: unknown): boolean {
  return isApiError(error) && error.data?.code === 'UNAUTHORIZED';
}

/** Why a booking found no room: the slot filled up, closed, or passed its cut-off meanwhile. */
export type SlotRefusal = 'slot_full' | 'booking_closed' | 'slot_closed';

export function slotRefusal(error: unknown): SlotRefusal | null {
  if (!isApiError(error) || error.data?.code !== 'CONFLICT') return null;
  const reason = error.data.reason;
  return reason === 'slot_full' || reason === 'booking_closed' || reason === 'slot_closed'
    ? reason
    : null;
}

/** The API's stable `data.reason` words and the message (`kit.errors.<key>`) each one reads as. */
const REASON_KEYS: Record<string, string> = {
  invalid_credentials: 'invalidCredentials',
  slot_full: 'slotFull',
  dish_unavailable: 'dishUnavailable',
  dish_not_on_menu: 'dishNotOnMenu',
  menu_required: 'menuRequired',
  slot_closed: 'bookingClosed',
  booking_closed: 'bookingClosed',
  quantity_out_of_range: 'quantityOutOfRange',
  care_recipient_required: 'careRecipientRequired',
  idempotency_key_reused: 'bookingChanged',
  not_payable: 'notPayable',
  payment_window_closed: 'paymentWindowClosed',
  payment_processing: 'paymentProcessing',
  amount_too_small: 'amountTooSmall',
  invalid_transition: 'orderChanged',
  deadline: 'deadlinePassed',
  too_early_to_start: 'tooEarlyToStart',
  not_reviewable: 'notReviewable',
  already_reviewed: 'alreadyReviewed',
  already_answered: 'alreadyAnswered',
  survey_closed: 'surveyClosed',
  answers_mismatch: 'answersMismatch',
  capacity_below_booked: 'capacityBelowBooked',
  community_not_served: 'communityNotServed',
  start_date_out_of_range: 'startDateOutOfRange',
  session_ended: 'signedOut',
  refund_exceeds_payment: 'refundTooLarge',
  not_earned: 'notEarned',
  no_worker_available: 'noWorkerAvailable',
  not_on_demand: 'notOnDemand',
  phone_taken: 'phoneTaken',
  worker_busy: 'workerBusy',
  worker_inactive: 'workerInactive',
  already_assigned: 'alreadyAssigned',
  not_assignable: 'notAssignable',
  unknown_merchant: 'unknownMerchant',
  commission_rule_ended: 'commissionRuleEnded',
  commission_end_before_start: 'commissionEndBeforeStart',
  commission_date_past: 'commissionDatePast',
};

const CODE_KEYS: Record<string, string> = {
  UNAUTHORIZED: 'signedOut',
  FORBIDDEN: 'forbidden',
  NOT_FOUND: 'notFound',
  CONFLICT: 'conflict',
  TOO_MANY_REQUESTS: 'rateLimitedSoon',
  BAD_REQUEST: 'invalidInput',
};

/**
 * The i18n key (and its parameters) that says what went wrong in the reader's words. The API's
 * `data.reason` is the stable word to translate; the tRPC code is the fallback. Every app uses
 * this one mapping and the kit's `kit.errors` messages.
 */
export function errorMessageKey(error: unknown): { key: string; params?: Record<string, unknown> } {
  const key = (name: string, params?: Record<string, unknown>) =>
    params ? { key: `kit.errors.${name}`, params } : { key: `kit.errors.${name}` };
  if (isNetworkError(error)) return key('network');
  if (!isApiError(error)) return key('unknown');
  const data = error.data;
  const reason = data?.reason;
  if (reason === 'rate_limited') {
    const seconds = Number(data?.details?.retryAfterSeconds);
    if (!Number.isFinite(seconds) || seconds <= 0) return key('rateLimitedSoon');
    return seconds < 60
      ? key('rateLimitedSeconds', { n: Math.ceil(seconds) })
      : key('rateLimitedMinutes', { n: Math.ceil(seconds / 60) });
  }
  if (reason === 'invalid_input') {
    return data?.fieldErrors?.some((f) => f.path[0] === 'phone')
      ? key('invalidPhone')
      : key('invalidInput');
  }
  const known = reason ? REASON_KEYS[reason] : undefined;
  if (known) return key(known, data?.details);
  return key((data?.code && CODE_KEYS[data.code]) || 'server');
}
