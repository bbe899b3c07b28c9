// The stipend simulator's interruption rows (views/legal/simulator.ejs), progressively: without
// JavaScript the form offers a few empty rows; with it, each row gets a "remove" button and an
// "add" button appends one (up to the server's limit). Rows are renumbered so that every label
// stays unique ("Début de l'interruption 2"); a polite live region says what was removed, and the
// focus goes to the new row's first field or, after a removal, to the next sensible control.
// The internship's country follows the host's while the user has not chosen another one.
(() => {
  function followCountry() {
    const country = document.getElementById('f-country');
    const holidays = document.getElementById('f-holidays');
    if (!country || !holidays) return;
    let last = country.value;
    country.addEventListener('change', () => {
      if (holidays.value === last) holidays.value = country.value;
      last = country.value;
    });
  }

  document.addEventListener('DOMContentLoaded', () => {
    followCountry();
    const box = document.querySelector('[data-pauses]');
    if (!box) return;
    const list = box.querySelector('ol');
    const status = box.querySelector('[data-pause-status]');
    const max = Number(box.getAttribute('data-max')) || 20;
    const text = (name, n) => box.getAttribute(name).replace('{n}', String(n));
    const rows = () => Array.from(list.querySelectorAll('[data-pause-row]'));

    const add = document.createElement('button');
    add.type = 'button';
    add.className = 'button button-secondary';
    add.textContent = box.getAttribute('data-add') || '+';
    list.insertAdjacentElement('afterend', add);

    // Ids, labels and button names follow the row's position; the submitted names stay pauseFrom/pauseTo.
    function renumber() {
      rows().forEach((row, i) => {
        const n = i + 1;
        row.querySelectorAll('.field').forEach((field) => {
          const input = field.querySelector('input');
          const label = field.querySelector('label');
          const part = input.name === 'pauseFrom' ? 'from' : 'to';
          const id = `f-${input.name}.${i}`;
          // Hint and error ids move with the field, so aria-describedby still points at them.
          field.querySelectorAll('[id]').forEach((el) => {
            if (el !== input) el.id = el.id.replace(input.id, id);
          });
          const described = input.getAttribute('aria-describedby');
          if (described) input.setAttribute('aria-describedby', described.split(/\s+/).map((d) => d.replace(input.id, id)).join(' '));
          input.id = id;
          label.htmlFor = id;
          const star = label.querySelector('.required');
          label.textContent = text(part === 'from' ? 'data-label-from' : 'data-label-to', n);
          if (star) label.append(' ', star);
        });
        const remove = row.querySelector('[data-remove-pause]');
        if (remove) remove.textContent = text('data-remove', n);
      });
      add.hidden = rows().length >= max;
    }

    function withRemove(row) {
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'link-button simulator-remove';
      remove.setAttribute('data-remove-pause', '');
      remove.addEventListener('click', () => {
        const all = rows();
        const index = all.indexOf(row);
        // The last row is emptied rather than removed: it is the model of the next one.
        if (all.length === 1) {
          row.querySelectorAll('input').forEach((input) => (input.value = ''));
          status.textContent = box.getAttribute('data-removed');
          return row.querySelector('input').focus();
        }
        row.remove();
        renumber();
        status.textContent = box.getAttribute('data-removed');
        const next = rows()[index] || rows()[index - 1];
        (next ? next.querySelector('input') : add).focus();
      });
      row.append(remove);
    }

    add.addEventListener('click', () => {
      const model = rows()[0];
      const row = model.cloneNode(true);
      row.querySelectorAll('.error-message').forEach((e) => e.remove());
      row.querySelectorAll('.field-error').forEach((f) => f.classList.remove('field-error'));
      row.querySelectorAll('input').forEach((input) => {
        input.value = '';
        input.removeAttribute('aria-invalid');
        input.removeAttribute('aria-describedby');
      });
      row.querySelectorAll('[data-remove-pause]').forEach((b) => b.remove());
      list.append(row);
      withRemove(row);
      renumber();
      row.querySelector('input').focus();
    });

    rows().forEach(withRemove);
    renumber();
  });
})();
