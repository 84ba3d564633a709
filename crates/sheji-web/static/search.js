// Completions for the header search box: names that contain what is typed, or whose pinyin
// or initials start with it. Choosing one opens its page; pressing Enter searches as usual.
(function () {
  "use strict";
  var input = document.getElementById("header-q");
  var list = document.getElementById("header-q-list");
  if (!input || !list || !window.fetch) { return; }
  var endpoint = input.getAttribute("data-suggest");
  var timer = null;
  var latest = 0;
  var urls = {};
  function fill(items) {
    urls = {};
    while (list.firstChild) { list.removeChild(list.firstChild); }
    items.forEach(function (item) {
      var option = document.createElement("option");
      option.value = item.title;
      urls[item.title] = item.url;
      list.appendChild(option);
    });
  }
  input.addEventListener("input", function () {
    var q = input.value.trim();
    if (urls[input.value]) { window.location.href = urls[input.value]; return; }
    clearTimeout(timer);
    if (!q) { fill([]); return; }
    timer = setTimeout(function () {
      var ticket = ++latest;
      fetch(endpoint + "?q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (items) { if (ticket === latest) { fill(items); } })
        .catch(function () { /* completions are a convenience; the search still works */ });
    }, 120);
  });
}());
