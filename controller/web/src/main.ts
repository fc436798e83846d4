import { createApp } from 'vue';
import App from './App.vue';
import { startLive } from './live/socket';
import { router } from './router';
import './styles.css';

startLive();
createApp(App).use(router).mount('#app');
