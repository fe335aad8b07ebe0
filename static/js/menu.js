// The compact menu of narrow screens: the "Menú" button shows or hides the account links and
// the main menu. Without this script (or on a wide screen) both are simply shown.
(function () {
  var header = document.querySelector('.site-header');
  var button = header && header.querySelector('.menu-toggle');
  if (!button) return;
  header.classList.add('menu-ready');
  button.hidden = false;
  button.addEventListener('click', function () {
    var open = button.getAttribute('aria-expanded') !== 'true';
    button.setAttribute('aria-expanded', open ? 'true' : 'false');
    header.classList.toggle('menu-open', open);
  });
})();
