/**
 * Words for codes, shared by the apps (through `@cgp/api/client` and `@cgp/kit/labels`) and the
 * CSV exports, so a code reads the same on a screen and in a spreadsheet. Data only: safe in a
 * browser bundle.
 */
import type {
  ORDER_ACTOR_KINDS,
  ORDER_EVENT_KINDS,
  ORDER_MODES,
  ORDER_STATUSES,
  SERVICE_RINGS,
  SLA_STEPS,
} from '@cgp/db/order-values';
import type {
  ENTRY_PHASES,
  JOURNAL_KINDS,
  MERCHANT_STAFF_ROLES,
  MERCHANT_STATUSES,
  PAYMENT_STATUSES,
  PRICING_UNITS,
  REFUND_STATUSES,
  SERVICE_CATEGORIES,
  STATEMENT_STATUSES,
  USER_ROLES,
} from '@cgp/db/enum-values';
import type {
  PROCESSOR_LINE_KINDS,
  RECONCILIATION_FINDING_KINDS,
} from './modules/audit/reconciliation-match';
import { PAYABLE_PREFIX } from './modules/ledger/accounts';

/** A label in both languages: [中文, English]. */
export type LabelPair = readonly [zh: string, en: string];
type Table<K extends string> = Readonly<Record<K, LabelPair>>;
type Of<T extends readonly string[]> = T[number];

/**
 * THE table of words for every code the API sends (SPEC §7: users see words, never codes).
 * Each group whose codes come from an enum is typed by that enum, so a new status, role or kind
 * does not compile until it has its words here. Groups without an enum (audit actions, refund
 * causes, job states, reconciliation findings, invariants) fall back to a general word.
 */
export const LABELS = {
  orderStatus: {
    pending_payment: ['待支付', 'Awaiting payment'],
    paid: ['待接单', 'Paid, awaiting acceptance'],
    expired: ['已过期', 'Expired'],
    accepted: ['已接单', 'Accepted'],
    rejected: ['已拒单', 'Rejected'],
    cancelled: ['已取消', 'Cancelled'],
    in_service: ['服务中', 'In service'],
    completed: ['待确认', 'Completed, awaiting confirmation'],
    confirmed: ['已确认', 'Confirmed'],
    disputed: ['争议中', 'In dispute'],
    refunded: ['已退款', 'Refunded'],
    settled: ['已结算', 'Settled'],
  } satisfies Table<Of<typeof ORDER_STATUSES>>,
  actorKind: {
    resident: ['住户', 'Resident'],
    merchant: ['商户', 'Merchant'],
    property_ops: ['物业运营', 'Property operations'],
    system: ['系统自动', 'System'],
  } satisfies Table<Of<typeof ORDER_ACTOR_KINDS>>,
  orderEventKind: {
    status: ['状态变化', 'Status change'],
    assign: ['派单', 'Worker assigned'],
    arrive: ['上门到达', 'Worker arrived'],
    sla_breach: ['超时', 'Time limit missed'],
  } satisfies Table<Of<typeof ORDER_EVENT_KINDS>>,
  orderMode: {
    slot: ['预约时段', 'Booked slot'],
    on_demand: ['立即上门', 'On demand'],
  } satisfies Table<Of<typeof ORDER_MODES>>,
  serviceRing: {
    core: ['核心圈', 'Core ring'],
    service: ['服务圈', 'Service ring'],
    guarantee: ['保障圈', 'Outer ring'],
  } satisfies Table<Of<typeof SERVICE_RINGS>>,
  slaStep: {
    accept: ['接单', 'Acceptance'],
    arrive: ['上门', 'Arrival'],
  } satisfies Table<Of<typeof SLA_STEPS>>,
  role: {
    resident: ['住户', 'Resident'],
    merchant_staff: ['商户人员', 'Merchant staff'],
    property_auditor: ['物业财务审计', 'Property auditor'],
    property_ops: ['物业运营', 'Property operations'],
    platform_admin: ['平台管理员', 'Platform administrator'],
  } satisfies Table<Of<typeof USER_ROLES>>,
  staffRole: {
    owner: ['店主', 'Owner'],
    staff: ['店员', 'Staff'],
  } satisfies Table<Of<typeof MERCHANT_STAFF_ROLES>>,
  category: {
    housekeeping: ['家政服务', 'Housekeeping'],
    meal_delivery: ['送餐配送', 'Meal delivery'],
    temporary_care: ['临时看护', 'Temporary care'],
  } satisfies Table<Of<typeof SERVICE_CATEGORIES>>,
  merchantStatus: {
    pending: ['待审核', 'Pending review'],
    approved: ['已通过', 'Approved'],
    suspended: ['已暂停', 'Suspended'],
  } satisfies Table<Of<typeof MERCHANT_STATUSES>>,
  pricingUnit: {
    per_visit: ['每次', 'per visit'],
    per_hour: ['每小时', 'per hour'],
    per_meal: ['每份', 'per meal'],
  } satisfies Table<Of<typeof PRICING_UNITS>>,
  journalKind: {
    payment: ['住户付款', 'Resident payment'],
    earning: ['确认收入', 'Earnings recognised'],
    refund: ['退款', 'Refund'],
    payout: ['结算付款', 'Payout'],
    processor_fee: ['支付通道手续费', 'Processor fee'],
    dispute: ['拒付争议', 'Chargeback'],
    transfer_reversal: ['付款被撤回', 'Payout reversed'],
  } satisfies Table<Of<typeof JOURNAL_KINDS>>,
  paymentStatus: {
    open: ['待支付', 'Awaiting payment'],
    succeeded: ['支付成功', 'Paid'],
    failed: ['支付失败', 'Failed'],
    expired: ['已过期', 'Expired'],
  } satisfies Table<Of<typeof PAYMENT_STATUSES>>,
  refundStatus: {
    pending: ['退款中', 'Refund in progress'],
    succeeded: ['已退回', 'Refunded'],
    failed: ['退款失败', 'Refund failed'],
  } satisfies Table<Of<typeof REFUND_STATUSES>>,
  statementStatus: {
    pending: ['付款待支付通道确认', 'Payout awaiting the processor'],
    paid: ['已付款（已入账）', 'Paid out (posted)'],
    failed: ['付款失败（预留已退回）', 'Payout failed (reservation returned)'],
    carried: ['结转下期', 'Carried forward'],
  } satisfies Table<Of<typeof STATEMENT_STATUSES>>,
  /** An entry's phase: money the processor must still move is reserved, then posted or voided. */
  entryPhase: {
    single: ['已入账', 'Posted'],
    pending: ['预留，待支付通道确认', 'Reserved, awaiting the processor'],
    post: ['支付通道已确认', 'Confirmed by the processor'],
    void: ['已撤销，预留退回', 'Voided, reservation returned'],
  } satisfies Table<Of<typeof ENTRY_PHASES>>,
  /** The two phases of a payout in the ledger (statements, earnings, reports). */
  payoutPhase: {
    pending: ['已预留，待支付通道确认', 'Reserved, awaiting the processor'],
    posted: ['已入账', 'Posted'],
    voided: ['已撤销，款项退回应付', 'Voided, back in the payable'],
    none: ['无需付款', 'Nothing to pay'],
  },
  /** Fixed ledger accounts; `payable:merchant:<id>` is named after its merchant (see accountLabel). */
  account: {
    'cash:stripe': ['支付通道资金', 'Funds at the payment processor'],
    'escrow:order': ['订单托管款', 'Order escrow'],
    'revenue:platform': ['平台收入', 'Platform revenue'],
    'clearing:refunds': ['待支付通道确认的退款', 'Refunds awaiting the processor'],
    'clearing:payouts': ['待支付通道确认的商户付款', 'Payouts awaiting the processor'],
    'clearing:disputes': ['拒付争议冻结款', 'Held for chargebacks'],
    'expense:processor_fees': ['支付通道手续费', 'Processor fees'],
    'payable:merchant': ['应付商户款', 'Payable to merchant'],
  },
  auditAction: {
    'ops.refundOrder': ['运营退款', 'Refund by operations'],
    'ops.resolveDispute': ['处理争议', 'Dispute resolved'],
    'ops.retryRefund': ['重试退款', 'Refund retried'],
    'commission.create': ['新增分成规则', 'Commission rule added'],
    'commission.update': ['修改分成规则', 'Commission rule changed'],
    'commission.end': ['终止分成规则', 'Commission rule ended'],
    'merchant.approve': ['通过商户审核', 'Merchant approved'],
    'merchant.suspend': ['暂停商户', 'Merchant suspended'],
    'settlement.runNow': ['立即结算', 'Settlement run'],
    'settlement.retryPayout': ['重试结算付款', 'Payout retried'],
    'serviceDesk.set': ['设置物业客服电话', 'Service desk set'],
  } as Readonly<Record<string, LabelPair>>,
  /** How a resident paid (the processor's payment method type). */
  paymentMethod: {
    wechat_pay: ['微信支付', 'WeChat Pay'],
    alipay: ['支付宝', 'Alipay'],
    card: ['银行卡', 'Bank card'],
  } as Readonly<Record<string, LabelPair>>,
  /** Why money went back to a resident (the order action that caused it). */
  refundCause: {
    cancel: ['住户取消', 'Cancelled by the resident'],
    reject: ['商户拒单', 'Rejected by the merchant'],
    slaReject: ['超时未接单', 'Not accepted in time'],
    merchantCancel: ['商户取消', 'Cancelled by the merchant'],
    resolveRefund: ['争议退款', 'Dispute refund'],
    duplicate_payment: ['重复付款', 'Duplicate payment'],
    late_payment: ['订单关闭后到账的付款', 'Payment after the order closed'],
    processor_dashboard: ['支付平台后台退款', 'Refunded at the payment processor'],
    ops: ['运营退款', 'Refund by operations'],
  } as Readonly<Record<string, LabelPair>>,
  /** What happened to an order, by the action that moved it. */
  orderAction: {
    pay: ['住户付款', 'Paid'],
    expire: ['超时未支付', 'Not paid in time'],
    accept: ['商户接单', 'Accepted'],
    reject: ['商户拒单', 'Rejected'],
    slaReject: ['超时未接单', 'Not accepted in time'],
    cancel: ['住户取消', 'Cancelled by the resident'],
    merchantCancel: ['商户取消', 'Cancelled by the merchant'],
    start: ['开始服务', 'Service started'],
    complete: ['服务完成', 'Service completed'],
    confirm: ['住户确认', 'Confirmed by the resident'],
    autoConfirm: ['自动确认', 'Confirmed automatically'],
    dispute: ['住户投诉', 'Disputed by the resident'],
    resolveConfirm: ['争议处理：维持', 'Dispute closed, order stands'],
    resolveRefund: ['争议处理：退款', 'Dispute closed with a refund'],
  } as Readonly<Record<string, LabelPair>>,
  jobState: {
    waiting: ['排队中', 'Waiting'],
    'waiting-children': ['等待子任务', 'Waiting for sub-jobs'],
    prioritized: ['优先排队', 'Prioritised'],
    active: ['执行中', 'Running'],
    delayed: ['定时等待', 'Scheduled'],
    completed: ['已完成', 'Done'],
    failed: ['失败', 'Failed'],
    paused: ['已暂停', 'Paused'],
  } as Readonly<Record<string, LabelPair>>,
  queue: {
    'order-timers': ['订单计时', 'Order timers'],
    payments: ['支付处理', 'Payments'],
    settlement: ['结算', 'Settlement'],
    payouts: ['结算付款', 'Payouts'],
    reconciliation: ['对账', 'Reconciliation'],
    surveys: ['服务回访', 'Follow-up surveys'],
  } as Readonly<Record<string, LabelPair>>,
  findingKind: {
    unbooked: ['支付通道有、账本未入账', 'Not booked in the ledger'],
    entry_without_processor_object: [
      '账本分录缺少支付通道流水',
      'Ledger entry names no processor transaction',
    ],
    processor_object_missing: ['支付通道查无此笔', 'Missing at the processor'],
    amount_mismatch: ['金额不一致', 'Amount differs'],
    fee_mismatch: ['手续费不一致', 'Fee differs'],
    duplicate_booking: ['重复入账', 'Booked more than once'],
  } satisfies Table<Of<typeof RECONCILIATION_FINDING_KINDS>>,
  processorLine: {
    charge: ['收款', 'Charge'],
    refund: ['退款', 'Refund'],
    transfer: ['商户打款', 'Transfer to a merchant'],
    transfer_reversal: ['打款撤回', 'Transfer reversal'],
    dispute_withdrawal: ['拒付扣款', 'Chargeback withdrawal'],
    dispute_reinstatement: ['拒付退回', 'Chargeback reinstatement'],
    processor_fee: ['支付通道手续费', 'Processor fee'],
    other: ['其他资金变动', 'Other balance change'],
  } satisfies Table<Of<typeof PROCESSOR_LINE_KINDS>>,
  invariant: {
    entries_balance: ['每笔分录借贷平衡', 'Every journal entry balances'],
    closed_order_escrow_is_zero: ['已关闭订单的托管款为零', 'Closed orders hold no escrow'],
    pending_refunds_reserved: [
      '处理中的退款已预留，已完成或失败的退款不再占用',
      'Refunds in progress are reserved; finished or failed ones hold nothing',
    ],
    pending_payouts_reserved: [
      '待确认的商户付款已预留，已付或失败的付款不再占用',
      'Payouts awaiting the processor are reserved; paid or failed ones hold nothing',
    ],
    merchant_payable_matches_shares: [
      '应付商户款与商户分成一致',
      'Merchant payables match their shares',
    ],
    revenue_matches_platform_shares: ['平台收入与平台分成一致', 'Revenue matches platform shares'],
    orders_ledger_processor_reconcile: [
      '订单、账本与支付通道一致',
      'Orders, ledger and processor agree',
    ],
  } as Readonly<Record<string, LabelPair>>,
  disputeOutcome: {
    confirm: ['维持订单', 'Order stands'],
    refund: ['退款给住户', 'Refund the resident'],
  } as Readonly<Record<string, LabelPair>>,
} as const;

export type LabelGroup = keyof typeof LABELS;

/** The general word for a code a group does not know yet (never the code itself). */
const UNKNOWN: LabelPair = ['其他', 'Other'];

/** The label of `code` in `group`, in the given language ('zh-CN' unless English). */
export function labelOf(group: LabelGroup, code: string | null | undefined, locale = 'zh-CN') {
  const pair = (LABELS[group] as Readonly<Record<string, LabelPair>>)[code ?? ''] ?? UNKNOWN;
  return locale === 'en' ? pair[1] : pair[0];
}

/**
 * A ledger account in words: fixed accounts by the table, `payable:merchant:<id>` as
 * "应付商户款 · <merchant name>" when the name is known.
 */
export function accountLabel(account: string, locale = 'zh-CN', merchantName?: string | null) {
  if (account.startsWith(PAYABLE_PREFIX)) {
    const base = labelOf('account', 'payable:merchant', locale);
    return merchantName ? `${base} · ${merchantName}` : base;
  }
  return labelOf('account', account, locale);
}

/**
 * A refund's cause in words; an operations refund is stored as `ops: <reason>`, and says its
 * reason.
 */
export function refundCauseLabel(cause: string, locale = 'zh-CN') {
  if (cause.startsWith('ops:')) {
    return `${labelOf('refundCause', 'ops', locale)}：${cause.slice(4).trim()}`;
  }
  return labelOf('refundCause', cause, locale);
}
