import { api, download, escape } from './api.js';
import { bars } from './chart.js';
import { count, money, percent, t } from './i18n.js';
import { askFor, card, empty } from './tenant.js';

const month = () => new Date().toISOString().slice(0, 7);

/** Margins (negative ones red), upstream prepayment and exposure, and reconciliation of an upstream statement. */
export async function distributorView(main, distributorId) {
  if (!distributorId) return askFor(main, 'distributor');
  const id = encodeURIComponent(distributorId);

  const margins = card(main, `${t('margins')} — ${distributorId}`, 'margins');
  margins.insertAdjacentHTML('beforeend', `<form class="row" data-testid="margins-form"><label>${t('period')} <input name="period" value="${month()}" pattern="\\d{4}-\\d{2}"></label>
    <label>${t('groupBy')} <select name="groupBy"><option value="model">${t('model')}</option><option value="tenant">${t('tenant')}</option><option value="day">${t('date')}</option></select></label>
    <button type="submit">${t('show')}</button> <button type="button" data-csv>${t('csv')}</button></form><div data-out></div>`);
  const form = margins.querySelector('form');
  const showMargins = async () => {
    const query = `period=${encodeURIComponent(form.period.value)}&groupBy=${form.groupBy.value}`;
    const report = await api(`/api/distributors/${id}/margins?${query}`);
    const currency = report.revenueCurrency ?? report.costCurrency ?? 'CNY';
    const out = margins.querySelector('[data-out]');
    out.replaceChildren();
    if (report.groups.length === 0) { empty(out, 'margins', { distributor: escape(distributorId), period: escape(report.period) }); return; }
    out.append(bars(report.groups.map(g => ({ label: g.group, value: Number(g.margin ?? 0) })), v => money(v, currency), { testid: 'margins-chart' }));
    out.insertAdjacentHTML('beforeend', `<table><thead><tr><th>${t('groupBy')}</th><th class="num">${t('events')}</th><th class="num">${t('revenue')}</th><th class="num">${t('cost')}</th><th class="num">${t('margin')}</th><th class="num">%</th></tr></thead><tbody>${
      report.groups.map(g => `<tr class="${g.negativeMargin ? 'negative' : ''}"><td>${escape(g.group)}</td><td class="num">${count(g.events)}</td><td class="num">${money(g.revenue, currency)}</td><td class="num">${money(g.cost, currency)}</td><td class="num">${money(g.margin, currency)}</td><td class="num">${percent(g.marginPercent)}</td></tr>`).join('')
    }</tbody></table>`);
  };
  form.addEventListener('submit', e => { e.preventDefault(); showMargins(); });
  margins.querySelector('[data-csv]').addEventListener('click', () =>
    download(`/api/distributors/${id}/margins?period=${encodeURIComponent(form.period.value)}&groupBy=${form.groupBy.value}&format=csv`, `margins-${distributorId}-${form.period.value}.csv`));
  await showMargins();

  const [prepayment, exposure] = await Promise.all([api(`/api/distributors/${id}/prepayment`), api(`/api/distributors/${id}/exposure`)]);
  const currency = prepayment.currency ?? exposure.currency ?? 'CNY';
  const pre = card(main, t('prepayment'), 'prepayment');
  if (prepayment.providers.length === 0) empty(pre, 'prepayment', { distributor: escape(distributorId) });
  else pre.insertAdjacentHTML('beforeend', `<table><thead><tr><th>${t('provider')}</th><th class="num">${t('deposited')}</th><th class="num">${t('drawn')}</th><th class="num">${t('balance')}</th></tr></thead><tbody>${
    prepayment.providers.map(p => `<tr class="${p.low ? 'negative' : ''}"><td>${escape(p.provider || '*')}</td><td class="num">${money(p.deposited, currency)}</td><td class="num">${money(p.drawn, currency)}</td><td class="num">${money(p.balance, currency)}</td></tr>`).join('')
  }</tbody></table>`);
  pre.insertAdjacentHTML('beforeend', `<p>${t('exposure')}: <span class="figure" data-testid="exposure">${money(exposure.exposure, currency)}</span>
    (${t('notYetBilled')} ${money(exposure.notYetBilled, currency)}, ${t('billedUnpaid')} ${money(exposure.billedUnpaid, currency)})</p>`);
  pre.append(bars(exposure.byAge.map(a => ({ label: a.bucket, value: Number(a.exposure) })), v => money(v, currency), { testid: 'exposure-age' }));

  const recon = card(main, t('reconciliation'), 'reconciliation');
  recon.insertAdjacentHTML('beforeend', `<form class="row" data-testid="recon-form"><label>${t('period')} <input name="period" value="${month()}" required></label>
    <label>CSV <input type="file" name="file" accept=".csv,text/csv" required></label><button type="submit">${t('upload')}</button></form><div data-testid="findings"></div>`);
  const upload = recon.querySelector('form');
  upload.addEventListener('submit', async e => {
    e.preventDefault();
    const body = new FormData(upload);
    const out = recon.querySelector('[data-testid="findings"]');
    try {
      const report = await api(`/api/distributors/${id}/reconciliations`, { method: 'POST', body });
      const s = report.summary;
      out.innerHTML = `<h3>${t('findings')} (${escape(report.reportId)})</h3><p data-testid="findings-summary">matched ${s.matched} · over-billed ${s.overBilled} · under-billed ${s.underBilled} · missing-in-ledger ${s.missingInLedger} · missing-in-statement ${s.missingInStatement}</p>
        <table><thead><tr><th>${t('date')}</th><th>${t('model')}</th><th>${t('kind')}</th><th class="num">${t('difference')}</th><th class="num">%</th></tr></thead><tbody>${
          report.findings.map(f => `<tr class="${f.kind === 'matched' ? '' : 'negative'}" data-kind="${escape(f.kind)}"><td>${escape(f.date)}</td><td>${escape(f.model)}</td><td>${escape(f.kind)}${f.withinTolerance ? ' ≈' : ''}</td><td class="num">${money(f.amountDifference, currency)}</td><td class="num">${percent(f.differencePercent)}</td></tr>`).join('')
        }</tbody></table>`;
    } catch (error) {
      out.innerHTML = `<p class="error" role="alert">${escape(error.message)}</p>`;
    }
  });
}
