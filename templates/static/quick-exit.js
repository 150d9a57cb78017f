// Quick exit, after GOV.UK's "Exit this page": the visible link leaves for a
// neutral site (it works without this script); with the script, the link
// and Shift pressed three times within five seconds replace this page, so
// Back does not return here. Shift never counts while focus is in a field,
// so typing costs nothing. Standalone: it needs no other script.
(function () {
  "use strict";
  var presses = 0, timer = null;
  function leave(event) {
    var link = document.getElementById("quick-exit");
    var target = (link && link.getAttribute("href")) || "https://www.weather.gov/";
    if (event) { event.preventDefault(); }
    document.body.style.display = "none";
    window.location.replace(target);
  }
  function typing(el) {
    if (!el || el === document.body) { return false; }
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }
  function reset() { presses = 0; window.clearTimeout(timer); timer = null; }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Shift" || event.repeat || typing(event.target) || typing(document.activeElement)) {
      if (event.key !== "Shift") { reset(); }
      return;
    }
    presses++;
    if (presses === 1) { timer = window.setTimeout(reset, 5000); }
    if (presses >= 3) {
      reset();
      leave(event);
    }
  });
  document.addEventListener("click", function (event) {
    var el = event.target;
    while (el && el !== document) {
      if (el.id === "quick-exit") { leave(event); return; }
      el = el.parentNode;
    }
  });
})();
