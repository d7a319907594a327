// A full-width message across the top of the window, for a state that affects everything on it
// (the server cannot be reached). role="alert": screen readers announce it when it appears.
import type { ReactNode } from 'react';

export function Banner({ tone, children, action }: { tone: 'error' | 'warn'; children: ReactNode; action?: ReactNode }) {
  return (
    <div className={`banner banner-${tone}`} role="alert">
      <span className="banner-text">{children}</span>
      {action}
    </div>
  );
}
