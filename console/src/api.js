// The API client: the access token lives in memory only; the refresh token is an HttpOnly
// cookie the page never sees. A 401 tries one refresh, then sends the person to sign in.
import { reactive } from 'vue'

export const session = reactive({ token: null, me: null })
let refreshing = null

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && problem.detail) || `HTTP ${status}`)
    this.status = status
    this.problem = problem || {}
  }
}

function newKey() {
  if (globalThis.crypto && crypto.randomUUID) return crypto.randomUUID()
  return 'k' + Date.now().toString(36) + Math.random().toString(36).slice(2)
}

// Whether this browser signed in before: only then is a refresh worth asking for (a refresh
// without the cookie would only log a 401 in the console).
const MARK = 'coopleague.signedIn'

export async function refresh() {
  if (!localStorage.getItem(MARK)) return false
  if (!refreshing) {
    refreshing = (async () => {
      const r = await fetch('/api/v1/auth/refresh', { method: 'POST', credentials: 'same-origin' })
      if (!r.ok) { session.token = null; session.me = null; localStorage.removeItem(MARK); return false }
      session.token = (await r.json()).access_token
      return true
    })().finally(() => { setTimeout(() => { refreshing = null }, 0) })
  }
  return refreshing
}

export async function api(path, { method = 'GET', body, query, retry = true, blob = false } = {}) {
  const url = new URL('/api/v1' + path, location.origin)
  for (const [k, v] of Object.entries(query || {})) {
    if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, v)
  }
  const headers = {}
  if (session.token) headers.Authorization = 'Bearer ' + session.token
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (method !== 'GET') headers['Idempotency-Key'] = newKey()
  const r = await fetch(url, { method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body) })
  if (r.status === 401 && retry && path !== '/auth/login' && await refresh()) {
    return api(path, { method, body, query, retry: false, blob })
  }
  if (!r.ok) {
    let problem = null
    try { problem = await r.json() } catch { problem = null }
    throw new ApiError(r.status, problem)
  }
  if (blob) return r
  const text = await r.text()
  return text ? JSON.parse(text) : null
}

/** Every item of a paged list (up to `max`). */
export async function all(path, query = {}, max = 2000) {
  const items = []
  let cursor = null
  do {
    const page = await api(path, { query: { ...query, limit: 500, cursor } })
    items.push(...(page.items || []))
    cursor = page.next_cursor
  } while (cursor && items.length < max)
  return items
}

export async function login(username, password) {
  const r = await api('/auth/login', { method: 'POST', body: { username, password }, retry: false })
  session.token = r.access_token
  localStorage.setItem(MARK, '1')
  await loadMe()
  return r
}

export async function loadMe() {
  session.me = await api('/auth/me')
  return session.me
}

export async function logout() {
  try { await fetch('/api/v1/auth/logout', { method: 'POST', credentials: 'same-origin' }) } finally {
    session.token = null
    session.me = null
    localStorage.removeItem(MARK)
  }
}

let paths = null
/** Whether the API has a route (routes other issues add appear once they land). */
export async function hasRoute(method, path) {
  if (!paths) {
    paths = fetch('/api/v1/openapi.json').then(r => r.json()).then(d => d.paths).catch(() => ({}))
  }
  const p = (await paths)['/api/v1' + path]
  return !!(p && p[method.toLowerCase()])
}

export function can(action) {
  return !!(session.me && session.me.actions.includes(action))
}

export function scoped() {
  return !!(session.me && session.me.unit)
}
