/* kgtool documentation: language switch and term filter. No network, no innerHTML. */
(function () {
  "use strict";
  var root = document.documentElement;
  var KEY = "kgtool-docs-lang";

  function setLang(lang) {
    if (lang !== "en" && lang !== "ja") { lang = "en"; }
    root.classList.remove("ui-en", "ui-ja");
    root.classList.add("ui-" + lang);
    root.setAttribute("lang", lang);
    var buttons = document.querySelectorAll("[data-set-lang]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", String(buttons[i].getAttribute("data-set-lang") === lang));
    }
    try { window.localStorage.setItem(KEY, lang); } catch (e) { /* file:// may forbid storage */ }
  }

  function initialLang() {
    var match = /[?&]lang=(en|ja)\b/.exec(window.location.search);
    if (match) { return match[1]; }
    try { return window.localStorage.getItem(KEY) || "en"; } catch (e) { return "en"; }
  }

  function filter(box, count) {
    var query = box.value.trim().toLowerCase();
    var items = document.querySelectorAll("[data-search]");
    var shown = 0;
    for (var i = 0; i < items.length; i++) {
      var hit = !query || items[i].getAttribute("data-search").toLowerCase().indexOf(query) >= 0;
      items[i].hidden = !hit;
      if (hit) { shown++; }
    }
    count.textContent = query ? shown + " / " + items.length : "";
  }

  setLang(initialLang());
  document.addEventListener("DOMContentLoaded", function () {
    setLang(initialLang());
    var buttons = document.querySelectorAll("[data-set-lang]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener("click", function (event) {
        setLang(event.currentTarget.getAttribute("data-set-lang"));
      });
    }
    var box = document.getElementById("search");
    var count = document.getElementById("search-count");
    if (box && count) {
      if (!document.querySelector("[data-search]")) {
        box.disabled = true;
        box.placeholder = "No terms on this page / このページに用語はありません";
      }
      box.addEventListener("input", function () { filter(box, count); });
      var match = /[?&]q=([^&]*)/.exec(window.location.search);
      if (match) { box.value = decodeURIComponent(match[1].replace(/\+/g, " ")); filter(box, count); }
    }
  });
}());
