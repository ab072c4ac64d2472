import type Stripe from 'stripe';
import { formatYuan } from './money';
import type { PaymentUnderTest } from './test-tools';

/**
 * Server-rendered pages a person can use without any script: a form per action, bilingual
 * labels (zh-CN first), and nothing that could pass for a real payment page.
 */

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const STYLE = `
  body { font-family: system-ui, "PingFang SC", "Microsoft YaHei", sans-serif; margin: 0; background: #f4f5f7; color: #1f2329; }
  main { max-width: 30rem; margin: 2rem auto; background: #fff; border-radius: 12px; padding: 1.5rem; box-shadow: 0 2px 8px #0001; overflow-wrap: anywhere; }
  .banner { background: #fff7e6; color: #ad6800; border-radius: 8px; padding: .5rem .75rem; font-size: .875rem; }
  table { width: 100%; border-collapse: collapse; margin: 1rem 0; }
  td { padding: .5rem 0; border-bottom: 1px solid #eee; }
  td.num { text-align: right; white-space: nowrap; }
  .total { font-size: 1.5rem; font-weight: 600; text-align: right; }
  fieldset { border: 0; padding: 0; margin: 1rem 0; }
  label { display: block; padding: .5rem; border: 1px solid #ddd; border-radius: 8px; margin-bottom: .5rem; }
  button { width: 100%; font-size: 1rem; padding: .75rem; border: 0; border-radius: 8px; margin-top: .5rem; cursor: pointer; }
  .pay { background: #1677ff; color: #fff; }
  .fail { background: #fff1f0; color: #cf1322; }
  .error { color: #cf1322; }
  .muted { color: #646a73; font-size: .875rem; }
  main.wide { max-width: 46rem; }
  section { border-top: 1px solid #eee; padding-top: .75rem; margin-top: 1rem; }
  h2 { font-size: 1.05rem; margin: .25rem 0 .5rem; }
  .row { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; }
  .row input { flex: 1 1 8rem; font-size: 1rem; padding: .6rem; border: 1px solid #ccc; border-radius: 8px; }
  .row button { width: auto; flex: 0 0 auto; margin-top: 0; padding: .6rem 1rem; }
  .warn { background: #fff1f0; color: #cf1322; }
  .ok { background: #f6ffed; color: #389e0d; }
  .notice { background: #f6ffed; color: #237804; border-radius: 8px; padding: .5rem .75rem; }
  .tag { display: inline-block; border-radius: 4px; padding: 0 .4rem; font-size: .8rem; background: #f0f0f0; }
`;

function layout(title: string, body: string, wide = false): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body><main${wide ? ' class="wide"' : ''}>
<p class="banner">支付沙箱：不会真实扣款 · Payment sandbox: no real money moves</p>
${body}
</main></body>
</html>`;
}

const METHOD_LABELS: Record<string, string> = {
  card: '银行卡 Card',
  alipay: '支付宝 Alipay',
  wechat_pay: '微信支付 WeChat Pay',
};

export function successRedirect(session: Stripe.Checkout.Session): string | null {
  return session.success_url?.replaceAll('{CHECKOUT_SESSION_ID}', session.id) ?? null;
}

export function checkoutPage(
  session: Stripe.Checkout.Session,
  lineItems: Stripe.LineItem[],
  notice: 'declined' | null,
): string {
  const total = formatYuan(session.amount_total ?? 0);
  const rows = lineItems
    .map(
      (li) =>
        `<tr><td>${escapeHtml(li.description ?? '')}</td><td class="num">× ${li.quantity ?? 1}</td>` +
        `<td class="num">${formatYuan(li.amount_total)}</td></tr>`,
    )
    .join('');
  const summary = `<h1>订单支付 · Pay for your order</h1>
<table>${rows}</table>
<p class="total">合计 Total ${total}</p>`;

  if (session.status === 'complete') {
    const next = successRedirect(session);
    return layout(
      '已支付 Paid',
      `${summary}<p>已支付 · Paid.</p>${next ? `<p><a href="${escapeHtml(next)}">返回商户 · Back to the merchant</a></p>` : ''}${
        typeof session.payment_intent === 'string'
          ? `<p class="muted"><a href="/test/payments/${escapeHtml(session.payment_intent)}">测试工具：退款、拒付、冲正 · Test tools</a></p>`
          : ''
      }`,
    );
  }
  if (session.status === 'expired') {
    return layout(
      '已过期 Expired',
      `${summary}<p class="error">支付已过期 · This payment page has expired.</p>`,
    );
  }
  const methods = session.payment_method_types
    .map(
      (type, i) =>
        `<label><input type="radio" name="payment_method" value="${escapeHtml(type)}"${i === 0 ? ' checked' : ''}> ${escapeHtml(METHOD_LABELS[type] ?? type)}</label>`,
    )
    .join('');
  const cancel = session.cancel_url
    ? `<p class="muted"><a href="${escapeHtml(session.cancel_url)}">取消并返回 · Cancel and go back</a></p>`
    : '';
  const declined =
    notice === 'declined'
      ? '<p class="error">支付失败，请重试 · The payment was declined; try again.</p>'
      : '';
  return layout(
    `支付 ${total} · Pay ${total}`,
    `${summary}${declined}
<form method="post">
<fieldset><legend>支付方式 · Payment method</legend>${methods}</fieldset>
<button class="pay" type="submit" name="outcome" value="succeeded">支付 Pay ${total}</button>
<button class="fail" type="submit" name="outcome" value="failed">模拟失败 Fail</button>
</form>
${cancel}
<p class="muted">${escapeHtml(session.id)}</p>`,
  );
}

const STATUS_LABELS: Record<string, string> = {
  succeeded: '成功 succeeded',
  pending: '处理中 pending',
  failed: '失败 failed',
  needs_response: '待处理 open',
  under_review: '审核中 under review',
  won: '已胜诉 won',
  lost: '已败诉 lost',
};
const statusLabel = (status: string | null) =>
  `<span class="tag">${escapeHtml(STATUS_LABELS[status ?? ''] ?? status ?? '')}</span>`;

const amountInput = (placeholder: string) =>
  `<input name="amount" inputmode="decimal" placeholder="${escapeHtml(placeholder)}" aria-label="金额（元）Amount in yuan">`;

/**
 * The sandbox's test page for one payment: what a tester does where Stripe's Dashboard or the
 * card network would act, each a form that sends the events Stripe would. Amounts are typed in
 * 元; empty means all that is left.
 */
export function testToolsPage(payment: PaymentUnderTest, notice: string | null): string {
  const { intent, charge } = payment;
  const header = `<h1>测试工具 · Test tools</h1>
<table>
<tr><td>付款 Payment</td><td class="num">${formatYuan(intent.amount)} ${statusLabel(intent.status)}</td></tr>
${charge ? `<tr><td>已退款 Refunded</td><td class="num">${formatYuan(charge.amount_refunded)}</td></tr>` : ''}
</table>
${notice ? `<p class="notice" role="status">${escapeHtml(notice)}</p>` : ''}`;
  if (!charge) {
    return layout(
      '测试工具 · Test tools',
      `${header}<p>这笔付款尚未扣款 · Not charged yet.</p>`,
      true,
    );
  }
  const left = charge.amount - charge.amount_refunded;
  const refunds = payment.refunds
    .map(
      (r) =>
        `<tr><td>${formatYuan(r.amount)}</td><td class="num">${statusLabel(r.status)}</td></tr>`,
    )
    .join('');
  const refundSection = `<section><h2>后台退款 · Refund in the Dashboard</h2>
<p class="muted">如同有人在支付平台后台直接退款，平台并未发起 · As if someone refunded in Stripe's Dashboard.</p>
${refunds ? `<table>${refunds}</table>` : ''}
<form method="post" class="row"><input type="hidden" name="action" value="refund">
${amountInput(`最多 ${formatYuan(left)}，留空为全部 · empty: all`)}
<button class="fail" type="submit">后台退款 Refund</button></form></section>`;

  const open = payment.disputes.find((d) => d.status !== 'won' && d.status !== 'lost');
  const disputes = payment.disputes
    .map((d) => {
      const decide =
        d === open
          ? `<form method="post" class="row"><input type="hidden" name="action" value="dispute_won"><input type="hidden" name="dispute" value="${escapeHtml(d.id)}"><button class="ok" type="submit">判平台胜诉 Win</button></form>
<form method="post" class="row"><input type="hidden" name="action" value="dispute_lost"><input type="hidden" name="dispute" value="${escapeHtml(d.id)}"><button class="warn" type="submit">判平台败诉 Lose</button></form>`
          : '';
      return `<tr><td>${formatYuan(d.amount)}</td><td class="num">${statusLabel(d.status)}</td></tr>${decide ? `<tr><td colspan="2"><div class="row">${decide}</div></td></tr>` : ''}`;
    })
    .join('');
  const disputeSection = `<section><h2>拒付争议 · Chargeback</h2>
<p class="muted">持卡人向发卡行提出拒付：争议金额与争议手续费立即从平台余额扣除 · The card network takes the amount and the dispute fee at once.</p>
${disputes ? `<table>${disputes}</table>` : ''}
${
  open || charge.disputed
    ? ''
    : `<form method="post" class="row"><input type="hidden" name="action" value="dispute">
${amountInput(`最多 ${formatYuan(left)}，留空为全部 · empty: all`)}
<button class="warn" type="submit">发起拒付 Open dispute</button></form>`
}</section>`;

  const transfers = payment.transfers
    .map((t) => {
      const remaining = t.amount - t.amount_reversed;
      const form =
        remaining > 0
          ? `<form method="post" class="row"><input type="hidden" name="action" value="reverse"><input type="hidden" name="transfer" value="${escapeHtml(t.id)}">
${amountInput(`最多 ${formatYuan(remaining)}`)}<button class="warn" type="submit">冲正 Reverse</button></form>`
          : '<p class="muted">已全部冲正 · Fully reversed</p>';
      return `<tr><td>${formatYuan(t.amount)} → ${escapeHtml(t.destination ? String(typeof t.destination === 'string' ? t.destination : t.destination.id) : '')}<br><span class="muted">${escapeHtml(t.transfer_group ?? '')}</span></td><td class="num">已冲正 ${formatYuan(t.amount_reversed)}</td></tr><tr><td colspan="2">${form}</td></tr>`;
    })
    .join('');
  const transferSection = `<section><h2>转账冲正 · Transfer reversal</h2>
<p class="muted">从商户账户收回已付给商户的款项 · Take back money paid out to a merchant.</p>
${transfers ? `<table>${transfers}</table>` : '<p class="muted">暂无转账 · No transfers yet.</p>'}</section>`;

  return layout(
    '测试工具 · Test tools',
    `${header}${refundSection}${disputeSection}${transferSection}<p class="muted">${escapeHtml(intent.id)} · ${escapeHtml(charge.id)}</p>`,
    true,
  );
}

export function onboardingPage(account: Stripe.Account, returnUrl: string): string {
  const name = account.business_profile?.name ?? account.email ?? account.id;
  const done = account.details_submitted
    ? '<p>已完成入驻 · Onboarding is already complete.</p>'
    : '';
  return layout(
    '商户入驻 · Merchant onboarding',
    `<h1>商户入驻 · Merchant onboarding</h1>
<p>${escapeHtml(name)}</p>
<p class="muted">${escapeHtml(account.id)}</p>
${done}
<form method="post">
<button class="pay" type="submit" name="outcome" value="completed">完成入驻 Complete</button>
</form>
<p class="muted"><a href="${escapeHtml(returnUrl)}">稍后完成 · Finish later</a></p>`,
  );
}

export function messagePage(title: string, message: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`);
}
