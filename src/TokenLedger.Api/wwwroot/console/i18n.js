// Every visible label in both languages; numbers and dates are formatted by Intl in the chosen language.
const text = {
  en: {
    signIn: 'Sign in', signOut: 'Sign out', apiKey: 'API key', badKey: 'This key was refused.', tenant: 'Tenant', distributor: 'Distributor',
    finance: 'Finance', operator: 'Operator', spendThisMonth: 'Spend this month by model', total: 'Total', model: 'Model', events: 'Events',
    tokens: 'Tokens', charge: 'Charge', balance: 'Balance', wallet: 'Wallet', credits: 'Credits', packages: 'Packages', postpaid: 'Postpaid unbilled',
    creditLimit: 'Credit limit', planCaps: 'Plan caps', used: 'Used', limit: 'Limit', invoices: 'Invoices', number: 'Number', period: 'Period',
    issued: 'Issued', due: 'Due', amountDue: 'Amount due', pdf: 'PDF', lines: 'Lines', line: 'Line', description: 'Description', amount: 'Amount',
    eventsBehind: 'Events behind line', margins: 'Margins', groupBy: 'Group by', revenue: 'Revenue', cost: 'Cost', margin: 'Margin',
    show: 'Show', csv: 'CSV', prepayment: 'Upstream prepayment', provider: 'Provider', deposited: 'Deposited', drawn: 'Drawn', exposure: 'Exposure',
    notYetBilled: 'Not yet billed', billedUnpaid: 'Billed, unpaid', age: 'Age (days)', reconciliation: 'Reconcile an upstream statement',
    upload: 'Upload', findings: 'Findings', kind: 'Finding', date: 'Date', difference: 'Difference', receivables: 'Receivables aging', asOf: 'As of',
    open: 'Open', current: 'Current', dso: 'DSO (90 days)', days: 'days', risk: 'Riskiest accounts', score: 'Score', rating: 'Rating',
    provision: 'Provision', why: 'Why', dunning: 'Dunning', steps: 'Steps', suspended: 'Suspended', yes: 'yes', no: 'no', page: 'Page',
    previous: 'Previous', next: 'Next', filterTenant: 'Tenant id', health: 'Ingest health', ingested: 'Ingested', duplicates: 'Duplicates',
    rejected: 'Rejected', perSecond: 'events/s', unrated: 'Unrated usage', reason: 'Reason', side: 'Side', priceBook: 'Price book', lookUp: 'Look up',
    open_: 'Open', none: 'Nothing here.', version: 'Version', effectiveFrom: 'Effective from', ready: 'Ready', notReady: 'Not ready',
    deadLetters: 'Dead letters', last24h: 'last 24 hours', field: 'Field', lastSeen: 'Last seen', otherReasons: 'Other reasons', recent: 'Most recent',
    received: 'Received', channel: 'Channel', sample: 'Sample', unratedSides: 'unrated sides', groups: 'groups',
    held: 'Held by open holds', openHolds: 'holds', available: 'Available (funds − holds)', unlimited: 'unlimited postpaid', activeHolds: 'Active holds',
    reservedByHolds: 'reserved by holds', unfundedHolds: 'Held beyond funds',
    request: 'Request', source: 'Source', expires: 'Expires',
    spendPerDay: 'Spend per day this month', resets: 'Resets', nothingCounted: 'Nothing counted in the window', unit_requests: 'requests', unit_tokens: 'tokens',
    'rolling-5h:requests': 'Requests, rolling 5 hours', 'rolling-5h:tokens': 'Tokens, rolling 5 hours', 'month:requests': 'Requests this month', 'month:tokens': 'Tokens this month',
    agingHistory: 'Aging over the last 12 months', toDate: '(to date)',
    empty_usage: 'No usage yet this month: publish usage events for <code>{tenant}</code> to <code>tokenledger.usage.v1</code> or <code>POST /api/usage</code> — see <code>contracts/README.md</code>.',
    empty_invoices: 'No invoices yet: finance closes a month into an invoice with <code>POST /api/tenants/{tenant}/invoices</code>.',
    empty_margins: 'No usage sold through <code>{distributor}</code> in {period}: usage events name their seller in <code>distributorId</code> — see <code>contracts/README.md</code>.',
    empty_prepayment: 'No upstream deposits yet: record one with <code>POST /api/distributors/{distributor}/deposits</code>.',
    empty_receivables: 'No open receivables: invoices appear here once finance closes a month with <code>POST /api/tenants/&lt;id&gt;/invoices</code>.',
    empty_risk: 'No account to rate: risk is scored from open receivables.',
    empty_dunning: 'Nobody is in dunning: tenants with overdue invoices appear here.',
    empty_ingest: 'Nothing ingested since this service started: publish to <code>tokenledger.usage.v1</code> or <code>POST /api/usage</code> — see <code>contracts/README.md</code>.',
  },
  zh: {
    signIn: '登录', signOut: '退出', apiKey: 'API 密钥', badKey: '密钥无效。', tenant: '租户', distributor: '分销商', finance: '财务', operator: '运维',
    spendThisMonth: '本月各模型消费', total: '合计', model: '模型', events: '事件数', tokens: 'Token 数', charge: '费用', balance: '余额', wallet: '钱包',
    credits: '赠送额度', packages: 'Token 套餐', postpaid: '未出账后付费', creditLimit: '信用额度', planCaps: '套餐用量上限', used: '已用', limit: '上限',
    invoices: '发票', number: '编号', period: '账期', issued: '开具日期', due: '到期日', amountDue: '应付金额', pdf: 'PDF', lines: '明细', line: '行',
    description: '说明', amount: '金额', eventsBehind: '明细行对应的事件', margins: '毛利', groupBy: '分组', revenue: '收入', cost: '成本', margin: '毛利',
    show: '查询', csv: 'CSV', prepayment: '上游预付', provider: '供应商', deposited: '已预付', drawn: '已消耗', exposure: '预付敞口', notYetBilled: '未出账',
    billedUnpaid: '已出账未收款', age: '账龄（天）', reconciliation: '上游账单对账', upload: '上传', findings: '对账结果', kind: '结果', date: '日期',
    difference: '差额', receivables: '应收账龄', asOf: '截至', open: '未收', current: '未到期', dso: 'DSO（90 天）', days: '天', risk: '高风险客户',
    score: '评分', rating: '等级', provision: '坏账准备', why: '原因', dunning: '催收', steps: '步骤', suspended: '已停用', yes: '是', no: '否', page: '页',
    previous: '上一页', next: '下一页', filterTenant: '租户 ID', health: '接入健康', ingested: '已接收', duplicates: '重复', rejected: '拒绝',
    perSecond: '事件/秒', unrated: '未定价用量', reason: '原因', side: '方向', priceBook: '价格表', lookUp: '查询', open_: '打开', none: '暂无数据。',
    version: '版本', effectiveFrom: '生效时间', ready: '就绪', notReady: '未就绪',
    deadLetters: '死信', last24h: '最近 24 小时', field: '字段', lastSeen: '最近一次', otherReasons: '其他原因', recent: '最近的死信',
    received: '接收时间', channel: '通道', sample: '原始内容', unratedSides: '条未定价（按方向计）', groups: '组',
    held: '预占中', openHolds: '笔预占', available: '可用（资金 − 预占）', unlimited: '后付费不限额', activeHolds: '进行中的预占',
    reservedByHolds: '已被预占', unfundedHolds: '超出资金的预占',
    request: '请求', source: '来源', expires: '到期',
    spendPerDay: '本月每日消费', resets: '重置于', nothingCounted: '窗口内暂无用量', unit_requests: '次请求', unit_tokens: 'Token',
    'rolling-5h:requests': '请求数（滚动 5 小时）', 'rolling-5h:tokens': 'Token 数（滚动 5 小时）', 'month:requests': '本月请求数', 'month:tokens': '本月 Token 数',
    agingHistory: '近 12 个月应收账龄', toDate: '（截至今日）',
    empty_usage: '本月暂无用量：请将 <code>{tenant}</code> 的用量事件发布到 <code>tokenledger.usage.v1</code> 或调用 <code>POST /api/usage</code>，详见 <code>contracts/README.md</code>。',
    empty_invoices: '暂无发票：财务通过 <code>POST /api/tenants/{tenant}/invoices</code> 将一个月结账为发票。',
    empty_margins: '<code>{distributor}</code> 在 {period} 暂无经销用量：用量事件通过 <code>distributorId</code> 标明经销商，详见 <code>contracts/README.md</code>。',
    empty_prepayment: '暂无上游预付：通过 <code>POST /api/distributors/{distributor}/deposits</code> 登记一笔。',
    empty_receivables: '暂无未收应收款：财务通过 <code>POST /api/tenants/&lt;id&gt;/invoices</code> 结账后，发票会显示在这里。',
    empty_risk: '暂无可评估的客户：风险根据未收应收款评分。',
    empty_dunning: '暂无催收：有逾期发票的租户会显示在这里。',
    empty_ingest: '本服务启动后尚未接收用量：请发布到 <code>tokenledger.usage.v1</code> 或调用 <code>POST /api/usage</code>，详见 <code>contracts/README.md</code>。',
  },
};

export let lang = sessionStorage.getItem('tl-lang') || (navigator.language.startsWith('zh') ? 'zh' : 'en');
export const t = key => text[lang][key] ?? text.en[key] ?? key;
/** A text with {name} placeholders filled from values (the caller escapes them); other braces are left as they are. */
export const tx = (key, values = {}) => t(key).replace(/\{(\w+)\}/g, (all, name) => (name in values ? values[name] : all));
export const setLang = value => { lang = value; sessionStorage.setItem('tl-lang', value); };
export const locale = () => (lang === 'zh' ? 'zh-CN' : 'en-US');
// Building an Intl formatter costs far more than using one; a finance page formats hundreds of amounts.
const formatters = new Map();
const formatter = (kind, options) => {
  const key = `${locale()}|${kind}`;
  if (!formatters.has(key)) formatters.set(key, new Intl.NumberFormat(locale(), options));
  return formatters.get(key);
};
export const money = (value, currency) =>
  formatter(`money|${currency || 'CNY'}`, { style: 'currency', currency: currency || 'CNY', maximumFractionDigits: 2 }).format(Number(value ?? 0));
export const count = value => formatter('count', {}).format(Number(value ?? 0));
export const percent = value => value == null ? '–' : `${formatter('percent', { maximumFractionDigits: 2 }).format(Number(value))} %`;
const dateFormatters = new Map();
export const instant = (value, timeZone) => {
  if (!value) return '–';
  const key = `${locale()}|${timeZone || 'Asia/Shanghai'}`;
  if (!dateFormatters.has(key)) dateFormatters.set(key, new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short', timeZone: timeZone || 'Asia/Shanghai' }));
  return dateFormatters.get(key).format(new Date(value));
};
export const translateStatic = () => document.querySelectorAll('[data-i18n]').forEach(el => { el.textContent = t(el.dataset.i18n); });
