import { useEffect, useState } from 'preact/hooks';
import { copyText, type CopyText } from './clipboard.ts';
import { t } from '../i18n/messages.ts';

interface Props {
  value: string;
  /** Injected in tests; the real clipboard otherwise. */
  copy?: CopyText;
}

type Feedback = 'idle' | 'copied' | 'failed';

/**
 * A button named "Copy <value>" that says "Copied" for a moment after copying. The name stays
 * the same (a name that changes under the focus is read out again, or not at all, depending on
 * the screen reader); a status region beside it says "<value> copied to the clipboard".
 */
export function CopyButton({ value, copy = copyText }: Props) {
  const [feedback, setFeedback] = useState<Feedback>('idle');

  useEffect(() => {
    if (feedback === 'idle') return;
    const timer = setTimeout(() => setFeedback('idle'), 2000);
    return () => clearTimeout(timer);
  }, [feedback]);

  const onClick = () => {
    // Emptied first, so copying again within the 2 s is announced again (a live region
    // speaks when its text changes).
    setFeedback('idle');
    copy(value).then(
      () => setFeedback('copied'),
      () => setFeedback('failed'),
    );
  };

  const label = feedback === 'copied' ? t('copied') : feedback === 'failed' ? t('copyFailed') : t('copy');
  const status =
    feedback === 'copied' ? t('copiedValue', value) : feedback === 'failed' ? t('copyFailedValue', value) : '';
  return (
    <>
      <button type="button" class="copy" aria-label={t('copyValue', value)} onClick={onClick}>
        {label}
      </button>
      {/* Always in the page: a region added together with its text is often not read out. */}
      <span class="visually-hidden" role="status">
        {status}
      </span>
    </>
  );
}
