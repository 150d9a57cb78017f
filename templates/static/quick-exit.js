// Quick exit: replaces the page with a neutral one, so Back does not return
// here. Standalone: it needs no other script.
(function () {
  "use strict";
  function leave(event) {
    var link = document.getElementById("quick-exit");
    var target = (link && link.getAttribute("data-neutral")) || "https://www.weather.gov/";
    if (event) { event.preventDefault(); }
    document.body.style.display = "none";
    window.location.replace(target);
  }
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" || event.key === "Esc") { leave(event); }
  });
  document.addEventListener("click", function (event) {
    var el = event.target;
    while (el && el !== document) {
      if (el.id === "quick-exit") { leave(event); return; }
      el = el.parentNode;
    }
  });
})();
