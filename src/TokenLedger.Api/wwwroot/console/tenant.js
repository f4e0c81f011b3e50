import { api, download, escape } from './api.js';
import { bars } from './chart.js';
import { count, instant, money, percent, t } from './i18n.js';

const card = (parent, title, testid) => {
  const section = document.createElement('section');
  section.className = 'card';
  section.dataset.testid = testid;
  section.innerHTML = `<h2>${escape(title)}</h2>`;
  parent.append(section);
  return section;
};

/** A tenant's month to date: spend by model, balance, plan caps, invoices with PDF and drill-down. */
export async function tenantView(main, tenantId, me) {
  if (!tenantId) return askFor(main, 'tenant');
  const [profile, usage] = await Promise.all([api(`/api/tenants/${encodeURIComponent(tenantId)}`), api(`/api/tenants/${encodeURIComponent(tenantId)}/usage`)]);
  const zone = profile.timeZone;
  const currency = usage.total.currency;

  const spend = card(main, `${t('spendThisMonth')} — ${profile.name}`, 'spend');
  spend.insertAdjacentHTML('beforeend', `<p>${t('total')}: <span class="figure" data-testid="spend-total" data-amount="${escape(usage.total.amount)}">${money(usage.total.amount, currency)}</span></p>`);
  spend.append(bars(usage.models.map(m => ({ label: m.model, value: Number(m.charge.amount) })), v => money(v, currency), { testid: 'spend-chart' }));
  spend.insertAdjacentHTML('beforeend', `<table><thead><tr><th>${t('model')}</th><th class="num">${t('events')}</th><th class="num">${t('tokens')}</th><th class="num">${t('charge')}</th></tr></thead><tbody>${
    usage.models.map(m => `<tr><td>${escape(m.model)}</td><td class="num">${count(m.events)}</td><td class="num">${count(m.inputTokens + m.cachedInputTokens + m.cacheWriteTokens + m.outputTokens)}</td><td class="num">${money(m.charge.amount, currency)}</td></tr>`).join('')
  }</tbody></table>`);

  const balance = await api(`/api/tenants/${encodeURIComponent(tenantId)}/balance`).catch(() => null);
  if (balance) {
    const b = card(main, t('balance'), 'balance');
    b.insertAdjacentHTML('beforeend', `<table><tbody>
      <tr><th>${t('wallet')}</th><td class="num" data-testid="wallet">${money(balance.wallet, currency)}</td></tr>
      <tr><th>${t('credits')}</th><td class="num">${money(balance.credits.reduce((s, c) => s + Number(c.remaining), 0), currency)}</td></tr>
      <tr><th>${t('packages')}</th><td class="num">${balance.packages.map(p => `${escape(p.name)}: ${count(p.remainingTokens)} / ${count(p.sizeTokens)}`).join('<br>') || '–'}</td></tr>
      <tr><th>${t('postpaid')}</th><td class="num">${money(balance.postpaid.unbilled, currency)}</td></tr>
      <tr><th>${t('creditLimit')}</th><td class="num">${balance.postpaid.creditLimit == null ? '–' : money(balance.postpaid.creditLimit, currency)}</td></tr>
      <tr><th>${t('held')}</th><td class="num" data-testid="held">${money(balance.holds.held, currency)} (${count(balance.holds.open)} ${t('openHolds')})</td></tr>
      <tr><th>${t('available')}</th><td class="num" data-testid="available">${balance.holds.available == null ? t('unlimited') : money(balance.holds.available, currency)}</td></tr></tbody></table>`);
    if (balance.holds.holds.length > 0) {
      const holds = card(main, `${t('activeHolds')} (${count(balance.holds.open)})`, 'holds');
      holds.insertAdjacentHTML('beforeend', `<table><thead><tr><th>${t('request')}</th><th>${t('model')}</th><th>${t('source')}</th><th class="num">${t('amount')}</th><th>${t('expires')}</th></tr></thead><tbody>${
        balance.holds.holds.slice(0, 50).map(h => `<tr><td>${escape(h.requestId)}</td><td>${escape(h.model)}</td><td>${escape(h.source)}</td><td class="num">${money(h.amount, currency)}</td><td>${escape(h.expiresAt)}</td></tr>`).join('')
      }</tbody></table>`);
    }
    if (balance.plan) {
      const caps = card(main, `${t('planCaps')} — ${balance.plan.planId}`, 'caps');
      caps.append(bars(balance.plan.caps.map(c => ({ label: c.name, value: Number(c.utilisationPercent) })), percent, { testid: 'caps-chart' }));
      caps.insertAdjacentHTML('beforeend', `<table><tbody>${balance.plan.caps.map(c => `<tr><td>${escape(c.name)}</td><td class="num">${t('used')} ${count(c.used)}</td><td class="num">${t('limit')} ${count(c.limit)}</td><td class="num">${percent(c.utilisationPercent)}</td></tr>`).join('')}</tbody></table>`);
    }
  }

  const invoices = await api(`/api/tenants/${encodeURIComponent(tenantId)}/invoices`);
  const list = card(main, t('invoices'), 'invoices');
  const detail = document.createElement('div');
  list.insertAdjacentHTML('beforeend', invoices.length === 0 ? `<p>${t('none')}</p>` : `<table><thead><tr><th>${t('number')}</th><th>${t('period')}</th><th>${t('issued')}</th><th>${t('due')}</th><th class="num">${t('total')}</th><th class="num">${t('amountDue')}</th><th></th></tr></thead><tbody>${
    invoices.map(i => `<tr><td>${escape(i.invoiceId)}</td><td>${escape(i.period)}</td><td>${escape(i.issueDate)}</td><td>${escape(i.dueDate)}</td><td class="num">${money(i.total, i.currency)}</td><td class="num">${money(i.amountDue, i.currency)}</td>
      <td><button type="button" data-pdf="${escape(i.invoiceId)}">${t('pdf')}</button> <button type="button" data-lines="${escape(i.invoiceId)}">${t('lines')}</button></td></tr>`).join('')
  }</tbody></table>`);
  list.append(detail);
  list.addEventListener('click', async event => {
    const pdf = event.target.dataset.pdf;
    if (pdf) await download(`/api/invoices/${encodeURIComponent(pdf)}/pdf`, `${pdf}.pdf`);
    const lines = event.target.dataset.lines;
    if (lines) await showLines(detail, lines, zone);
    const line = event.target.dataset.line;
    if (line) await showEvents(detail, event.target.dataset.invoice, line, zone);
  });
}

async function showLines(detail, invoiceId, zone) {
  const invoice = await api(`/api/invoices/${encodeURIComponent(invoiceId)}`);
  detail.innerHTML = `<h3>${escape(invoiceId)}</h3><table data-testid="invoice-lines"><thead><tr><th>${t('line')}</th><th>${t('description')}</th><th class="num">${t('amount')}</th><th></th></tr></thead><tbody>${
    invoice.lines.map(l => `<tr><td>${l.number}</td><td>${escape(l.description)}</td><td class="num">${money(l.amount, invoice.currency)}</td><td>${l.events ? `<button type="button" data-invoice="${escape(invoiceId)}" data-line="${l.number}">${t('events')} (${count(l.events)})</button>` : ''}</td></tr>`).join('')
  }</tbody></table><div data-testid="line-events"></div>`;
}

async function showEvents(detail, invoiceId, line, zone) {
  const page = await api(`/api/invoices/${encodeURIComponent(invoiceId)}/lines/${line}/events?page=1&pageSize=50`);
  const events = page.events ?? page.items ?? [];
  detail.querySelector('[data-testid="line-events"]').innerHTML = `<h4>${t('eventsBehind')} ${escape(line)}</h4><table><tbody>${
    events.map(e => `<tr><td>${escape(e.eventId)}</td><td>${instant(e.occurredAt, zone)}</td><td>${escape(e.model ?? '')}</td></tr>`).join('')
  }</tbody></table>`;
}

export function askFor(main, kind) {
  const form = document.createElement('form');
  form.className = 'card row';
  form.innerHTML = `<label>${t(kind)} <input name="subject" required></label><button type="submit">${t('open_')}</button>`;
  form.addEventListener('submit', e => { e.preventDefault(); location.hash = `#/${kind}/${encodeURIComponent(form.elements.namedItem("subject").value.trim())}`; });
  main.append(form);
}

export { card };
