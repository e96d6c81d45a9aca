/** A service error, verbatim: its message and each located issue as `file:line: field: message`. */
import { formatIssue, type ApiError } from '../api/errors.ts';

export function ErrorBox({ error, onDismiss, testId = 'error' }: { error: ApiError | null; onDismiss?: () => void; testId?: string }) {
  if (!error) return null;
  return (
    <div className="error-box" role="alert" data-testid={testId} data-code={error.code}>
      <div className="error-head">
        <strong>{error.message}</strong>
        {onDismiss && (
          <button className="icon-btn" onClick={onDismiss} aria-label="Dismiss">
            ×
          </button>
        )}
      </div>
      {error.issues.length > 0 && (
        <ul className="issues" data-testid={`${testId}-issues`}>
          {error.issues.map((issue, i) => (
            <li key={i}>
              <code>{formatIssue(issue)}</code>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
