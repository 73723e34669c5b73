import '../../components/theme.css';
import './options.css';
import { render } from 'preact';
import { applyDocumentLanguage } from '../../components/page-language.ts';
import { browser } from 'wxt/browser';
import { send } from '../../messaging/client.ts';
import { onPush } from '../../messaging/pushes.ts';
import { App } from './App.tsx';
import { createOptionsStore } from './store.ts';
import { createUsageStore } from './usage-store.ts';
import { createWorkspaceStore } from './workspace-store.ts';

const store = createOptionsStore({
  send,
  requestOrigins: (origins) => browser.permissions.request({ origins }),
});
const createTabs = () => ({ usage: createUsageStore({ send }), workspace: createWorkspaceStore({ send }) });
onPush((push) => store.getState().receive(push));

applyDocumentLanguage(document, 'optionsTitle');
const root = document.getElementById('app');
if (root) render(<App store={store} createTabs={createTabs} />, root);
void store.getState().load();
