/**
 * The widget page, shown in an iframe on profile pages. It learns its lead from the
 * background by its tab (`widgetOpened`), never from the page around it.
 */
import '../../components/theme.css';
import { render } from 'preact';
import { applyDocumentLanguage } from '../../components/page-language.ts';
import { openOptionsPage, send } from '../../messaging/client.ts';
import { onPush } from '../../messaging/pushes.ts';
import { App } from './App.tsx';
import { createWidgetStore } from './store.ts';

const store = createWidgetStore({ send, openOptions: openOptionsPage });
onPush((push) => store.getState().receive(push));

applyDocumentLanguage(document);
const root = document.getElementById('app');
if (root) render(<App store={store} />, root);
// The mark lets benchmarks time "profile opened to lead on screen" (Preact renders on a microtask).
void store
  .getState()
  .load()
  .then(() => Promise.resolve())
  .then(() => performance.mark('leadlens:widget-ready'));
