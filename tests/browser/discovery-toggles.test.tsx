// The pages' theme, as the popup and the widget load it: the focus ring's colour comes from it.
import '../../components/theme.css';
import { useState } from 'preact/hooks';
import { describe, expect, test, vi } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { DiscoveryToggles } from '../../components/DiscoveryToggles.tsx';
import { applySettingsPatch, type DiscoverySettings, type DiscoverySettingsPatch } from '../../shared/settings.ts';
import { SETTINGS, renderInto } from './fakes.ts';

const NAMES = ['Automatically reveal B2B email', 'Automatically reveal phone', 'Automatically reveal direct email'];
const GUARDS = [
  'B2B email credits kept for manual reveals',
  'Phone credits kept for manual reveals',
  'Direct email credits kept for manual reveals',
];

interface Options {
  showGuard?: boolean;
  saving?: boolean;
  error?: string | null;
}

/**
 * Renders the toggles under a parent that shows each change at once, as the popup does;
 * `replace` stands for a change arriving from elsewhere (a push).
 */
function mount(options: Options = {}, initial: DiscoverySettings = SETTINGS) {
  const onChange = vi.fn<(patch: DiscoverySettingsPatch) => void>();
  const outside: { replace: (settings: DiscoverySettings) => void } = { replace: () => {} };
  function Parent() {
    const [settings, setSettings] = useState(initial);
    outside.replace = setSettings;
    return (
      <DiscoveryToggles
        {...options}
        settings={settings}
        onChange={(patch) => {
          onChange(patch);
          setSettings((shown) => applySettingsPatch(shown, patch));
        }}
      />
    );
  }
  renderInto(<Parent />);
  return { onChange, replace: (settings: DiscoverySettings) => outside.replace(settings) };
}

const toggle = (name: string) => page.getByRole('switch', { name, exact: true });
const guard = (name: string) => page.getByRole('spinbutton', { name, exact: true });

describe('Automatic discovery toggles', () => {
  test('one switch per reveal type, showing the settings (defaults: only B2B email on)', async () => {
    mount();
    await expect.element(page.getByRole('group', { name: 'Automatic discovery' })).toBeVisible();
    await expect.element(toggle(NAMES[0] ?? '')).toBeChecked();
    await expect.element(toggle(NAMES[1] ?? '')).not.toBeChecked();
    await expect.element(toggle(NAMES[2] ?? '')).not.toBeChecked();
    expect(page.getByRole('switch').all()).toHaveLength(3);
  });

  test('a click sends only the type it changed', async () => {
    const { onChange } = mount();
    await toggle('Automatically reveal phone').click();
    expect(onChange).toHaveBeenLastCalledWith({ autoReveal: { phone: true } });
    await expect.element(toggle('Automatically reveal phone')).toBeChecked();
    await toggle('Automatically reveal B2B email').click();
    expect(onChange).toHaveBeenLastCalledWith({ autoReveal: { b2bEmail: false } });
    expect(onChange).toHaveBeenCalledTimes(2);
  });

  test('clicking the words beside a switch flips it too (a real label)', async () => {
    const { onChange } = mount();
    await page.getByText('Automatically reveal direct email').click();
    expect(onChange).toHaveBeenCalledWith({ autoReveal: { directEmail: true } });
  });

  test('works from the keyboard: Tab to a switch, Space flips it, and the focus is visible', async () => {
    const { onChange } = mount();
    await userEvent.tab();
    const first = toggle('Automatically reveal B2B email');
    await expect.element(first).toHaveFocus();
    // The native box is transparent; the drawn track carries the focus ring.
    const track = first.element().nextElementSibling;
    expect(track && getComputedStyle(track).outlineStyle).toBe('solid');
    await userEvent.tab();
    await expect.element(toggle('Automatically reveal phone')).toHaveFocus();
    await userEvent.keyboard(' ');
    expect(onChange).toHaveBeenCalledWith({ autoReveal: { phone: true } });
    await expect.element(toggle('Automatically reveal phone')).toBeChecked();
  });

  test('a change from elsewhere (a widget) shows at once', async () => {
    const { replace } = mount({ showGuard: true });
    replace({
      autoReveal: { b2bEmail: false, phone: true, directEmail: false },
      keepAtLeast: { ...SETTINGS.keepAtLeast, phone: 3 },
    });
    await expect.element(toggle('Automatically reveal B2B email')).not.toBeChecked();
    await expect.element(toggle('Automatically reveal phone')).toBeChecked();
    await expect.element(guard('Phone credits kept for manual reveals')).toHaveValue(3);
  });

  test('without showGuard (the widget) there are no guard inputs', async () => {
    mount();
    await expect.element(toggle('Automatically reveal phone')).toBeVisible();
    expect(page.getByRole('spinbutton').all()).toHaveLength(0);
    expect(page.getByText('for manual reveals', { exact: false }).all()).toHaveLength(0);
  });

  test('with showGuard: "Keep at least N credits for manual reveals" under each switch', async () => {
    mount({ showGuard: true }, { ...SETTINGS, keepAtLeast: { b2bEmail: 0, phone: 2, directEmail: 10 } });
    await expect.element(guard(GUARDS[0] ?? '')).toHaveValue(0);
    await expect.element(guard(GUARDS[1] ?? '')).toHaveValue(2);
    await expect.element(guard(GUARDS[2] ?? '')).toHaveValue(10);
    await expect.element(page.getByText('phone credits for manual reveals', { exact: false })).toBeVisible();
  });

  test('the guard is sent once on Enter, not on every keystroke', async () => {
    const { onChange } = mount({ showGuard: true });
    const phone = guard('Phone credits kept for manual reveals');
    await phone.fill('25');
    expect(onChange).not.toHaveBeenCalled();
    await userEvent.keyboard('{Enter}');
    await userEvent.tab();
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(onChange).toHaveBeenCalledWith({ keepAtLeast: { phone: 25 } });
    await expect.element(phone).toHaveValue(25);
  });

  test('the guard is sent when the field is left', async () => {
    const { onChange } = mount({ showGuard: true });
    await guard('Direct email credits kept for manual reveals').fill('4');
    await userEvent.tab();
    expect(onChange).toHaveBeenCalledExactlyOnceWith({ keepAtLeast: { directEmail: 4 } });
  });

  test('leaving a guard unchanged sends nothing', async () => {
    const { onChange } = mount({ showGuard: true });
    await guard('Phone credits kept for manual reveals').click();
    await userEvent.tab();
    expect(onChange).not.toHaveBeenCalled();
  });

  test.each([
    ['a negative number', '-1'],
    ['a fraction', '2.5'],
    ['more than the maximum', '100001'],
    ['nothing', ''],
  ])('%s is explained and not sent', async (_case, typed) => {
    const { onChange } = mount({ showGuard: true });
    const phone = guard('Phone credits kept for manual reveals');
    await phone.fill(typed);
    await userEvent.keyboard('{Enter}');
    await expect.element(phone).toHaveAttribute('aria-invalid', 'true');
    await expect.element(phone).toHaveAccessibleDescription('Enter a whole number from 0 to 100,000.');
    await expect.element(page.getByText('Enter a whole number from 0 to 100,000.')).toBeVisible();
    await userEvent.tab();
    expect(onChange).not.toHaveBeenCalled();
    // Corrected, it goes and the message leaves.
    await phone.fill('100000');
    await userEvent.keyboard('{Enter}');
    expect(onChange).toHaveBeenCalledExactlyOnceWith({ keepAtLeast: { phone: 100_000 } });
    await expect.element(phone).toHaveAttribute('aria-invalid', 'false');
    expect(page.getByText('Enter a whole number from 0 to 100,000.').all()).toHaveLength(0);
  });

  test('says when a change is being saved, and why one was not', async () => {
    mount({ saving: true, error: 'Your change was not saved. The extension did not answer.' });
    await expect.element(page.getByRole('status')).toHaveTextContent('Saving…');
    await expect
      .element(page.getByRole('alert'))
      .toHaveTextContent('Your change was not saved. The extension did not answer.');
  });
});
