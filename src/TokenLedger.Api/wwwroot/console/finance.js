import { api, download, escape, tableCsv } from './api.js';
import { stacked } from './chart.js';
import { count, money, percent, t } from './i18n.js';
import { card, empty } from './tenant.js';

const buckets = ['current', 'days1To30', 'days31To60', 'days61To90', 'over90'];
const bucketLabels = () => [t('current'), '1–30', '31–60', '61–90', '90+'];

/** Receivables aging (stacked bars), DSO, the riskiest accounts with their explanation, dunning state; CSV of each. Paged on the server. */
export async function financeView(main) {
  const state = { page: 1, tenant: '' };
  const recv = card(main, t('receivables'), 'receivables');
  recv.insertAdjacentHTML('beforeend', `<form class="row"><label>${t('asOf')} <input name="asOf" placeholder="2026-06-30T16:00:00Z"></label>
    <label>${t('filterTenant')} <input name="tenant"></label><button type="submit">${t('show')}</button> <button type="button" data-csv>${t('csv')}</button></form><div data-out></div>`);
  const form = recv.querySelector('form');
  const query = () => `page=${state.page}&pageSize=50${form.asOf.value ? `&asOf=${encodeURIComponent(form.asOf.value)}` : ''}${form.tenant.value ? `&tenant=${encodeURIComponent(form.tenant.value)}` : ''}`;
  const show = async () => {
    const report = await api(`/api/finance/receivables?${query()}`);
    const out = recv.querySelector('[data-out]');
    out.replaceChildren();
    if (report.tenantCount === 0 && !form.tenant.value) empty(out, 'receivables');
    out.append(stacked(report.totals.map(c => ({ label: c.currency, parts: c.aging })), buckets, bucketLabels(), v => count(v), { testid: 'aging-chart' }));
    out.insertAdjacentHTML('beforeend', `<table data-testid="aging-totals"><thead><tr><th></th><th class="num">${t('open')}</th>${bucketLabels().map(l => `<th class="num">${l}</th>`).join('')}<th class="num">${t('dso')}</th></tr></thead><tbody>${
      report.totals.map(c => `<tr><td>${escape(c.currency)}</td><td class="num">${money(c.open, c.currency)}</td>${buckets.map(b => `<td class="num" data-bucket="${b}">${money(c.aging[b], c.currency)}</td>`).join('')}<td class="num" data-testid="dso">${c.dsoDays == null ? '–' : `${count(c.dsoDays)} ${t('days')}`}</td></tr>`).join('')
    }</tbody></table><h3>${t('tenant')} (${count(report.tenantCount)})</h3><table><thead><tr><th>${t('tenant')}</th><th class="num">${t('open')}</th>${bucketLabels().map(l => `<th class="num">${l}</th>`).join('')}<th class="num">${t('creditLimit')}</th></tr></thead><tbody>${
      report.tenants.map(r => `<tr><td><a href="#/tenant/${encodeURIComponent(r.tenantId)}">${escape(r.tenantId)}</a></td><td class="num">${money(r.open, r.currency)}</td>${buckets.map(b => `<td class="num">${money(r.aging[b], r.currency)}</td>`).join('')}<td class="num">${percent(r.utilisationPercent)}</td></tr>`).join('')
    }</tbody></table><p class="row"><button type="button" data-prev ${state.page === 1 ? 'disabled' : ''}>${t('previous')}</button> ${t('page')} ${state.page}
      <button type="button" data-next ${state.page * 50 >= report.tenantCount ? 'disabled' : ''}>${t('next')}</button></p>`);
    out.querySelector('[data-prev]').onclick = () => { state.page--; show(); };
    out.querySelector('[data-next]').onclick = () => { state.page++; show(); };
  };
  form.addEventListener('submit', e => { e.preventDefault(); state.page = 1; show(); });
  recv.querySelector('[data-csv]').addEventListener('click', () => download(`/api/finance/receivables?${query()}&format=csv`, 'receivables.csv'));
  await show();
  await agingHistory(main);

  // Risk and dunning are read after the aging has painted: on 2 cores, reading them at the same time slows the first paint.
  const risk = await api('/api/finance/risk?page=1&pageSize=20');
  const r = card(main, t('risk'), 'risk');
  if (risk.tenants.length === 0) empty(r, 'risk');
  else r.insertAdjacentHTML('beforeend', `<button type="button" data-csv>${t('csv')}</button><table><thead><tr><th>${t('tenant')}</th><th class="num">${t('score')}</th><th>${t('rating')}</th><th class="num">${t('open')}</th><th class="num">${t('provision')}</th><th>${t('why')}</th></tr></thead><tbody>${
    risk.tenants.map(x => `<tr><td>${escape(x.tenantId)}</td><td class="num">${x.score}</td><td>${escape(x.rating)}</td><td class="num">${money(x.open, x.currency)}</td><td class="num">${money(x.provision, x.currency)}</td>
      <td class="explain">${x.inputs.map(i => `${escape(i.name)} ${i.value ?? '–'} → ${i.contribution}`).join('; ')}</td></tr>`).join('')
  }</tbody></table>`);
  r.querySelector('[data-csv]')?.addEventListener('click', () => tableCsv(r.querySelector('table'), 'risk.csv'));

  const dunning = await api('/api/finance/dunning?page=1&pageSize=50');
  const d = card(main, t('dunning'), 'dunning');
  if (dunning.tenants.length === 0) empty(d, 'dunning');
  else d.insertAdjacentHTML('beforeend', `<button type="button" data-csv>${t('csv')}</button><table><thead><tr><th>${t('tenant')}</th><th>${t('steps')}</th><th>${t('suspended')}</th></tr></thead><tbody>${
    dunning.tenants.map(x => `<tr class="${x.suspended ? 'negative' : ''}"><td>${escape(x.tenantId)}</td><td>${x.steps.map(escape).join(', ')}</td><td>${x.suspended ? t('yes') : t('no')}</td></tr>`).join('')
  }</tbody></table>`);
  d.querySelector('[data-csv]')?.addEventListener('click', () => tableCsv(d.querySelector('table'), 'dunning.csv'));
}

/**
 * The aging of the last 12 months: the receivables report as of each month's end (midnight starting the next month,
 * Asia/Shanghai, the house's zone) for the 11 months before this one, and as of now for this month; one stacked bar
 * per month and currency, from 12 reads of the same API the table above uses.
 */
async function agingHistory(main) {
  const now = new Date();
  const shanghai = new Date(now.getTime() + 8 * 3600_000);
  const months = [];
  for (let back = 11; back >= 0; back--) {
    const d = new Date(Date.UTC(shanghai.getUTCFullYear(), shanghai.getUTCMonth() - back, 1));
    const next = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
    months.push({ label: d.toISOString().slice(0, 7), asOf: back === 0 ? null : `${next.toISOString().slice(0, 10)}T00:00:00+08:00` });
  }
  const reports = await Promise.all(months.map(m => api(`/api/finance/receivables?page=1&pageSize=1${m.asOf ? `&asOf=${encodeURIComponent(m.asOf)}` : ''}`)));
  const h = card(main, t('agingHistory'), 'aging-history');
  const currencies = [...new Set(reports.flatMap(r => r.totals.map(c => c.currency)))].sort();
  if (currencies.length === 0) { empty(h, 'receivables'); return; }
  currencies.forEach(currency => {
    const rows = months.map((m, i) => ({ key: m.asOf ?? 'now', label: m.asOf ? m.label : `${m.label} ${t('toDate')}`, parts: reports[i].totals.find(c => c.currency === currency)?.aging ?? {} }));
    const chart = stacked(rows, buckets, bucketLabels(), v => money(v, currency), { testid: 'aging-history-chart' });
    chart.querySelector('svg').dataset.currency = currency;
    if (currencies.length > 1) h.insertAdjacentHTML('beforeend', `<h3>${escape(currency)}</h3>`);
    h.append(chart);
  });
}
