// newsgrep serve: the page's only script, served as a file (the Content-Security-Policy allows no inline
// script). Everything works without it; it adds keyboard comfort.
"use strict";
document.documentElement.dataset.script = "loaded";  // the browser tests check that this file ran

document.addEventListener("keydown", function (event) {
  // "/" puts the cursor in the query box, as on many search pages
  var box = document.getElementById("q");
  if (event.key === "/" && box && document.activeElement !== box && !event.ctrlKey && !event.metaKey
      && !(document.activeElement && /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName))) {
    event.preventDefault();
    box.focus();
    box.select();
  }
});

document.addEventListener("DOMContentLoaded", function () {
  // a changed sort order or checkbox searches again at once, when there is a query
  var form = document.querySelector("form.search");
  var box = document.getElementById("q");
  if (!form || !box) return;
  form.querySelectorAll(".options select, .options input[type=checkbox]").forEach(function (field) {
    field.addEventListener("change", function () {
      if (box.value.trim()) form.submit();
    });
  });
});
