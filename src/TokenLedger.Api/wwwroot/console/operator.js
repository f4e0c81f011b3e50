import { api, escape } from './api.js';
import { count, instant, t } from './i18n.js';
import { card } from './tenant.js';

const metric = (text, name) => Number((text.match(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)`, 'm')) ?? [])[1] ?? 0);

/** Ingest health from the service's own metrics, unrated usage, and price books by id. */
export async function operatorView(main) {
  const health = card(main, t('health'), 'health');
  const read = async () => {
    const [ready, metrics] = await Promise.all([fetch('/health/ready').then(r => r.ok), fetch('/metrics').then(r => r.text()).catch(() => '')]);
    return { ready, at: Date.now(), ingested: metric(metrics, 'tokenledger_usage_ingested_total'), duplicates: metric(metrics, 'tokenledger_usage_duplicates_total'), rejected: metric(metrics, 'tokenledger_usage_rejected_total') };
  };
  const render = (now, rate) => {
    health.innerHTML = `<h2>${t('health')}</h2><table><tbody><tr><th>${now.ready ? t('ready') : t('notReady')}</th><td></td></tr>
      <tr><th>${t('ingested')}</th><td class="num" data-testid="ingested">${count(now.ingested)}</td></tr><tr><th>${t('perSecond')}</th><td class="num">${rate == null ? '…' : count(Math.round(rate))}</td></tr>
      <tr><th>${t('duplicates')}</th><td class="num">${count(now.duplicates)}</td></tr><tr><th>${t('rejected')}</th><td class="num">${count(now.rejected)}</td></tr></tbody></table>`;
  };
  // Health and unrated usage load in parallel; the rate needs a second reading 3 s later.
  const firstReading = read().then(first => {
    render(first, null);
    setTimeout(async () => { const second = await read(); render(second, (second.ingested - first.ingested) / ((second.at - first.at) / 1000)); }, 3000);
  });

  const unrated = await api('/api/operator/unrated');
  const groups = unrated.groups ?? unrated;
  const u = card(main, t('unrated'), 'unrated');
  u.insertAdjacentHTML('beforeend', groups.length === 0 ? `<p>${t('none')}</p>` : `<table><thead><tr><th>${t('side')}</th><th>${t('reason')}</th><th>${t('tenant')}</th><th>${t('model')}</th><th class="num">${t('events')}</th></tr></thead><tbody>${
    groups.map(g => `<tr><td>${escape(g.side)}</td><td>${escape(g.reason)}</td><td>${escape(g.tenantId)}</td><td>${escape(g.model)}</td><td class="num">${count(g.events)}</td></tr>`).join('')
  }</tbody></table>`);

  const books = card(main, t('priceBook'), 'price-books');
  books.insertAdjacentHTML('beforeend', `<form class="row"><label>${t('priceBook')} <input name="book" required></label><button type="submit">${t('lookUp')}</button></form><div data-out></div>`);
  const form = books.querySelector('form');
  form.addEventListener('submit', async e => {
    e.preventDefault();
    const out = books.querySelector('[data-out]');
    try {
      const book = await api(`/api/price-books/${encodeURIComponent(form.book.value.trim())}`);
      out.innerHTML = `<table><thead><tr><th>${t('version')}</th><th>${t('effectiveFrom')}</th><th>${t('model')}</th></tr></thead><tbody>${
        (book.versions ?? []).map(v => `<tr><td>${v.version}</td><td>${instant(v.effectiveFrom)}</td><td>${Object.keys(v.prices ?? {}).map(escape).join(', ')}</td></tr>`).join('')
      }</tbody></table>`;
    } catch (error) { out.innerHTML = `<p class="error">${escape(error.message)}</p>`; }
  });
  await firstReading;
}
