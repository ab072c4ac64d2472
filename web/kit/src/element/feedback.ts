import { ElMessage, ElMessageBox } from 'element-plus';
import { h } from 'vue';

/** A short confirmation that something worked. */
export function toastDone(message: string): void {
  ElMessage({ type: 'success', message, grouping: true });
}

/** A short message that something did not work. */
export function toastProblem(message: string): void {
  ElMessage({ type: 'error', message, grouping: true, duration: 5000 });
}

/**
 * Asks before something that moves money or changes a rule, showing what will happen line by
 * line ([what, value]). Resolves true only when the person confirms.
 */
export async function confirmWithPreview(options: {
  title: string;
  lead?: string;
  lines: [label: string, value: string][];
  confirmText: string;
  cancelText: string;
  danger?: boolean;
}): Promise<boolean> {
  const message = h('div', { class: 'kit-preview', 'data-testid': 'confirm-preview' }, [
    options.lead ? h('p', { style: 'margin:0 0 8px' }, options.lead) : null,
    h(
      'dl',
      { style: 'display:grid;grid-template-columns:auto 1fr;gap:4px 12px;margin:0' },
      options.lines.flatMap(([label, value]) => [
        h('dt', { style: 'color:var(--el-text-color-secondary)' }, label),
        h('dd', { style: 'margin:0;font-weight:600' }, value),
      ]),
    ),
  ]);
  try {
    await ElMessageBox.confirm(message, options.title, {
      confirmButtonText: options.confirmText,
      cancelButtonText: options.cancelText,
      type: options.danger ? 'warning' : 'info',
      customStyle: { width: 'min(460px, 94vw)', maxWidth: '94vw' },
    });
    return true;
  } catch {
    return false;
  }
}
