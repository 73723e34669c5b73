import '../../components/theme.css';
import './popup.css';
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
// Ask before the first render: the figures are on screen as soon as the background answers.
void store.getState().load();

const root = document.getElementById('app');
if (root) render(<App store={store} />, root);
