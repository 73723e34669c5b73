import { useEffect, useState } from 'preact/hooks';
import { copyText, type CopyText } from './clipboard.ts';

interface Props {
  value: string;
  /** Injected in tests; the real clipboard otherwise. */
  copy?: CopyText;
}

type Feedback = 'idle' | 'copied' | 'failed';

/** A button named "Copy <value>" that says "Copied" for a moment after copying. */
export function CopyButton({ value, copy = copyText }: Props) {
  const [feedback, setFeedback] = useState<Feedback>('idle');

  useEffect(() => {
    if (feedback === 'idle') return;
    const timer = setTimeout(() => setFeedback('idle'), 2000);
    return () => clearTimeout(timer);
  }, [feedback]);

  const onClick = () => {
    copy(value).then(
      () => setFeedback('copied'),
      () => setFeedback('failed'),
    );
  };

  const label = feedback === 'copied' ? 'Copied' : feedback === 'failed' ? 'Copy failed' : 'Copy';
  return (
    <>
      <button type="button" class="copy" aria-label={`Copy ${value}`} onClick={onClick}>
        {label}
      </button>
      <span class="visually-hidden" role="status">
        {feedback === 'idle' ? '' : label}
      </span>
    </>
  );
}
