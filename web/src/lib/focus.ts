// Bringing the part of a page a link asked for into view while the page is
// still loading around it: the element may not be there yet, and sections
// above it grow as their data arrives, so it is looked for and scrolled to
// again whenever the layout changes, for a short while or until the person
// scrolls or types themselves.

/** Scrolls the element with this id into view and keeps it there while the page settles. */
export function keepInView(id: string, ms = 3000): void {
  let found = false;
  const put = () => {
    const el = document.getElementById(id);
    if (!el) return;
    if (!found) {
      found = true;
      el.focus({ preventScroll: true });
    }
    el.scrollIntoView({ block: 'start' });
  };
  const observer = new ResizeObserver(put);
  observer.observe(document.body);
  const events = ['wheel', 'touchstart', 'keydown', 'mousedown'] as const;
  const stop = () => {
    observer.disconnect();
    for (const ev of events) window.removeEventListener(ev, stop);
  };
  for (const ev of events) window.addEventListener(ev, stop, { once: true });
  window.setTimeout(stop, ms);
  put();
}
