// Suggest the address name (slug) from the title while the user has not typed one.
(function () {
  "use strict";
  var source = document.querySelector("[data-slug-source]");
  var target = document.querySelector("[data-slug-target]");
  if (!source || !target) { return; }
  var edited = target.value !== "";
  function slugify(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 100);
  }
  target.addEventListener("input", function () { edited = target.value !== ""; });
  source.addEventListener("input", function () {
    if (!edited) { target.value = slugify(source.value); }
  });
})();
