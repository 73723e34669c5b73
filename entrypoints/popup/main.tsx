import '../../components/theme.css';
import { render } from 'preact';
import { openOptionsPage, send } from '../../messaging/client.ts';
import { onPush } from '../../messaging/pushes.ts';
import { App } from './App.tsx';
import { createPopupStore } from './store.ts';

const store = createPopupStore({
  send,
  openOptions: async () => {
    const opened = await openOptionsPage();
    if (opened.ok) window.close();
    return opened;
  },
});
onPush((push) => store.getState().receive(push));

const root = document.getElementById('app');
if (root) render(<App store={store} />, root);
void store.getState().load();
