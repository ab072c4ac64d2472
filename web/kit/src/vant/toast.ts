import { showSuccessToast, showToast } from 'vant';

// Vant breaks toast text anywhere by default, which splits English words ("Thank you fo / r").

/** A short confirmation that something worked. */
export function toastDone(message: string): void {
  showSuccessToast({ message, wordBreak: 'break-word' });
}

/** A short message that something did not work. */
export function toastProblem(message: string): void {
  showToast({ message, wordBreak: 'break-word' });
}
