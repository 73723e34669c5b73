/**
 * Browser-mode setup: each test renders into a fresh container and leaves nothing behind.
 */
import { render } from 'preact';
import { afterEach } from 'vitest';

afterEach(() => {
  for (const container of document.querySelectorAll('[data-test-root]')) {
    render(null, container);
    container.remove();
  }
});
