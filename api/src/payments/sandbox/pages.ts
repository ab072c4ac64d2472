import type Stripe from 'stripe';
import { formatYuan } from './money';

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
  main { max-width: 30rem; margin: 2rem auto; background: #fff; border-radius: 12px; padding: 1.5rem; box-shadow: 0 2px 8px #0001; }
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
`;

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body><main>
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
      `${summary}<p>已支付 · Paid.</p>${next ? `<p><a href="${escapeHtml(next)}">返回商户 · Back to the merchant</a></p>` : ''}`,
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
