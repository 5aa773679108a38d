// Bringing the part of a page a link asked for into view while the page is
// still loading around it: sections above it grow as their data arrives, so
// the element is scrolled to again whenever the layout changes, for a short
// while or until the person scrolls or types themselves.

/** Scrolls the element with this id into view and keeps it there while the page settles. */
export function keepInView(id: string, ms = 2500): void {
  const target = () => document.getElementById(id);
  const el = target();
  if (!el) return;
  const put = () => target()?.scrollIntoView({ block: 'start' });
  put();
  el.focus({ preventScroll: true });
  const observer = new ResizeObserver(put);
  observer.observe(document.body);
  const stop = () => {
    observer.disconnect();
    for (const ev of ['wheel', 'touchstart', 'keydown', 'mousedown'] as const) window.removeEventListener(ev, stop);
  };
  for (const ev of ['wheel', 'touchstart', 'keydown', 'mousedown'] as const) window.addEventListener(ev, stop, { once: true });
  window.setTimeout(stop, ms);
}
