import { nextTick } from 'vue';
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';

declare module 'vue-router' {
  interface RouteMeta {
    title: string;
    /** The page is someone's own: signed-out visitors are asked to sign in first. */
    signedIn?: boolean;
    /** The page is for this role only: others are told so, with no request made. */
    role?: 'tutor' | 'admin';
  }
}

const routes: RouteRecordRaw[] = [
  { path: '/', component: () => import('./pages/HomePage.vue'), meta: { title: 'tutorcal' } },
  {
    path: '/privacy',
    component: () => import('./pages/PrivacyPage.vue'),
    meta: { title: 'Privacy' },
  },
  {
    path: '/tutors',
    component: () => import('./pages/FindTutorPage.vue'),
    meta: { title: 'Find a tutor', signedIn: true },
  },
  {
    path: '/tutors/:tutorId',
    component: () => import('./pages/TutorPage.vue'),
    props: true,
    meta: { title: 'Tutor', signedIn: true },
  },
  {
    path: '/bookings',
    component: () => import('./pages/MyBookingsPage.vue'),
    meta: { title: 'My bookings', signedIn: true },
  },
  {
    path: '/bookings/:bookingId',
    component: () => import('./pages/BookingPage.vue'),
    props: true,
    meta: { title: 'Booking', signedIn: true },
  },
  {
    path: '/profile',
    component: () => import('./pages/ProfilePage.vue'),
    meta: { title: 'Profile', signedIn: true },
  },
  {
    path: '/teach/calendar',
    component: () => import('./pages/TutorCalendarPage.vue'),
    meta: { title: 'Calendar connection', signedIn: true, role: 'tutor' },
  },
  {
    path: '/teach/settings',
    component: () => import('./pages/TutorSettingsPage.vue'),
    meta: { title: 'Tutoring settings', signedIn: true, role: 'tutor' },
  },
  {
    path: '/teach/availability',
    component: () => import('./pages/AvailabilityPage.vue'),
    meta: { title: 'Weekly availability', signedIn: true, role: 'tutor' },
  },
  {
    path: '/teach/sessions',
    component: () => import('./pages/TutorSessionsPage.vue'),
    meta: { title: 'My sessions', signedIn: true, role: 'tutor' },
  },
  {
    path: '/admin/people',
    component: () => import('./pages/AdminPeoplePage.vue'),
    meta: { title: 'People', signedIn: true, role: 'admin' },
  },
  {
    path: '/admin/audit',
    component: () => import('./pages/AdminAuditPage.vue'),
    meta: { title: 'Audit log', signedIn: true, role: 'admin' },
  },
  {
    path: '/admin/google-writes',
    component: () => import('./pages/AdminOutboxPage.vue'),
    meta: { title: 'Failed Google writes', signedIn: true, role: 'admin' },
  },
  {
    path: '/admin/subjects',
    component: () => import('./pages/AdminSubjectsPage.vue'),
    meta: { title: 'Subjects', signedIn: true, role: 'admin' },
  },
  {
    path: '/:unknown(.*)*',
    component: () => import('./pages/NotFoundPage.vue'),
    meta: { title: 'Page not found' },
  },
];

export const router = createRouter({ history: createWebHistory(), routes });

let firstPage = true;
router.afterEach((to) => {
  document.title = to.meta.title === 'tutorcal' ? 'tutorcal' : `${to.meta.title} · tutorcal`;
  if (firstPage) {
    firstPage = false;
    return;
  }
  // A screen reader hears the new page's heading, and Tab goes on from there.
  void nextTick(() => document.querySelector<HTMLElement>('main h1')?.focus());
});

/** Pages set their own title once they know what they show (a tutor's name). */
export function setTitle(title: string): void {
  document.title = `${title} · tutorcal`;
}
