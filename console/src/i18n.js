// zh-CN first and default; English switchable. Enum labels come from the API's vocabulary
// (GET /api/v1/vocabularies) so the console, the exports and integrators use one set of words.
import { createI18n } from 'vue-i18n'
import { reactive } from 'vue'

const zh = {
  app: '团工委工作台', county: '县域农村合作组织团工委', login: '登录', logout: '退出登录',
  username: '用户名', password: '密码', language: 'English',
  nav: { home: '首页', committee: '团工委', tree: '组织树', cooperatives: '合作社',
    members: '团员与青年', activities: '活动与例会', funds: '经费与团费', credit: '信贷',
    assessment: '承诺与考核', serviceRequests: '服务申请', departments: '部门视图', audit: '审计', users: '用户管理' },
  common: { search: '搜索', save: '保存', cancel: '取消', create: '新增', edit: '编辑',
    detail: '详情', export: '导出', exportCsv: '导出 CSV', exportXlsx: '导出 Excel',
    empty: '暂无数据', loading: '加载中…', all: '全部', status: '状态', kind: '类别',
    name: '名称', unit: '团组织', date: '日期', actions: '操作', back: '返回', submit: '提交',
    confirm: '确定', saved: '已保存', year: '年度', month: '月份', noAccess: '无权查看',
    total: '合计', records: '条记录' },
  home: { alerts: '预警提醒', units: '团组织数', members: '团员', youth: '青年',
    coverage: '建团覆盖率', overdue: '例会逾期', held: '已开展活动', granted: '授信总额（万元）',
    letters: '承诺书', coverageTownship: '各乡镇建团覆盖', coverageIndustry: '各产业建团覆盖',
    compliance: '例会落实（按月）', creditMonth: '授信与放款（按月）', creditBank: '授信（按银行）',
    activityLine: '活动开展（按工作线）', participants: '参与人次', covered: '已建团', uncovered: '未建团',
    noAlerts: '暂无预警', leadership: '班子问题', overdueUnit: '例会逾期', lapsing: '自行脱团程序中',
    serviceOverdue: '服务事项逾期', disbursed: '放款', grantedShort: '授信', dueMeetings: '应召开',
    heldMeetings: '已召开', overdueMeetings: '逾期' },
  committee: { steps: '成立步骤', leadership: '领导班子', check: '规则检查', record: '记录此步骤',
    due: '当前步骤', done: '已完成', on: '日期', notes: '说明', ok: '符合要求', none: '尚未成立团工委',
    create: '创建团工委', outOfOrder: '不能跳过步骤' },
  tree: { asOf: '查看日期', warnings: '预警', children: '下级组织', move: '移动', merge: '合并',
    newUnit: '新建下级组织', parent: '上级组织', target: '目标组织', today: '今天' },
  coop: { register: '登记合作社', advice: '建团建议', uscc: '统一社会信用代码', chair: '理事长',
    township: '乡镇', industry: '产业类别', product: '主营产品', mode: '经营方式',
    total: '成员数', farmers: '农民成员数', young: '35岁以下青年', league: '团员数' },
  member: { masked: '证件号已脱敏', transfers: '组织关系转接', ageOut: '超龄离团',
    resident: '公民身份号码', phone: '联系电话', birth: '出生日期', roster: '团员花名册' },
  act: { calendar: '活动日历', meetings: '例会', record: '记录例会', heat: '例会落实热力图',
    type: '例会类型', heldOn: '召开日期', topic: '议题', attendees: '出席人数' },
  funds: { ledgers: '经费台账', dues: '团费', arrears: '欠缴团费', remittances: '团费上缴与返还',
    balance: '余额（元）', income: '收入（元）' },
  credit: { grants: '授信', loans: '贷款', overdue: '逾期贷款', byBank: '按银行' },
  assess: { letters: '工作目标承诺书', rounds: '考核', results: '考核结果', recommend: '推优',
    moderation: '评论审核', accept: '采纳', reject: '不采纳', publicPage: '公示页面', qr: '扫码查看',
    grade: '等次', score: '得分' },
  dept: { title: '部门视图', sections: '关注内容', withheld: '无权查看的部分',
    requests: '服务请求', overdueOnly: '只看逾期', accept: '受理', answer: '答复', close: '办结',
    answerText: '答复内容', outcome: '办理结果', due: '答复期限', submitted: '提交日期',
    overdue: '逾期', overdueCount: '{n} 件逾期未答复', done: '已办理', trainings: '培训活动',
    note: '备注', none: '暂无服务请求', deadline: '{days} 个工作日内答复（{note}）' },
  sr: { submitTitle: '提交服务申请', kind: '申请事项', cooperative: '合作社', entrepreneur: '致富骨干（选填）',
    entrepreneurHint: '从名册选择，或输入姓名', title: '标题', description: '情况说明', choose: '请选择',
    sent: '服务申请已提交' },
  users: { add: '新增用户', displayName: '姓名', department: '部门', role: '角色', scope: '范围（团组织）',
    active: '启用', disabled: '已停用', disable: '停用', reset: '重置密码', locked: '锁定至',
    minLength: '至少 10 个字符' },
  audit: { at: '时间', actor: '操作人', what: '内容', detail: '说明', kind: '类型' },
  public: { title: '工作目标承诺书公示', notice: '公示期至', comment: '我要留言', name: '姓名（选填）',
    contact: '联系方式（选填，不公开）', text: '意见建议', send: '提交留言',
    sent: '留言已提交，审核后公开显示。', comments: '群众留言', none: '暂无已公开的留言' },
  errors: { 400: '请求有误', 401: '未登录或登录已过期', 403: '无权进行此操作', 404: '未找到',
    409: '与当前状态冲突', 413: '内容过大', 422: '输入有误', 423: '账户已锁定',
    429: '操作过于频繁，请稍后再试', 500: '服务器出错，请稍后重试', 503: '服务暂不可用',
    network: '网络连接失败' },
}

const en = {
  app: 'League Committee Console', county: 'County rural-cooperative League working committee',
  login: 'Sign in', logout: 'Sign out', username: 'Username', password: 'Password', language: '中文',
  nav: { home: 'Home', committee: 'Committee', tree: 'Organization tree', cooperatives: 'Cooperatives',
    members: 'Members & youth', activities: 'Activities & meetings', funds: 'Funds & dues',
    credit: 'Credit', assessment: 'Commitments & assessment', serviceRequests: 'Service requests',
    departments: 'Department views',
    audit: 'Audit', users: 'Users' },
  common: { search: 'Search', save: 'Save', cancel: 'Cancel', create: 'New', edit: 'Edit',
    detail: 'Details', export: 'Export', exportCsv: 'Export CSV', exportXlsx: 'Export Excel',
    empty: 'No data', loading: 'Loading…', all: 'All', status: 'Status', kind: 'Kind',
    name: 'Name', unit: 'Unit', date: 'Date', actions: 'Actions', back: 'Back', submit: 'Submit',
    confirm: 'OK', saved: 'Saved', year: 'Year', month: 'Month', noAccess: 'Not allowed',
    total: 'Total', records: 'records' },
  home: { alerts: 'Alerts', units: 'Units', members: 'League members', youth: 'Young people',
    coverage: 'Coverage', overdue: 'Overdue meetings', held: 'Activities held',
    granted: 'Credit granted (10k yuan)', letters: 'Letters', coverageTownship: 'Coverage by township',
    coverageIndustry: 'Coverage by industry', compliance: 'Meeting compliance by month',
    creditMonth: 'Credit granted and disbursed by month', creditBank: 'Credit by bank',
    activityLine: 'Activities by line of work', participants: 'Attendances', covered: 'Covered', uncovered: 'Not covered',
    noAlerts: 'No alerts', leadership: 'Leadership', overdueUnit: 'Overdue meetings',
    lapsing: 'Lapsing procedure', serviceOverdue: 'Overdue service requests', disbursed: 'Disbursed',
    grantedShort: 'Granted', dueMeetings: 'Due', heldMeetings: 'Held', overdueMeetings: 'Overdue' },
  committee: { steps: 'Establishment', leadership: 'Leadership', check: 'Rule check', record: 'Record this step',
    due: 'Due step', done: 'Done', on: 'Date', notes: 'Notes', ok: 'Meets the rules',
    none: 'No committee yet', create: 'Create the committee', outOfOrder: 'Steps cannot be skipped' },
  tree: { asOf: 'As of', warnings: 'Warnings', children: 'Units below', move: 'Move', merge: 'Merge',
    newUnit: 'New unit below', parent: 'Parent', target: 'Target', today: 'Today' },
  coop: { register: 'Register a cooperative', advice: 'League-building advice', uscc: 'USCC',
    chair: 'Chair', township: 'Township', industry: 'Industry', product: 'Product',
    mode: 'Business mode', total: 'Members', farmers: 'Farmer members', young: 'Young people under 35',
    league: 'League members' },
  member: { masked: 'ID numbers masked', transfers: 'Transfers', ageOut: 'Aged out',
    resident: 'Resident ID', phone: 'Phone', birth: 'Birth date', roster: 'Roster' },
  act: { calendar: 'Calendar', meetings: 'Meetings', record: 'Record a meeting', heat: 'Compliance heat map',
    type: 'Meeting type', heldOn: 'Held on', topic: 'Topic', attendees: 'Attendees' },
  funds: { ledgers: 'Ledgers', dues: 'Dues', arrears: 'Arrears', remittances: 'Remittances',
    balance: 'Balance (yuan)', income: 'Income (yuan)' },
  credit: { grants: 'Grants', loans: 'Loans', overdue: 'Overdue loans', byBank: 'By bank' },
  assess: { letters: 'Commitment letters', rounds: 'Rounds', results: 'Results', recommend: 'Recommendations',
    moderation: 'Moderation', accept: 'Accept', reject: 'Reject', publicPage: 'Public page', qr: 'Scan to read',
    grade: 'Grade', score: 'Score' },
  dept: { title: 'Department view', sections: 'Sections', withheld: 'Withheld',
    requests: 'Service requests', overdueOnly: 'Overdue only', accept: 'Accept', answer: 'Answer',
    close: 'Close', answerText: 'Answer', outcome: 'Outcome', due: 'Due on',
    submitted: 'Submitted on', overdue: 'Overdue', overdueCount: '{n} overdue',
    done: 'Done', trainings: 'Trainings', note: 'Note', none: 'No service requests',
    deadline: 'Answer within {days} working days ({note})' },
  sr: { submitTitle: 'Submit a service request', kind: 'Service', cooperative: 'Cooperative',
    entrepreneur: 'Young entrepreneur (optional)', entrepreneurHint: 'Pick from the register or type a name',
    title: 'Title', description: 'Description', choose: 'Choose', sent: 'Service request submitted' },
  users: { add: 'New user', displayName: 'Name', department: 'Department', role: 'Role', scope: 'Scope (unit)',
    active: 'Active', disabled: 'Disabled', disable: 'Disable', reset: 'Reset password', locked: 'Locked until',
    minLength: 'at least 10 characters' },
  audit: { at: 'Time', actor: 'Actor', what: 'What', detail: 'Detail', kind: 'Kind' },
  public: { title: 'Work target commitment letter (public notice)', notice: 'Notice until', comment: 'Leave a comment',
    name: 'Name (optional)', contact: 'Contact (optional, not shown)', text: 'Comment', send: 'Send',
    sent: 'Thank you: the comment is shown once moderated.', comments: 'Comments', none: 'No comments shown yet' },
  errors: { 400: 'Bad request', 401: 'Please sign in', 403: 'Not allowed', 404: 'Not found', 409: 'Conflict',
    413: 'Too large', 422: 'Invalid input', 423: 'Account locked', 429: 'Too many requests',
    500: 'Server error', 503: 'Service unavailable', network: 'Network error' },
}

const saved = (typeof localStorage !== 'undefined' && localStorage.getItem('lang')) || 'zh-CN'
export const i18n = createI18n({ legacy: false, locale: saved, fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zh, en } })

export const vocab = reactive({ data: {}, fields: {} })

export async function loadVocabulary() {
  if (Object.keys(vocab.data).length) return
  const r = await fetch('/api/v1/vocabularies')
  if (!r.ok) return
  const doc = await r.json()
  for (const [name, entries] of Object.entries(doc.vocabularies)) {
    vocab.data[name] = Object.fromEntries(entries.map(e => [e.code, e]))
  }
  vocab.fields = Object.fromEntries(doc.fields.map(e => [e.code, e]))
}

export function lang() { return i18n.global.locale.value }

/** The label of `code` in vocabulary `name`, in the current language (the code if unknown). */
export function label(name, code) {
  if (code === null || code === undefined || code === '') return ''
  const entry = vocab.data[name] && vocab.data[name][code]
  return entry ? entry[lang()] || entry['zh-CN'] : String(code)
}

export function options(name) {
  return Object.values(vocab.data[name] || {}).map(e => ({ value: e.code, label: e[lang()] }))
}

export function setLang(value) {
  i18n.global.locale.value = value
  localStorage.setItem('lang', value)
  document.documentElement.lang = value
}

// The API's messages (marshmallow's and the domain's) in Chinese; others are shown as sent.
const MESSAGES = [
  [/^Missing data for required field\.?$/, '必填项'],
  [/^Not a valid integer\.?$/, '请输入整数'],
  [/^Not a valid (string|number)\.?$/, '格式不正确'],
  [/^Not a valid date\.?$/, '请输入有效日期'],
  [/^Not a valid boolean\.?$/, '格式不正确'],
  [/^Unknown field\.?$/, '未知字段'],
  [/^Length must be between (\d+) and (\d+)\.?$/, '长度须在 $1 到 $2 之间'],
  [/^Length must be (\d+)\.?$/, '长度须为 $1 位'],
  [/^Shorter than minimum length (\d+)\.?$/, '至少 $1 个字符'],
  [/^Must be greater than or equal to (\d+) and less than or equal to (\d+)\.?$/, '须在 $1 到 $2 之间'],
  [/^Must be one of: .*$/, '不是可选的值'],
  [/^must be 18 characters$/, '须为 18 位'],
  [/^may only use 0-9 and A-H J-N P-R T U W-Y \(upper case\)$/, '只能使用数字和大写字母（不含 I、O、S、V、Z）'],
  [/^positions 3-8 must be a six-digit county code \(GB\/T 2260\)$/, '第 3–8 位须为六位行政区划代码（GB/T 2260）'],
  [/^check character does not match \(GB 32100-2015\)$/, '校验码不正确（GB 32100-2015）'],
  [/^.*already registered.*$/i, '该统一社会信用代码已登记'],
  [/^must be at least 10 characters$/, '至少 10 个字符'],
  [/^wrong username or password$/, '用户名或密码错误'],
  [/^the account is locked.*$/, '连续 5 次登录失败，账户已锁定 15 分钟，请稍后再试'],
  [/^the username .* is taken$/, '用户名已被占用'],
  [/^must not be empty$/, '不能为空'],
  [/^name the cooperative or the young entrepreneur who asks$/, '请选择合作社或填写致富骨干'],
  [/^give the young entrepreneur's name with the id$/, '请填写致富骨干姓名'],
  [/^unknown cooperative .*$/, '合作社不存在或不在本组织范围内'],
  [/^unknown or dissolved unit .*$/, '团组织不存在或已撤销'],
  [/^.*outside your scope.*$/i, '不在本组织范围内'],
  [/^exactly one secretary is required, (\d+) appointed$/, '须有且仅有一名书记，现有 $1 名'],
  [/^(\d+)-(\d+) deputy secretaries are required, (\d+) appointed$/, '须有 $1–$2 名副书记，现有 $3 名'],
  [/^member unit (\S+) has more than one deputy secretary$/, '成员单位 $1 有多名副书记'],
  [/^deputy secretary from (\S+), which is not a member unit$/, '副书记所在单位 $1 不是成员单位'],
]

export function translateMessage(message) {
  if (lang() !== 'zh-CN' || typeof message !== 'string') return message
  for (const [pattern, zhText] of MESSAGES) {
    if (pattern.test(message)) return message.replace(pattern, zhText)
  }
  return message
}

/** One line for a failed request: the Chinese title of its status and the API's reason. */
export function describeError(err) {
  const t = i18n.global.t
  if (!err || err.status === undefined) return t('errors.network')
  const p = err.problem || {}
  let text = t(`errors.${err.status}`)
  const reason = translateMessage(p.detail || '')
  if (p.due_step) {
    text += lang() === 'zh-CN' ? `：当前应进行「${label('establishment_steps', p.due_step)}」` :
      `: the due step is ${label('establishment_steps', p.due_step)}`
  } else if (reason) {
    text += '：' + reason
  }
  return text
}

/** Field errors of a 422 as {field: 'message'} in the current language. */
export function fieldErrors(err) {
  const out = {}
  const errors = (err && err.problem && err.problem.errors) || {}
  for (const [field, messages] of Object.entries(errors)) {
    const list = Array.isArray(messages) ? messages : [String(messages)]
    out[field] = list.map(m => translateMessage(typeof m === 'string' ? m : JSON.stringify(m))).join('；')
  }
  return out
}
