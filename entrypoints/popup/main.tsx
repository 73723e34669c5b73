import '../../components/theme.css';
import './popup.css';
import { render } from 'preact';
import { applyDocumentLanguage } from '../../components/page-language.ts';
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

applyDocumentLanguage(document);
const root = document.getElementById('app');
if (root) render(<App store={store} />, root);

// `npm run bench` times the popup by these marks: the frame after the first render with the
// kept figures, then the frame after the figures read again from the server (or the reason
// they could not be) replaced them. Preact renders state changes on a microtask.
const unsubscribe = store.subscribe((state, previous) => {
  if (!state.session?.signedIn) return;
  if (!previous.session?.signedIn) {
    requestAnimationFrame(() => performance.mark('leadlens:popup-figures'));
  } else if (state.session !== previous.session || state.refreshError !== previous.refreshError) {
    unsubscribe();
    requestAnimationFrame(() => performance.mark('leadlens:popup-fresh'));
  }
});
