/** What a processor object says about the order, refund or statement it moved money for. */
export interface ProcessorRefs {
  paymentIntentId?: string | null;
  /** Our refund rows keep the processor's `re_` id. */
  refundId?: string | null;
  /** Our statements keep the processor's `tr_` id, and name themselves as its transfer group. */
  transferId?: string | null;
  transferGroup?: string | null;
}

const idOf = (ref: unknown): string | null =>
  typeof ref === 'string'
    ? ref
    : ref && typeof ref === 'object' && typeof (ref as { id?: unknown }).id === 'string'
      ? (ref as { id: string }).id
      : null;

const field = (object: Record<string, unknown>, key: string): unknown => object[key];

/**
 * Reads a balance transaction's (expanded) source: a charge, refund or dispute points at its
 * payment intent; a transfer at its statement (id or transfer group); a reversal at its transfer.
 * Pure: the caller looks the references up.
 */
export function processorRefsOf(source: unknown): ProcessorRefs {
  if (!source || typeof source !== 'object') return {};
  const object = source as Record<string, unknown>;
  switch (field(object, 'object')) {
    case 'charge':
    case 'dispute':
      return { paymentIntentId: idOf(field(object, 'payment_intent')) };
    case 'refund':
      return { refundId: idOf(object), paymentIntentId: idOf(field(object, 'payment_intent')) };
    case 'transfer':
      return {
        transferId: idOf(object),
        transferGroup: (field(object, 'transfer_group') as string | null | undefined) ?? null,
      };
    case 'transfer_reversal': {
      const transfer = field(object, 'transfer');
      return {
        transferId: idOf(transfer),
        transferGroup:
          transfer && typeof transfer === 'object'
            ? ((transfer as { transfer_group?: string | null }).transfer_group ?? null)
            : null,
      };
    }
    default:
      return {};
  }
}
