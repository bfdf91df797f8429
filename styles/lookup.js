// lookup.html: the handouts an EHR's codes lead to, from an HL7 Infobutton URL query
// (`?mainSearchCriteria.v.c=C22.9&mainSearchCriteria.v.cs=2.16.840.1.113883.6.90`). Plain
// JavaScript, nothing fetched: the index is in the page (outputs/lookup.py says why).
//
// Several codes: the parameters repeated (`v.c` and `v.cs` paired in order), or numbered as the
// Infobutton guide numbers repeated criteria (`mainSearchCriteria.v.c1`, `.v.cs1`, ...). A code
// system is its HL7 OID (with or without `urn:oid:`) or its FHIR URI; a code without one is
// looked for in every system. Codes are folded as lookup.py folds them (capitals, no dots), and
// in ICD-10-CM and ATC a handout coded with a code's prefix (C22) answers it (C22.9).
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("lookup-index").textContent);
  var found = document.querySelector("[data-lookup]");
  var none = document.querySelector("[data-none]");
  var all = document.querySelector("[data-all]");
  var PREFIX = "mainSearchCriteria.v.c";

  function fold(code) { return code.trim().toUpperCase().replace(/\./g, ""); }

  function system(name) {
    if (!name) return null;
    name = name.trim().replace(/^urn:oid:/i, "");
    for (var i = 0; i < data.systems.length; i++) {
      var s = data.systems[i];
      if (name === s.oid || name === s.uri) return s;
    }
    return {uri: name, name: name, hierarchical: false};  // unknown: matches nothing
  }

  // The codes asked for: [{code, system}], in the order given.
  function asked(params) {
    var wanted = [];
    var suffixes = [];
    params.forEach(function (value, key) {
      if (key.indexOf(PREFIX) === 0 && /^\d*$/.test(key.slice(PREFIX.length)) && suffixes.indexOf(key.slice(PREFIX.length)) < 0) {
        suffixes.push(key.slice(PREFIX.length));
      }
    });
    suffixes.forEach(function (n) {
      var codes = params.getAll(PREFIX + n), systems = params.getAll("mainSearchCriteria.v.cs" + n);
      codes.forEach(function (code, i) {
        if (code.trim()) wanted.push({code: code.trim(), system: system(systems[i] || (systems.length === 1 ? systems[0] : ""))});
      });
    });
    return wanted;
  }

  function matches(handout, want) {
    var code = fold(want.code);
    return handout.codes.some(function (coded) {
      var bar = coded.lastIndexOf("|"), uri = coded.slice(0, bar), value = coded.slice(bar + 1);
      if (want.system && want.system.uri !== uri) return false;
      var hierarchical = data.systems.some(function (s) { return s.uri === uri && s.hierarchical; });
      return value === code || (hierarchical && code.indexOf(value) === 0);
    });
  }

  var wanted = asked(new URLSearchParams(window.location.search));
  if (!wanted.length) return;
  var items = all.querySelectorAll("li");
  var list = found.querySelector("[data-found]");
  var shown = document.createDocumentFragment();
  data.handouts.forEach(function (handout, i) {
    if (wanted.some(function (want) { return matches(handout, want); })) shown.appendChild(items[i].cloneNode(true));
  });
  var said = document.createElement("span");
  wanted.forEach(function (want, i) {
    if (i) said.append(", ");
    var code = document.createElement("code");
    code.textContent = (want.system ? want.system.name + " " : "") + want.code;
    said.append(code);
  });
  if (shown.childNodes.length) {
    list.appendChild(shown);
    found.querySelector("[data-codes]").append(said);
    found.hidden = false;
    all.hidden = true;
    return;
  }
  var parts = none.getAttribute("data-none").split("{codes}");
  none.append(parts[0], said, parts.slice(1).join("{codes}"));
  none.hidden = false;
})();
