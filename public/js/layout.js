// Search pages (views/partials/search-layout.ejs): on a wide screen the filters are always shown,
// so their disclosure is opened (its state then says so to assistive technologies, and layout.css
// hides the summary); on a phone it keeps the state the page gave it. Without this script,
// layout.css shows the filters of a wide screen all the same.
(() => {
  const wide = window.matchMedia('(min-width: 40.0625rem)');
  const sync = () => {
    if (wide.matches) document.querySelectorAll('details.filters-disclosure').forEach((d) => { d.open = true; });
  };
  document.addEventListener('DOMContentLoaded', sync);
  wide.addEventListener('change', sync);
})();
