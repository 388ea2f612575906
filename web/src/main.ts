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
  try {
    await loadMe();
  } catch {
    // The service is not answering: the pages say so when they ask it themselves.
  }
  createApp(App).use(router).mount('#app');
}

void start();
