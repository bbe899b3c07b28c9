// Form helpers: character counters (progressive enhancement; without JavaScript the hint states
// the limit). A textarea with data-maxlength (views/partials/field.ejs) gets a visible count
// "N / MAX caractères" that turns red past the limit, and a polite live region that repeats it to
// screen readers once typing pauses (not at every key). Nothing stops typing or cuts a paste: the
// server refuses an over-long text beside the field and keeps it for the user to shorten.
(() => {
  const lang = document.documentElement.lang || 'fr';
  const number = new Intl.NumberFormat(lang);
  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (m, k) => (k in values ? number.format(values[k]) : m));

  function counter(area) {
    const max = Number(area.getAttribute('data-maxlength'));
    if (!max) return;
    const visible = document.createElement('p');
    visible.className = 'char-count';
    visible.id = `${area.id}-count`;
    visible.setAttribute('aria-hidden', 'true');
    const spoken = document.createElement('p');
    spoken.className = 'visually-hidden';
    spoken.setAttribute('aria-live', 'polite');
    area.insertAdjacentElement('afterend', visible);
    visible.insertAdjacentElement('afterend', spoken);

    const text = () => {
      // Counted as the server counts (src/http/validate.ts): the trimmed text, a line break as one.
      const count = area.value.replace(/\r\n?/g, '\n').trim().length;
      const over = count - max;
      visible.classList.toggle('char-count-over', over > 0);
      return fill(area.getAttribute(over > 0 ? 'data-count-over' : 'data-count'), { count, max, over });
    };
    let timer;
    const update = () => {
      visible.textContent = text();
      clearTimeout(timer);
      timer = setTimeout(() => {
        spoken.textContent = visible.textContent;
      }, 1000);
    };
    visible.textContent = text();
    area.addEventListener('input', update);
  }

  document.addEventListener('DOMContentLoaded', () => {
    document.querySelectorAll('textarea[data-maxlength]').forEach(counter);
  });
})();
