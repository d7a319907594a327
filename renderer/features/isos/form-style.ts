// Styles of the library's dialog and form fields, in the theme's variables (both themes): kept beside it until the
// stylesheet gets a dialog rule of its own.
import type { CSSProperties } from 'react';

export const DIALOG_STYLE: CSSProperties = {
  background: 'var(--panel)',
  color: 'var(--text)',
  border: '1px solid var(--border)',
  borderRadius: '8px',
  maxWidth: '36rem',
};

export const FIELD_STYLE: CSSProperties = { display: 'flex', gap: '0.4rem', alignItems: 'center', flex: '1 1 24rem' };
