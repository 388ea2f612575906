import { nextTick } from 'vue';
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';

declare module 'vue-router' {
  interface RouteMeta {
    title: string;
    /** The page is someone's own: signed-out visitors are asked to sign in first. */
    signedIn?: boolean;
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
