import { createRouter, createWebHistory } from 'vue-router'
import { session, refresh, loadMe, can, scoped } from './api.js'
import { loadVocabulary } from './i18n.js'

// `action`: the policy action the page needs (the menu shows only pages the person may
// read); `county`: a county-wide page, not shown to a person scoped to one unit.
export const PAGES = [
  { path: '/', name: 'home', icon: 'HomeFilled', action: 'dashboard.read', component: () => import('./pages/Home.vue') },
  { path: '/committee', name: 'committee', action: 'committees.read', county: true, component: () => import('./pages/Committee.vue') },
  { path: '/tree', name: 'tree', action: 'units.read', component: () => import('./pages/Tree.vue') },
  { path: '/cooperatives', name: 'cooperatives', action: 'cooperatives.read', component: () => import('./pages/Cooperatives.vue') },
  { path: '/members', name: 'members', action: 'members.read', component: () => import('./pages/Members.vue') },
  { path: '/activities', name: 'activities', action: 'activities.read', component: () => import('./pages/Activities.vue') },
  { path: '/funds', name: 'funds', action: 'funds.read', alt: 'dues.read', component: () => import('./pages/Funds.vue') },
  { path: '/credit', name: 'credit', action: 'credit.read', component: () => import('./pages/Credit.vue') },
  { path: '/assessment', name: 'assessment', action: 'commitments.read', component: () => import('./pages/Assessment.vue') },
  { path: '/service-requests', name: 'serviceRequests', action: 'service_requests.read', component: () => import('./pages/ServiceRequests.vue') },
  { path: '/departments', name: 'departments', action: 'departments.read', county: true, component: () => import('./pages/Departments.vue') },
  { path: '/audit', name: 'audit', action: 'audit.read', component: () => import('./pages/Audit.vue') },
  { path: '/users', name: 'users', action: 'users.admin', county: true, component: () => import('./pages/Users.vue') },
]

export function visible(page) {
  if (page.county && scoped()) return false
  return can(page.action) || (page.alt && can(page.alt))
}

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/login', name: 'login', meta: { public: true }, component: () => import('./pages/Login.vue') },
    { path: '/letters/:id', name: 'letter', meta: { public: true }, component: () => import('./pages/PublicLetter.vue') },
    { path: '/cooperatives/:id', name: 'cooperative', meta: { action: 'cooperatives.read' }, component: () => import('./pages/CooperativeDetail.vue') },
    { path: '/members/:id', name: 'member', meta: { action: 'members.read' }, component: () => import('./pages/MemberDetail.vue') },
    ...PAGES.map(p => ({ path: p.path, name: p.name, component: p.component, meta: { page: p } })),
    { path: '/:rest(.*)*', redirect: '/' },
  ],
})

router.beforeEach(async (to) => {
  await loadVocabulary()
  if (to.meta.public) return true
  if (!session.token && !(await refresh())) return { name: 'login', query: { next: to.fullPath } }
  if (!session.me) {
    try { await loadMe() } catch { return { name: 'login' } }
  }
  const page = to.meta.page
  if (page && !visible(page)) {
    const first = PAGES.find(visible)
    return first && first.name !== to.name ? { name: first.name } : true
  }
  return true
})
