// Progressive enhancements only: every page works without JavaScript.
document.addEventListener('DOMContentLoaded', () => {
  // Move focus to the error summary so screen-reader users hear what went wrong (RGAA 11.10).
  const summary = document.querySelector('[data-autofocus]');
  if (summary) summary.focus();
  // Confirmation for destructive actions: <form data-confirm="message">.
  document.querySelectorAll('form[data-confirm]').forEach((form) => {
    form.addEventListener('submit', (e) => {
      if (!window.confirm(form.getAttribute('data-confirm'))) e.preventDefault();
    });
  });
});
