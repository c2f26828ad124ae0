// dyads dashboard: draw the charts whose specs the page carries, and light up a linked sentence.
(function () {
  "use strict";
  function drawCharts() {
    document.querySelectorAll('script[type="application/json"][data-chart]').forEach(function (block) {
      var target = document.getElementById(block.dataset.chart);
      if (!target || typeof vegaEmbed === "undefined") { return; }
      var spec = JSON.parse(block.textContent);
      vegaEmbed(target, spec, {
        renderer: "svg",
        actions: { export: true, source: false, compiled: false, editor: false },
        ast: true, expr: vegaInterpreter.expressionInterpreter  // no eval: the page's CSP forbids it
      }).then(function () { target.dataset.rendered = "true"; })
        .catch(function (error) {
          target.textContent = "The chart could not be drawn: " + error.message;
          console.error("dyads chart " + block.dataset.chart + ": " + error.message);
        });
    });
  }
  function markSentence() {
    document.querySelectorAll("span.s.target").forEach(function (el) { el.classList.remove("target"); });
    var match = /^#s-(\d+)$/.exec(window.location.hash);
    if (!match) { return; }
    var pieces = document.querySelectorAll('span.s[data-s="' + match[1] + '"]');
    pieces.forEach(function (el) { el.classList.add("target"); });
    if (pieces.length) { pieces[0].scrollIntoView({ block: "center" }); }
  }
  function linkQuotes() {
    document.querySelectorAll("ol.quotes li[data-quote]").forEach(function (item) {
      var marks = document.querySelectorAll('mark.quote[data-quote="' + item.dataset.quote + '"]');
      item.addEventListener("mouseenter", function () { marks.forEach(function (m) { m.style.outline = "2px solid #f08c00"; }); });
      item.addEventListener("mouseleave", function () { marks.forEach(function (m) { m.style.outline = ""; }); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { drawCharts(); markSentence(); linkQuotes(); });
  window.addEventListener("hashchange", markSentence);
})();
