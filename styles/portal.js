// The portal's search box: filters the index as you type. Plain JavaScript, nothing fetched;
// without it the page lists everything and every link works.
//
// A review is listed twice, under its compound and under its condition (`data-review` names
// it): it is counted once. Case, accents and apostrophes or quotes do not matter ("sjogren's"
// finds "Sjögren’s"). The words are the page's own, in its language (index.html.j2): a form
// per plural category, picked by the language's CLDR rule, given as data (Babel's parse of it).
(function () {
  "use strict";
  var box = document.querySelector("[data-search]");
  if (!box) return;
  var input = box.querySelector("input");
  var count = box.querySelector(".count");
  var rule = JSON.parse(count.getAttribute("data-plural"));
  var QUOTES = /['`"\u00b4\u02bc\u2018-\u201f\u2032\u2033\uff02\uff07]/g;

  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/\p{Mn}/gu, "").replace(QUOTES, "");
  }

  function all(root, selector) {
    return Array.prototype.slice.call(root.querySelectorAll(selector));
  }

  // Each section, its groups and their reviews, each review with the text it is found by (its
  // group's name and its own, not its status: "Draft" in Arabic would match a single letter),
  // folded once.
  var sections = all(document, "main section").map(function (section) {
    return {element: section, groups: all(section, ".group").map(function (group) {
      var name = group.querySelector("h3").textContent;
      return {element: group, items: all(group, ".reviews li").map(function (item) {
        return {element: item, review: item.getAttribute("data-review"), text: fold(name + " " + item.querySelector("a").textContent)};
      })};
    })};
  });

  // CLDR's operands of a whole number: n and i are the number, v, w, f, t, c and e are 0.
  function operand(node, n) {
    if (node[0] === "mod") return operand(node[1][0], n) % node[1][1][1][0];
    return node[0] === "n" || node[0] === "i" ? n : 0;
  }

  function holds(node, n) {
    var args = node[1];
    if (node[0] === "and") return holds(args[0], n) && holds(args[1], n);
    if (node[0] === "or") return holds(args[0], n) || holds(args[1], n);
    if (node[0] === "not") return !holds(args[0], n);
    // ["relation", [method, operand, ["range_list", [[low, high], ...]]]]: "in" and "within"
    // agree on whole numbers
    var value = operand(args[1], n);
    return args[2][1].some(function (range) { return value >= range[0][1][0] && value <= range[1][1][0]; });
  }

  function category(n) {
    for (var i = 0; i < rule.length; i++) {
      if (holds(rule[i][1], n)) return rule[i][0];
    }
    return "other";
  }

  function say(words, shown) {
    count.textContent = "";
    if (!words.length) return;
    if (shown) {
      var form = count.getAttribute("data-" + category(shown)) || count.getAttribute("data-other");
      count.textContent = form.replace("{count}", String(shown));
      return;
    }
    var query = document.createElement("bdi");  // typed text keeps its own direction
    query.textContent = input.value.trim();
    var parts = count.getAttribute("data-none").split("{query}");
    count.append(parts[0], query, parts.slice(1).join("{query}"));
  }

  function filter() {
    var words = fold(input.value).split(/\s+/).filter(Boolean);
    var found = new Set();
    sections.forEach(function (section) {
      var sectionShown = false;
      section.groups.forEach(function (group) {
        var groupShown = false;
        group.items.forEach(function (item) {
          var match = words.every(function (word) { return item.text.indexOf(word) >= 0; });
          item.element.hidden = !match;
          if (match) {
            groupShown = true;
            found.add(item.review);
          }
        });
        group.element.hidden = !groupShown;
        sectionShown = sectionShown || groupShown;
      });
      section.element.hidden = !sectionShown;  // no heading over nothing
    });
    say(words, found.size);
  }

  box.hidden = false;
  input.addEventListener("input", filter);
  if (input.value) filter();  // a value the browser kept (back to the page)
})();
