import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  classifyLine,
  datesOf,
  reconcile,
  type BalanceLine,
  type LedgerClaim,
  type ProcessorLineKind,
} from './reconciliation-match';

const TZ = 'Asia/Shanghai';
const DAY = { from: '2026-11-29', to: '2026-11-29' };
/** 2026-11-29 12:00 in Shanghai. */
const NOON = new Date('2026-11-29T04:00:00Z');
const COMPANY = 'company-a';

const SHAPES: Record<
  ProcessorLineKind,
  { type: string; reportingCategory: string | null; sign: 1 | -1; prefix: string; entry: string }
> = {
  charge: { type: 'charge', reportingCategory: 'charge', sign: 1, prefix: 'ch', entry: 'payment' },
  refund: { type: 'refund', reportingCategory: 'refund', sign: -1, prefix: 're', entry: 'refund' },
  transfer: {
    type: 'transfer',
    reportingCategory: 'transfer',
    sign: -1,
    prefix: 'tr',
    entry: 'payout',
  },
  transfer_reversal: {
    type: 'transfer_refund',
    reportingCategory: 'transfer_reversal',
    sign: 1,
    prefix: 'trr',
    entry: 'transfer_reversal',
  },
  dispute_withdrawal: {
    type: 'adjustment',
    reportingCategory: 'dispute',
    sign: -1,
    prefix: 'du',
    entry: 'dispute',
  },
  dispute_reinstatement: {
    type: 'adjustment',
    reportingCategory: 'dispute_reversal',
    sign: 1,
    prefix: 'du',
    entry: 'dispute',
  },
  processor_fee: {
    type: 'stripe_fee',
    reportingCategory: 'fee',
    sign: -1,
    prefix: 'fee',
    entry: 'processor_fee',
  },
  other: {
    type: 'adjustment',
    reportingCategory: 'other_adjustment',
    sign: -1,
    prefix: 'adj',
    entry: 'payment',
  },
};

let seq = 0;
function line(
  kind: ProcessorLineKind,
  gross: number,
  fee = 0,
  more: Partial<BalanceLine> = {},
): BalanceLine {
  const shape = SHAPES[kind];
  const n = ++seq;
  const amount = shape.sign * gross;
  return {
    id: `txn_${n}`,
    type: shape.type,
    reportingCategory: shape.reportingCategory,
    source: `${shape.prefix}_${n}`,
    amount,
    fee,
    net: amount - fee,
    created: NOON,
    companyId: COMPANY,
    ...more,
  };
}

/** The entry the convention asks for: names the txn, cash = net, fee line = fee. */
function bookingOf(l: BalanceLine, more: Partial<LedgerClaim> = {}): LedgerClaim {
  const kind = Object.entries(SHAPES).find(([k]) => k === classifyLine(l))?.[1].entry ?? 'payment';
  return {
    entryId: `entry_${l.id}`,
    kind,
    processorObjectId: l.id,
    cashFen: l.net,
    feeFen: l.fee,
    created: l.created,
    companyId: l.companyId,
    orderId: null,
    statementId: null,
    refundId: null,
    ...more,
  };
}

/** A business day with every kind of money the processor moves: fees on every charge. */
function busyDay() {
  const lines = [
    line('charge', 39_900, 1_397),
    line('charge', 12_000, 420),
    line('refund', 5_000),
    line('refund', 12_000), // made in the processor's dashboard
    line('dispute_withdrawal', 39_900, 1_500),
    line('dispute_reinstatement', 8_800),
    line('transfer', 20_000),
    line('transfer_reversal', 6_000),
    line('processor_fee', 300, 0, { companyId: null }),
  ];
  return { lines, claims: lines.map((l) => bookingOf(l)) };
}

const run = (lines: BalanceLine[], claims: LedgerClaim[], period = DAY) =>
  reconcile({ lines, claims, period, timeZone: TZ });

describe('classifying balance transactions', () => {
  it('reads each processor type as the ledger sees it', () => {
    const kinds = Object.entries(SHAPES).map(([kind, s]) => [
      kind,
      classifyLine({ type: s.type, reportingCategory: s.reportingCategory, amount: s.sign }),
    ]);
    expect(kinds.every(([a, b]) => a === b)).toBe(true);
    expect(classifyLine({ type: 'payment', reportingCategory: 'charge', amount: 1 })).toBe(
      'charge',
    );
    expect(classifyLine({ type: 'payment_refund', reportingCategory: null, amount: -1 })).toBe(
      'refund',
    );
    expect(classifyLine({ type: 'something_new', reportingCategory: null, amount: 1 })).toBe(
      'other',
    );
  });
});

describe('two-way matching of a business day', () => {
  it('reconciles a fully booked day to zero findings, each side matched exactly once', () => {
    const { lines, claims } = busyDay();
    const out = run(lines, claims);
    expect(out.findings).toEqual([]);
    expect(out.matches).toHaveLength(lines.length);
    expect(new Set(out.matches.map((m) => m.entryId)).size).toBe(claims.length);
    expect(out.days.find((d) => d.companyId === null)).toEqual({
      businessDate: '2026-11-29',
      companyId: null,
      balanceTransactions: 9,
      entries: 9,
      findings: 0,
    });
    // The company sees its own money; the deployment-wide fee is the operator's.
    expect(out.days.find((d) => d.companyId === COMPANY)).toMatchObject({
      balanceTransactions: 8,
      findings: 0,
    });
  });

  it('names an unbooked chargeback in words and yuan', () => {
    const { lines, claims } = busyDay();
    const dispute = lines[4]!;
    const out = run(
      lines,
      claims.filter((c) => c.processorObjectId !== dispute.id),
    );
    expect(out.findings).toHaveLength(1);
    expect(out.findings[0]).toMatchObject({
      kind: 'unbooked',
      balanceTransactionId: dispute.id,
      sourceId: dispute.source,
      lineKind: 'dispute_withdrawal',
      companyId: COMPANY,
      entryIds: [],
      processorAmountFen: -39_900,
      processorFeeFen: 1_500,
      ledgerCashFen: null,
      detailZh: `支付通道有一笔拒付扣款 ¥399.00（${dispute.source}，手续费 ¥15.00）未入账`,
      detailEn: `The processor has a chargeback withdrawal of ¥399.00 (${dispute.source}, fee ¥15.00) that the ledger does not book`,
    });
    expect(out.days.find((d) => d.companyId === COMPANY)!.findings).toBe(1);
  });

  it('removing any one booking is reported as exactly that balance transaction, unbooked', () => {
    const { lines, claims } = busyDay();
    for (const gone of lines) {
      const out = run(
        lines,
        claims.filter((c) => c.processorObjectId !== gone.id),
      );
      expect(out.findings.map((f) => [f.kind, f.balanceTransactionId])).toEqual([
        ['unbooked', gone.id],
      ]);
      expect(out.findings[0]!.detailZh).toContain(gone.source!);
    }
  });

  it('reports an entry that moves processor money without naming a balance transaction', () => {
    const { lines, claims } = busyDay();
    const stray: LedgerClaim = {
      ...bookingOf(line('refund', 2_500)),
      entryId: 'entry_stray',
      processorObjectId: null,
    };
    const out = run(lines, [...claims, stray]);
    expect(out.findings).toEqual([
      expect.objectContaining({
        kind: 'entry_without_processor_object',
        entryIds: ['entry_stray'],
        balanceTransactionId: null,
        ledgerCashFen: -2_500,
        detailZh: '账本中的一笔退款 ¥25.00 没有对应的支付通道流水',
        detailEn: 'A refund of ¥25.00 in the ledger names no processor transaction',
      }),
    ]);
  });

  it('reports an entry naming a balance transaction the processor does not have', () => {
    const { lines, claims } = busyDay();
    const ghost = bookingOf(line('transfer', 7_000), { entryId: 'entry_ghost' });
    const out = run(lines, [...claims, ghost]);
    expect(out.findings).toEqual([
      expect.objectContaining({
        kind: 'processor_object_missing',
        balanceTransactionId: ghost.processorObjectId,
        entryIds: ['entry_ghost'],
        detailZh: `账本中的一笔结算付款 ¥70.00 注明的支付通道流水 ${ghost.processorObjectId} 在支付通道查无此笔`,
      }),
    ]);
  });

  it('tells a different net from a fee the ledger did not book', () => {
    const { lines, claims } = busyDay();
    const [charge, other] = lines;
    const wrong = claims.map((c) =>
      c.processorObjectId === charge!.id
        ? { ...c, cashFen: charge!.amount, feeFen: 0 } // booked gross, fee forgotten
        : c.processorObjectId === other!.id
          ? { ...c, cashFen: c.cashFen + 100 }
          : c,
    );
    const out = run(lines, wrong);
    const byTxn = new Map(out.findings.map((f) => [f.balanceTransactionId, f]));
    expect(byTxn.get(charge!.id)).toMatchObject({
      kind: 'fee_mismatch',
      processorFeeFen: 1_397,
      ledgerFeeFen: 0,
      detailZh: `收款（${charge!.source}）的手续费：支付通道扣 ¥13.97，账本记 ¥0.00`,
    });
    expect(byTxn.get(other!.id)).toMatchObject({
      kind: 'amount_mismatch',
      processorNetFen: 11_580,
      ledgerCashFen: 11_680,
      detailZh: `收款（${other!.source}）：支付通道净额 ¥115.80，账本记 ¥116.80`,
      detailEn: `Charge (${other!.source}): the processor's net is ¥115.80, the ledger books ¥116.80`,
    });
    expect(out.findings).toHaveLength(2);
  });

  it('reports a balance transaction booked twice, naming both entries', () => {
    const { lines, claims } = busyDay();
    const refund = lines[2]!;
    const again = bookingOf(refund, { entryId: 'entry_again' });
    const out = run(lines, [...claims, again]);
    expect(out.findings).toEqual([
      expect.objectContaining({
        kind: 'duplicate_booking',
        balanceTransactionId: refund.id,
        entryIds: [`entry_${refund.id}`, 'entry_again'],
        ledgerCashFen: -10_000,
        detailZh: `支付通道的一笔退款 ¥50.00（${refund.source}）在账本中入账了 2 次`,
      }),
    ]);
    expect(out.matches.some((m) => m.balanceTransactionId === refund.id)).toBe(false);
  });

  it('puts a pair on the processor’s business day, whenever the entry was written', () => {
    // 23:59:59 in Shanghai on the 29th; booked 00:00:05 on the 30th.
    const late = line('charge', 10_000, 350, { created: new Date('2026-11-29T15:59:59Z') });
    const booked = bookingOf(late, { created: new Date('2026-11-29T16:00:05Z') });
    expect(run([late], [booked]).matches).toHaveLength(1);
    const next = run([late], [booked], { from: '2026-11-30', to: '2026-11-30' });
    expect(next.matches).toEqual([]);
    expect(next.findings).toEqual([]);
    expect(next.days).toEqual([
      {
        businessDate: '2026-11-30',
        companyId: null,
        balanceTransactions: 0,
        entries: 0,
        findings: 0,
      },
    ]);
    // The processor's object of the 29th, unbooked, is the 29th's finding, not the 30th's.
    expect(run([late], [], { from: '2026-11-30', to: '2026-11-30' }).findings).toEqual([]);
    expect(run([late], []).findings[0]!.businessDate).toBe('2026-11-29');
  });

  it('scopes findings to the company of the money, and deployment-wide items to no company', () => {
    const fee = line('processor_fee', 300, 0, { companyId: null });
    const theirs = line('charge', 5_000, 175, { companyId: 'company-b' });
    const out = run([fee, theirs], []);
    expect(out.findings.map((f) => f.companyId).sort()).toEqual(['company-b', null].sort());
    expect(out.days).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ companyId: null, findings: 2 }),
        expect.objectContaining({ companyId: 'company-b', findings: 1 }),
      ]),
    );
    // A balance transaction we could not place takes the company of the entry that books it.
    const placed = run(
      [{ ...theirs, companyId: null }],
      [bookingOf({ ...theirs, companyId: 'company-b' })],
    );
    expect(placed.matches[0]!.companyId).toBe('company-b');
  });

  it('lists every day of the period for the deployment, even the quiet ones', () => {
    expect(datesOf({ from: '2026-02-27', to: '2026-03-01' })).toEqual([
      '2026-02-27',
      '2026-02-28',
      '2026-03-01',
    ]);
    const out = run([], [], { from: '2026-11-01', to: '2026-11-30' });
    expect(out.days.map((d) => d.businessDate)).toHaveLength(30);
    expect(out.days.every((d) => d.findings === 0)).toBe(true);
  });
});

const kinds = Object.keys(SHAPES) as ProcessorLineKind[];
const arbitraryLines = fc.array(
  fc.record({
    kind: fc.constantFrom(...kinds),
    gross: fc.integer({ min: 1, max: 10_000_000 }),
    fee: fc.integer({ min: 0, max: 5_000 }),
    offsetSeconds: fc.integer({ min: 0, max: 86_399 }),
    company: fc.constantFrom(COMPANY, 'company-b', null),
  }),
  { maxLength: 30 },
);
const START = Date.parse('2026-11-28T16:00:00Z'); // 29th, 00:00 in Shanghai

function linesOf(
  specs: {
    kind: ProcessorLineKind;
    gross: number;
    fee: number;
    offsetSeconds: number;
    company: string | null;
  }[],
) {
  return specs.map((s) =>
    line(s.kind, s.gross, s.fee, {
      created: new Date(START + s.offsetSeconds * 1_000),
      companyId: s.company,
    }),
  );
}

describe('properties of the matcher', () => {
  it('a fully booked day has no findings and matches each side exactly once', () => {
    fc.assert(
      fc.property(arbitraryLines, (specs) => {
        const lines = linesOf(specs);
        const out = run(
          lines,
          lines.map((l) => bookingOf(l)),
        );
        expect(out.findings).toEqual([]);
        expect(out.matches.map((m) => m.balanceTransactionId).sort()).toEqual(
          lines.map((l) => l.id).sort(),
        );
      }),
    );
  });

  it('every balance transaction and every entry is accounted for exactly once, whatever is wrong', () => {
    const damage = fc.constantFrom('drop', 'twice', 'amount', 'fee', 'unnamed', 'ghost', 'none');
    fc.assert(
      fc.property(arbitraryLines, fc.array(damage, { maxLength: 30 }), (specs, harms) => {
        const lines = linesOf(specs);
        const claims: LedgerClaim[] = [];
        lines.forEach((l, i) => {
          const booked = bookingOf(l);
          switch (harms[i] ?? 'none') {
            case 'drop':
              return;
            case 'twice':
              claims.push(booked, { ...booked, entryId: `${booked.entryId}_again` });
              return;
            case 'amount':
              claims.push({ ...booked, cashFen: booked.cashFen - 1 });
              return;
            case 'fee':
              claims.push({ ...booked, cashFen: l.amount, feeFen: 0 });
              return;
            case 'unnamed':
              claims.push({ ...booked, processorObjectId: null });
              return;
            case 'ghost':
              claims.push(booked, {
                ...booked,
                entryId: 'x' + booked.entryId,
                processorObjectId: `txn_gone_${i}`,
              });
              return;
            default:
              claims.push(booked);
          }
        });
        const out = run(lines, claims);
        const lineUses = [
          ...out.matches.map((m) => m.balanceTransactionId),
          ...out.findings.filter((f) => f.lineKind !== null).map((f) => f.balanceTransactionId),
        ];
        expect(lineUses.sort()).toEqual(lines.map((l) => l.id).sort());
        const entryUses = [
          ...out.matches.map((m) => m.entryId),
          ...out.findings.flatMap((f) => f.entryIds),
        ];
        expect(entryUses.sort()).toEqual(claims.map((c) => c.entryId).sort());
        // A finding is reported for every harm that changes the books, and only for those.
        const harmed = lines.filter((l, i) => {
          const h = harms[i] ?? 'none';
          return h !== 'none' && h !== 'ghost' && !(h === 'fee' && l.fee === 0);
        });
        expect(out.matches).toHaveLength(lines.length - harmed.length);
        const deployment = out.days.find((d) => d.companyId === null)!;
        expect(deployment.findings).toBe(out.findings.length);
      }),
    );
  });
});
