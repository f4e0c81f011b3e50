import { api, escape } from './api.js';
import { count, instant, t, tx } from './i18n.js';
import { card } from './tenant.js';

const metric = (text, name) => Number((text.match(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)`, 'm')) ?? [])[1] ?? 0);
const pageSize = 20;

/** Ingest health from the service's own metrics, dead letters with their reasons, unrated usage (paged on the server), price books by id. */
export async function operatorView(main) {
  // Each section has its place from the start, so the order stays the same whichever answer comes first.
  const place = () => main.appendChild(document.createElement('div'));
  const [healthPlace, deadPlace, unratedPlace, booksPlace] = [place(), place(), place(), place()];
  const health = card(healthPlace, t('health'), 'health');
  const read = async () => {
    const [ready, metrics] = await Promise.all([fetch('/health/ready').then(r => r.ok), fetch('/metrics').then(r => r.text()).catch(() => '')]);
    return { ready, at: Date.now(), ingested: metric(metrics, 'tokenledger_usage_ingested_total'), duplicates: metric(metrics, 'tokenledger_usage_duplicates_total'), rejected: metric(metrics, 'tokenledger_usage_rejected_total') };
  };
  const render = (now, rate) => {
    health.innerHTML = `<h2>${t('health')}</h2><table><tbody><tr><th>${now.ready ? t('ready') : t('notReady')}</th><td></td></tr>
      <tr><th>${t('ingested')}</th><td class="num" data-testid="ingested">${count(now.ingested)}</td></tr><tr><th>${t('perSecond')}</th><td class="num">${rate == null ? '…' : count(Math.round(rate))}</td></tr>
      <tr><th>${t('duplicates')}</th><td class="num">${count(now.duplicates)}</td></tr><tr><th>${t('rejected')}</th><td class="num">${count(now.rejected)}</td></tr></tbody></table>${
      now.ingested === 0 ? `<p class="empty" data-testid="empty-ingest">${tx('empty_ingest')}</p>` : ''}`;
  };
  // Health, dead letters and unrated usage load in parallel; the rate needs a second reading 3 s later.
  const firstReading = read().then(first => {
    render(first, null);
    setTimeout(async () => { const second = await read(); render(second, (second.ingested - first.ingested) / ((second.at - first.at) / 1000)); }, 3000);
  });
  const deadLetters = api('/api/operator/dead-letters').then(report => showDeadLetters(deadPlace, report));
  await showUnrated(unratedPlace);
  showPriceBooks(booksPlace);
  await Promise.all([firstReading, deadLetters]);
}

function showDeadLetters(place, report) {
  const d = card(place, `${t('deadLetters')} — ${t('last24h')}`, 'dead-letters');
  const channels = Object.entries(report.byChannel).map(([channel, n]) => `${escape(channel)} ${count(n)}`).join(', ');
  d.insertAdjacentHTML('beforeend', `<p><span class="figure" data-testid="dead-letter-total">${count(report.total)}</span> ${channels ? `(${channels})` : ''}</p>${
    report.reasons.length === 0 ? '' : `<table data-testid="dead-letter-reasons"><thead><tr><th>${t('reason')}</th><th>${t('field')}</th><th class="num">${t('events')}</th><th>${t('lastSeen')}</th></tr></thead><tbody>${
      report.reasons.map(r => `<tr><td title="${escape(r.reason)}">${escape(r.example)}</td><td>${escape(r.field)}</td><td class="num">${count(r.count)}</td><td>${instant(r.lastReceivedAt)}</td></tr>`).join('')
    }${report.otherReasons > 0 ? `<tr><td>${t('otherReasons')}</td><td></td><td class="num">${count(report.otherReasons)}</td><td></td></tr>` : ''}</tbody></table>`}${
    report.recent.length === 0 ? '' : `<h3>${t('recent')}</h3><table data-testid="dead-letter-recent"><thead><tr><th>${t('received')}</th><th>${t('channel')}</th><th>eventId</th><th>${t('reason')}</th><th>${t('sample')}</th></tr></thead><tbody>${
      report.recent.slice(0, 10).map(s => `<tr><td>${instant(s.receivedAt)}</td><td>${escape(s.channel)}</td><td>${escape(s.eventId ?? '–')}</td><td>${escape(s.reason)}</td><td class="explain"><code>${escape(s.sample.length > 120 ? `${s.sample.slice(0, 120)}…` : s.sample)}</code></td></tr>`).join('')
    }</tbody></table>`}`);
}

async function showUnrated(place) {
  const state = { page: 1, tenant: '' };
  const u = card(place, t('unrated'), 'unrated');
  u.insertAdjacentHTML('beforeend', `<form class="row"><label>${t('filterTenant')} <input name="tenant"></label><button type="submit">${t('show')}</button></form><div data-out></div>`);
  const form = u.querySelector('form');
  const show = async () => {
    const report = await api(`/api/operator/unrated?page=${state.page}&pageSize=${pageSize}${state.tenant ? `&tenant=${encodeURIComponent(state.tenant)}` : ''}`);
    const out = u.querySelector('[data-out]');
    const byTenant = report.tenantId != null;
    out.innerHTML = report.groups.length === 0 ? `<p data-testid="unrated-total">${t('none')}</p>` : `<p><span data-testid="unrated-total">${count(report.totalEvents)}</span> ${t('unratedSides')}, ${count(report.totalGroups)} ${t('groups')}</p>
      <table><thead><tr><th>${t('side')}</th><th>${t('reason')}</th>${byTenant ? `<th>${t('tenant')}</th><th>${t('model')}</th>` : ''}<th class="num">${t('events')}</th></tr></thead><tbody>${
      report.groups.map(g => `<tr><td>${escape(g.side)}</td><td>${escape(g.reason)}</td>${byTenant ? `<td>${escape(g.tenantId)}</td><td>${escape(g.model)}</td>` : ''}<td class="num">${count(g.events)}</td></tr>`).join('')
    }</tbody></table><p class="row"><button type="button" data-prev ${state.page === 1 ? 'disabled' : ''}>${t('previous')}</button> ${t('page')} ${state.page}
      <button type="button" data-next ${state.page * pageSize >= report.totalGroups ? 'disabled' : ''}>${t('next')}</button></p>`;
    out.querySelector('[data-prev]')?.addEventListener('click', () => { state.page--; show(); });
    out.querySelector('[data-next]')?.addEventListener('click', () => { state.page++; show(); });
  };
  form.addEventListener('submit', e => { e.preventDefault(); state.page = 1; state.tenant = form.tenant.value.trim(); show(); });
  await show();
}

function showPriceBooks(place) {
  const books = card(place, t('priceBook'), 'price-books');
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
}
