/**
 * `wxt/browser` for Vitest browser mode: WXT's fake browser. (WxtVitest's own mock imports
 * `wxt/testing`, which pulls its Node-only Vite plugin into the page.)
 */
import { fakeBrowser } from 'wxt/testing/fake-browser';

export const browser = fakeBrowser;
export default fakeBrowser;
