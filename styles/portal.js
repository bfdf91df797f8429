// The portal's search box: filters the index as you type. Plain JavaScript, nothing fetched;
// without it the page lists everything and every link works.
(function () {
  "use strict";
  var box = document.querySelector("[data-search]");
  if (!box) return;
  var input = box.querySelector("input");
  var count = box.querySelector(".count");
  var groups = Array.prototype.slice.call(document.querySelectorAll(".group"));
  box.hidden = false;

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function filter() {
    var words = fold(input.value).split(/\s+/).filter(Boolean);
    var shown = 0;
    groups.forEach(function (group) {
      var title = fold(group.querySelector("h3").textContent);
      var items = Array.prototype.slice.call(group.querySelectorAll(".reviews li"));
      var any = false;
      items.forEach(function (item) {
        var text = title + " " + fold(item.textContent);
        var match = words.every(function (w) { return text.indexOf(w) >= 0; });
        item.hidden = !match;
        if (match) { any = true; shown += 1; }
      });
      group.hidden = !any;
    });
    count.textContent = words.length ? shown + (shown === 1 ? " handout matches" : " handouts match") : "";
  }

  input.addEventListener("input", filter);
})();
