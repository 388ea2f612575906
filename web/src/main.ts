import { createApp } from 'vue';

import App from './App.vue';
import { configureClient, whenSignedOut } from './api/http';
import { router } from './router';
import { loadMe, session } from './session';
import './styles.css';

configureClient();
whenSignedOut(() => {
  if (session.me !== null) {
    session.me = null;
    session.expired = true;
  }
});

async function start(): Promise<void> {
  // Installing the router starts the first navigation, which loads that page's code while
  // /me is asked: the two do not wait for each other.
  const app = createApp(App).use(router);
  const me = loadMe().catch(() => {
    // The service is not answering: the pages say so when they ask it themselves.
  });
  await Promise.all([me, router.isReady()]);
  app.mount('#app');
}

void start();
