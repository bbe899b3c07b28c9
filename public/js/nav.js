// Menu groups (progressive enhancement).
//
// Without JavaScript every group is shown open under its label (views/partials/head.ejs), so every
// entry stays reachable. Here each label becomes a disclosure button (<button aria-expanded
// aria-controls>, the WAI-ARIA disclosure pattern) rather than <details>/<summary>: a real button
// is announced with its expanded state by every screen reader, works with Enter and Space natively,
// and lets one group close the others and Escape close the open one (a summary needs the same script
// for those anyway). On a phone the whole list folds behind one "Menu" button of the same kind.
document.addEventListener('DOMContentLoaded', () => {
  const nav = document.querySelector('[data-main-nav]');
  if (!nav) return;
  const toggle = nav.querySelector('.nav-toggle');
  const expanded = (button) => button.getAttribute('aria-expanded') === 'true';
  const buttons = [];

  const setGroup = (button, open) => {
    button.setAttribute('aria-expanded', String(open));
    document.getElementById(button.getAttribute('aria-controls')).hidden = !open;
  };
  const closeGroups = (except) => buttons.forEach((b) => b !== except && expanded(b) && setGroup(b, false));
  const setMenu = (open) => {
    toggle.setAttribute('aria-expanded', String(open));
    nav.classList.toggle('nav-menu-open', open);
    if (!open) closeGroups();
  };

  nav.querySelectorAll('.nav-group').forEach((group) => {
    const label = group.querySelector('.nav-group-label');
    const panel = group.querySelector('.nav-group-list');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'nav-group-button';
    button.id = label.id; // the list stays labelled by its group's name
    button.textContent = label.textContent;
    button.setAttribute('aria-controls', panel.id);
    // The group holding the current page says so while it is closed.
    if (group.classList.contains('nav-group-current')) button.setAttribute('aria-current', 'true');
    label.replaceWith(button);
    setGroup(button, false);
    buttons.push(button);
    button.addEventListener('click', () => {
      closeGroups(button);
      setGroup(button, !expanded(button));
    });
    // Tabbing out of an open group closes it, so that it never hides the page under it.
    group.addEventListener('focusout', (e) => {
      if (e.relatedTarget && !group.contains(e.relatedTarget) && expanded(button)) setGroup(button, false);
    });
  });

  toggle.hidden = false;
  toggle.addEventListener('click', () => setMenu(!expanded(toggle)));
  nav.classList.add('nav-enhanced');

  // Escape closes the open group and gives the focus back to its button; else the phone's menu.
  nav.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape') return;
    const open = buttons.find((b) => expanded(b));
    if (open) {
      setGroup(open, false);
      open.focus();
    } else if (expanded(toggle)) {
      setMenu(false);
      toggle.focus();
    } else return;
    e.preventDefault();
  });
  // A click elsewhere on the page closes the open group.
  document.addEventListener('click', (e) => {
    if (!nav.contains(e.target)) closeGroups();
  });
});
