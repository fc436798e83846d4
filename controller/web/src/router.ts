import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { session } from './session';

/*
 * Panel paths never start like an API route (/workspaces, /agent, /lookup…): a reload of any of
 * them reaches the controller's index.html fallback. New feature views (alerts, network map,
 * speed tests) add their route here, under /w/:ws/.
 */
const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('./pages/LoginPage.vue'), meta: { public: true } },
  { path: '/', name: 'home', component: () => import('./pages/WorkspacesPage.vue') },
  { path: '/invite/:ws', name: 'invite', component: () => import('./pages/InvitePage.vue'), props: (r) => ({ ws: Number(r.params.ws) }) },
  { path: '/w/:ws/agents', name: 'agents', component: () => import('./pages/AgentsPage.vue'), props: (r) => ({ ws: Number(r.params.ws) }) },
  {
    path: '/w/:ws/agents/:agent',
    name: 'agent',
    component: () => import('./pages/AgentPage.vue'),
    props: (r) => ({ ws: Number(r.params.ws), agent: Number(r.params.agent) }),
  },
  {
    path: '/w/:ws/agents/:agent/probes/new',
    name: 'probe-new',
    component: () => import('./pages/ProbeEditPage.vue'),
    props: (r) => ({ ws: Number(r.params.ws), agent: Number(r.params.agent), probe: 0 }),
  },
  {
    path: '/w/:ws/agents/:agent/probes/:probe',
    name: 'probe',
    component: () => import('./pages/ProbePage.vue'),
    props: (r) => ({ ws: Number(r.params.ws), agent: Number(r.params.agent), probe: Number(r.params.probe) }),
  },
  {
    path: '/w/:ws/agents/:agent/probes/:probe/edit',
    name: 'probe-edit',
    component: () => import('./pages/ProbeEditPage.vue'),
    props: (r) => ({ ws: Number(r.params.ws), agent: Number(r.params.agent), probe: Number(r.params.probe) }),
  },
  { path: '/w/:ws/speedtests', name: 'speedtest-queue', component: () => import('./pages/SpeedtestQueuePage.vue'), props: (r) => ({ ws: Number(r.params.ws) }) },
  { path: '/w/:ws/network-map', name: 'network-map', component: () => import('./pages/NetworkMapPage.vue'), props: (r) => ({ ws: Number(r.params.ws) }) },
  { path: '/w/:ws/members', name: 'members', component: () => import('./pages/MembersPage.vue'), props: (r) => ({ ws: Number(r.params.ws) }) },
  { path: '/alerts', name: 'alerts', component: () => import('./pages/AlertsPage.vue') },
  { path: '/w/:ws/alert-rules', name: 'alert-rules', component: () => import('./pages/AlertRulesPage.vue'), props: (r) => ({ ws: Number(r.params.ws) }) },
  {
    path: '/w/:ws/alert-rules/new',
    name: 'alert-rule-new',
    component: () => import('./pages/AlertRuleEditPage.vue'),
    props: (r) => ({ ws: Number(r.params.ws), rule: 0 }),
  },
  {
    path: '/w/:ws/alert-rules/:rule',
    name: 'alert-rule-edit',
    component: () => import('./pages/AlertRuleEditPage.vue'),
    props: (r) => ({ ws: Number(r.params.ws), rule: Number(r.params.rule) }),
  },
  { path: '/tools/lookups', name: 'lookups', component: () => import('./pages/LookupsPage.vue') },
  { path: '/:rest(.*)*', name: 'missing', component: () => import('./pages/MissingPage.vue') },
];

export const router = createRouter({ history: createWebHistory(), routes });

router.beforeEach((to) => {
  if (!to.meta.public && !session.token) return { name: 'login', query: to.fullPath === '/' ? {} : { next: to.fullPath } };
  if (to.name === 'login' && session.token) return { name: 'home' };
  return true;
});
