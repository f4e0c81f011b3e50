import { api, download, escape } from './api.js';
import { bars, gauge, line } from './chart.js';
import { count, instant, money, percent, t, tx } from './i18n.js';

const card = (parent, title, testid) => {
  const section = document.createElement('section');
  section.className = 'card';
  section.dataset.testid = testid;
  section.innerHTML = `<h2>${escape(title)}</h2>`;
  parent.append(section);
  return section;
};

/** An empty state: what is missing and what to do next, in the chosen language (the text may hold <code>). */
const empty = (parent, key, values = {}) => {
  const p = document.createElement('p');
  p.className = 'empty';
  p.dataset.testid = `empty-${key}`;
  p.innerHTML = tx(`empty_${key}`, values);
  parent.append(p);
  return p;
};

/** A tenant's month to date: spend by model, balance, plan caps, invoices with PDF and drill-down. */
export async function tenantView(main, tenantId, me) {
  if (!tenantId) return askFor(main, 'tenant');
  const [profile, usage] = await Promise.all([api(`/api/tenants/${encodeURIComponent(tenantId)}`), api(`/api/tenants/${encodeURIComponent(tenantId)}/usage`)]);
  const zone = profile.timeZone;
  const currency = usage.total.currency;

  const spend = card(main, `${t('spendThisMonth')} — ${profile.name}`, 'spend');
  spend.insertAdjacentHTML('beforeend', `<p>${t('total')}: <span class="figure" data-testid="spend-total" data-amount="${escape(usage.total.amount)}">${money(usage.total.amount, currency)}</span></p>`);
  const used = usage.models.length > 0;
  if (!used) empty(spend, 'usage', { tenant: escape(tenantId) });
  else {
    spend.append(bars(usage.models.map(m => ({ label: m.model, value: Number(m.charge.amount) })), v => money(v, currency), { testid: 'spend-chart' }));
    spend.insertAdjacentHTML('beforeend', `<table><thead><tr><th>${t('model')}</th><th class="num">${t('events')}</th><th class="num">${t('tokens')}</th><th class="num">${t('charge')}</th></tr></thead><tbody>${
      usage.models.map(m => `<tr><td>${escape(m.model)}</td><td class="num">${count(m.events)}</td><td class="num">${count(m.inputTokens + m.cachedInputTokens + m.cacheWriteTokens + m.outputTokens)}</td><td class="num">${money(m.charge.amount, currency)}</td></tr>`).join('')
    }</tbody></table>`);
  }
  // The daily line has its place right after the month's total; its 28–31 reads run alongside the balance's.
  const dailyPlace = main.appendChild(document.createElement('div'));
  const daily = used ? dailySpend(tenantId, usage, zone) : null;

  const balance = await api(`/api/tenants/${encodeURIComponent(tenantId)}/balance`).catch(() => null);
  if (balance) {
    const b = card(main, t('balance'), 'balance');
    // What open holds reserve, shown where it sits (docs/holds.md): on the wallet, on each credit, on each package.
    const reserved = (amount, show) => Number(amount) > 0 ? ` (${show(amount)} ${t('reservedByHolds')})` : '';
    const creditsReserved = balance.credits.reduce((s, c) => s + Number(c.reserved ?? 0), 0);
    b.insertAdjacentHTML('beforeend', `<table><tbody>
      <tr><th>${t('wallet')}</th><td class="num" data-testid="wallet">${money(balance.wallet, currency)}${reserved(balance.holds.reservedOnWallet ?? 0, a => money(a, currency))}</td></tr>
      <tr><th>${t('credits')}</th><td class="num" data-testid="credits">${money(balance.credits.reduce((s, c) => s + Number(c.remaining), 0), currency)}${reserved(creditsReserved, a => money(a, currency))}</td></tr>
      <tr><th>${t('packages')}</th><td class="num" data-testid="packages">${balance.packages.map(p => `${escape(p.name)}: ${count(p.remainingTokens)} / ${count(p.sizeTokens)}${reserved(p.reservedTokens ?? 0, count)}`).join('<br>') || '–'}</td></tr>
      <tr><th>${t('postpaid')}</th><td class="num">${money(balance.postpaid.unbilled, currency)}</td></tr>
      <tr><th>${t('creditLimit')}</th><td class="num">${balance.postpaid.creditLimit == null ? '–' : money(balance.postpaid.creditLimit, currency)}</td></tr>
      <tr><th>${t('held')}</th><td class="num" data-testid="held">${money(balance.holds.held, currency)} (${count(balance.holds.open)} ${t('openHolds')})</td></tr>${
        Number(balance.holds.unfunded ?? 0) > 0 ? `<tr><th>${t('unfundedHolds')}</th><td class="num" data-testid="unfunded">${money(balance.holds.unfunded, currency)}</td></tr>` : ''}
      <tr><th>${t('available')}</th><td class="num" data-testid="available">${balance.holds.available == null ? t('unlimited') : money(balance.holds.available, currency)}</td></tr></tbody></table>`);
    if (balance.holds.holds.length > 0) {
      const holds = card(main, `${t('activeHolds')} (${count(balance.holds.open)})`, 'holds');
      holds.insertAdjacentHTML('beforeend', `<table><thead><tr><th>${t('request')}</th><th>${t('model')}</th><th>${t('source')}</th><th class="num">${t('amount')}</th><th>${t('expires')}</th></tr></thead><tbody>${
        balance.holds.holds.slice(0, 50).map(h => `<tr><td>${escape(h.requestId)}</td><td>${escape(h.model)}</td><td>${escape(h.source)}${h.currentSource && h.currentSource !== h.source ? ` → ${escape(h.currentSource)}` : ''}</td><td class="num">${money(h.amount, currency)}</td><td>${escape(h.expiresAt)}</td></tr>`).join('')
      }</tbody></table>`);
    }
    if (balance.plan) {
      const caps = card(main, `${t('planCaps')} — ${balance.plan.planId}`, 'caps');
      const gauges = document.createElement('div');
      gauges.className = 'gauges';
      gauges.dataset.testid = 'caps-gauges';
      balance.plan.caps.forEach(c => {
        const g = gauge({
          used: c.used, limit: c.limit, percent: Number(c.utilisationPercent), title: t(c.name),
          lines: [`${count(c.used)} / ${count(c.limit)} ${t(`unit_${c.unit}`)}`, c.resetsAt ? `${t('resets')} ${instant(c.resetsAt, zone)}` : t('nothingCounted')],
        }, { testid: 'cap-gauge' });
        g.dataset.cap = c.name;
        g.dataset.resetsAt = c.resetsAt ?? '';
        gauges.append(g);
      });
      caps.append(gauges);
    }
  }

  if (daily) {
    const d = card(dailyPlace, t('spendPerDay'), 'daily');
    const points = await daily;
    d.append(line(points, v => money(v, currency), { testid: 'daily-chart' }));
  }

  const invoices = await api(`/api/tenants/${encodeURIComponent(tenantId)}/invoices`);
  const list = card(main, t('invoices'), 'invoices');
  const detail = document.createElement('div');
  if (invoices.length === 0) empty(list, 'invoices', { tenant: escape(tenantId) });
  else list.insertAdjacentHTML('beforeend', `<table><thead><tr><th>${t('number')}</th><th>${t('period')}</th><th>${t('issued')}</th><th>${t('due')}</th><th class="num">${t('total')}</th><th class="num">${t('amountDue')}</th><th></th></tr></thead><tbody>${
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

/**
 * Spend per day of the current month in the tenant's zone: one read of the usage API per day, the first from the
 * month's start and the last to its end as the API reported them, so the points add up to the month's total. Days
 * after today are left out when nothing was spent on them.
 */
async function dailySpend(tenantId, usage, zone) {
  const offset = text => { const m = /(Z|[+-]\d\d(?::?\d\d)?)$/.exec(text); return m[1] === 'Z' ? 'Z' : m[1].length === 3 ? `${m[1]}:00` : m[1]; };
  const month = usage.from.slice(0, 7);
  const start = new Date(`${month}-01T00:00:00Z`);
  const days = [];
  for (let d = new Date(start); d.toISOString().slice(0, 7) === month; d.setUTCDate(d.getUTCDate() + 1)) days.push(d.toISOString().slice(0, 10));
  // Each day starts at midnight with the offset the zone has that day; the month's first and last bounds are the API's own.
  const midnight = date => { const at = new Date(`${date}T12:00:00Z`); const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(at).find(p => p.type === 'timeZoneName').value; const o = name.replace('GMT', ''); return `${date}T00:00:00${o === '' ? 'Z' : o}`; };
  const bounds = days.map((date, i) => [i === 0 ? `${usage.from.slice(0, 19)}${offset(usage.from)}` : midnight(date), i === days.length - 1 ? `${usage.to.slice(0, 19)}${offset(usage.to)}` : midnight(days[i + 1])]);
  const id = encodeURIComponent(tenantId);
  const totals = await Promise.all(bounds.map(([from, to]) => api(`/api/tenants/${id}/usage?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`).then(r => r.total.amount)));
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(new Date());
  let last = days.length - 1;
  while (last > 0 && days[last] > today && Number(totals[last]) === 0) last--;
  return days.slice(0, last + 1).map((date, i) => ({ label: date, shortLabel: String(Number(date.slice(8))), value: Number(totals[i]), amount: totals[i] }));
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

export { card, empty };
