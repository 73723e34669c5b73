import { t } from '../i18n/messages.ts';

interface Props {
  message: string;
  /** Shows a Retry button when given. */
  onRetry?: () => void;
}

/** An error said in words, with a way to try again. */
export function ErrorNotice({ message, onRetry }: Props) {
  return (
    <div class="notice notice-error">
      <p role="alert">{message}</p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {t('retry')}
        </button>
      )}
    </div>
  );
}
