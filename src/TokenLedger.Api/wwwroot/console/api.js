// Every call carries the signed-in key; the API decides what the key may read.
export const session = {
  get key() { return sessionStorage.getItem('tl-key'); },
  set key(value) { value ? sessionStorage.setItem('tl-key', value) : sessionStorage.removeItem('tl-key'); },
};

export class ApiError extends Error {
  constructor(status, detail) { super(detail || `HTTP ${status}`); this.status = status; }
}

export async function api(path, options = {}) {
  const response = await fetch(path, { ...options, headers: { Authorization: `Bearer ${session.key}`, ...(options.headers ?? {}) } });
  if (!response.ok) {
    let detail = '';
    try { const body = await response.json(); detail = body.detail || Object.values(body.errors ?? {}).flat().join('; ') || body.title; } catch { /* not JSON */ }
    throw new ApiError(response.status, detail);
  }
  const type = response.headers.get('content-type') ?? '';
  return type.includes('json') ? response.json() : response.blob();
}

/** Fetches with the key and hands the file to the browser as a download. */
export async function download(path, fileName) {
  const blob = await api(path);
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
}

export const escape = value => String(value ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

/**
 * One CSV cell, as the service writes them (CsvCells): a text cell starting with =, +, -, @, tab or carriage return
 * gets a leading single quote (OWASP's rule against formula injection), then RFC 4180 quoting. Numeric cells (class
 * "num", formatted by the console from numbers) are never prefixed, so a negative amount stays a number.
 */
export function csvCell(text, numeric = false) {
  const safe = !numeric && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Downloads a rendered table as CSV (neutralised and quoted by csvCell), for views whose API has no CSV form. */
export function tableCsv(table, fileName) {
  const cellText = cell => cell.innerText.replace(/^[ \n]+|[ \n]+$/g, '');
  const csv = [...table.rows].map(row => [...row.cells].map(cell => csvCell(cellText(cell), cell.classList.contains('num'))).join(',')).join('\n') + '\n';
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
}
