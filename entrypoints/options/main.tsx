import '../../components/theme.css';
import './options.css';
import { render } from 'preact';
import { applyDocumentLanguage } from '../../components/page-language.ts';
import { browser } from 'wxt/browser';
import { send } from '../../messaging/client.ts';
import { onPush } from '../../messaging/pushes.ts';
import { readProfileList } from '../../shared/csv-import.ts';
import { App, type TabStores } from './App.tsx';
import { createBulkStore } from './bulk-store.ts';
import { createLeadsStore } from './leads-store.ts';
import { createOptionsStore } from './store.ts';
import { createUsageStore } from './usage-store.ts';
import { createWorkspaceStore } from './workspace-store.ts';

const requestOrigins = (origins: string[]) => browser.permissions.request({ origins });
const store = createOptionsStore({ send, requestOrigins });
/** The signed-in account's tab stores (made again for each account), for the pushes below. */
let tabs: TabStores | null = null;
const createTabs = (): TabStores => {
  tabs = {
    usage: createUsageStore({ send }),
    workspace: createWorkspaceStore({ send }),
    leads: { store: createLeadsStore({ send, requestOrigins }), send },
    bulk: { store: createBulkStore({ send, readProfileList }), send },
  };
  return tabs;
};
onPush((push) => {
  store.getState().receive(push);
  tabs?.leads?.store.getState().receive(push);
  tabs?.bulk?.store.getState().receive(push);
});

applyDocumentLanguage(document, 'optionsTitle');
const root = document.getElementById('app');
if (root) render(<App store={store} createTabs={createTabs} />, root);
void store.getState().load();
