import { createApp } from 'vue';
import App from './App.vue';
import { followAlertCount } from './alert-count';
import { startLive } from './live/socket';
import { router } from './router';
import './styles.css';

startLive();
followAlertCount();
createApp(App).use(router).mount('#app');
