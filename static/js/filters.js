// The search filters are a <details> before the results: folded on a phone ("Filtros"), open
// as a column beside the results on wider screens. Loaded right after the element, so a wide
// page is never drawn with its filters folded.
(function () {
  var wide = window.matchMedia('(min-width: 40rem)');
  function sync() {
    document.querySelectorAll('details.results-facets').forEach(function (details) {
      details.open = wide.matches;
    });
  }
  sync();
  wide.addEventListener('change', sync);
})();
