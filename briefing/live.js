// `briefing serve`'s page script: reload on a good rebuild, show a broken one's problems.
// The server sends its state as server-sent events: the version of the last good build and the
// problems of the latest one. A page whose version differs reloads; otherwise the problems are
// shown over the page (the last good preview stays underneath) and removed once fixed.
(function () {
  "use strict";
  var script = document.currentScript;
  var pageVersion = script.getAttribute("data-version");
  var OVERLAY = "briefing-problems";

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    if (text) node.textContent = text;
    return node;
  }

  function toolbar() {
    var bar = element("nav", { id: "briefing-preview-bar", "aria-label": "Preview" });
    bar.style.cssText =
      "position:fixed;top:0.5rem;right:0.5rem;z-index:2147483646;font:13px/1.4 sans-serif;" +
      "background:#fff;border:1px solid #888;border-radius:4px;padding:0.25rem 0.5rem;";
    bar.appendChild(document.createTextNode("Build: "));
    ["pdf", "docx"].forEach(function (format, index) {
      if (index) bar.appendChild(document.createTextNode(" · "));
      var link = element(
        "a",
        { href: "/_briefing/build/" + format, target: "_blank", id: "briefing-build-" + format },
        format.toUpperCase()
      );
      bar.appendChild(link);
    });
    document.body.appendChild(bar);
  }

  function showProblems(problems) {
    var old = document.getElementById(OVERLAY);
    if (old) old.remove();
    if (!problems.length) return;
    var overlay = element("section", { id: OVERLAY, role: "alert" });
    overlay.style.cssText =
      "position:fixed;left:0;right:0;bottom:0;max-height:60vh;overflow:auto;z-index:2147483647;" +
      "background:rgba(40,0,0,0.92);color:#fff;font:14px/1.5 monospace;padding:1rem 1.5rem;";
    var count = problems.length;
    overlay.appendChild(
      element(
        "h2",
        { style: "font:bold 16px sans-serif;margin:0 0 0.5rem" },
        count + (count === 1 ? " problem" : " problems") +
          "; the page shows the last good build"
      )
    );
    var list = element("ul", { style: "margin:0;padding-left:1.2rem" });
    problems.forEach(function (problem) {
      var item = element("li", { class: "briefing-problem" });
      if (problem.where) {
        item.appendChild(element("code", { style: "color:#ffd479" }, problem.where));
        item.appendChild(document.createTextNode(": "));
      }
      item.appendChild(document.createTextNode(problem.message));
      list.appendChild(item);
    });
    overlay.appendChild(list);
    document.body.appendChild(overlay);
  }

  // The reading position, kept across a reload as the element in view and its offset: the page
  // above it may take another height while its sections are not yet laid out.
  var POSITION = "briefing-preview-position";

  function savePosition() {
    var marks = document.querySelectorAll("[id]");
    for (var i = 0; i < marks.length; i++) {
      var box = marks[i].getBoundingClientRect();
      // The first element that starts in view: its ancestors start above it, its kin below.
      if (box.top >= 0 && marks[i].id.indexOf("briefing-") !== 0) {
        var where = { id: marks[i].id, top: box.top, scrolled: window.scrollY > 0 };
        sessionStorage.setItem(POSITION, JSON.stringify(where));
        if ("scrollRestoration" in history) history.scrollRestoration = "manual";
        return;
      }
    }
  }

  function restorePosition() {
    var saved = sessionStorage.getItem(POSITION);
    sessionStorage.removeItem(POSITION);
    if (!saved) return;
    var where = JSON.parse(saved);
    var mark = document.getElementById(where.id);
    if (!mark || !where.scrolled) return;
    function scroll() {
      mark.scrollIntoView();
      window.scrollBy(0, -where.top);
    }
    scroll();
    // Again once fonts and the rest have loaded, which change the height of what is above.
    window.addEventListener("load", scroll, { once: true });
    if (document.fonts) document.fonts.ready.then(scroll);
  }

  function listen() {
    var events = new EventSource("/_briefing/events");
    events.onmessage = function (event) {
      var state = JSON.parse(event.data);
      if (state.version !== pageVersion) {
        events.close();
        savePosition();
        window.location.reload();
        return;
      }
      showProblems(state.problems);
    };
  }

  restorePosition();
  toolbar();
  listen();
})();
