// The Settings form's sticky bar (finding 6): always in view at the bottom while editing, it says
// whether there are unsaved changes and holds Save and Discard.
export function SaveBar({ dirty, saved, busy, onDiscard }: { dirty: boolean; saved: boolean; busy: boolean; onDiscard: () => void }) {
  return (
    <section className={`save-bar ${dirty ? 'save-bar-dirty' : ''}`} aria-label="Save changes">
      <span role="status" className={dirty ? 'save-state' : 'muted'}>
        {dirty ? 'Unsaved changes' : saved ? 'Saved.' : 'No unsaved changes'}
      </span>
      <button type="button" onClick={onDiscard} disabled={!dirty || busy}>
        Discard changes
      </button>
      <button type="submit" className="primary" disabled={busy}>
        Save settings
      </button>
    </section>
  );
}
