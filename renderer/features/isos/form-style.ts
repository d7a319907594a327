// Styles of the library's dialog, in the theme's variables (both themes): kept beside it until the
// stylesheet gets a dialog rule of its own.
import type { CSSProperties } from 'react';

export const DIALOG_STYLE: CSSProperties = {
  background: 'var(--panel)',
  color: 'var(--text)',
  border: '1px solid var(--border)',
  borderRadius: '8px',
  maxWidth: '36rem',
};
