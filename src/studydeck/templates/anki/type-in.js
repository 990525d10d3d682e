// The back of a type-in card (after templates/answers.js). Anki has compared the typed text with the Answer
// field letter by letter; this checks it with studydeck's rule against every accepted answer (listed in the
// Explanation field's `.accepted` line) and says whether it is right. If anything is not as expected, it
// leaves the card as Anki made it.
(function () {
  "use strict";
  var box = document.getElementById("typeans");
  if (!box || box.tagName !== "CODE" || typeof studydeckAnswers === "undefined") return;
  var compared = readComparison(box);
  if (!compared.typed.trim()) return;
  var accepted = [compared.expected], tolerance = null;
  Array.prototype.forEach.call(document.querySelectorAll(".accepted .alt"), function (alt) {
    accepted.push(alt.textContent);
  });
  var shown = document.querySelector(".accepted .tolerance");
  if (shown) tolerance = shown.getAttribute("data-tolerance");
  var right = studydeckAnswers.matches(compared.typed, accepted, tolerance);
  if (right && compared.typed !== compared.expected) {
    // Anki marked the difference from the Answer field in red: show the typed answer as right, then the answer
    var mine = document.createElement("span");
    mine.className = "typeGood";
    mine.textContent = compared.typed;
    var answer = document.createElement("div");
    answer.className = "hint";
    answer.textContent = "Answer: " + compared.expected;
    box.replaceChildren(mine);
    box.after(answer);
  }
  var verdict = document.createElement("div");
  verdict.id = "studydeck-verdict";
  verdict.className = "verdict " + (right ? "right" : "wrong");
  verdict.textContent = right ? "\u2714 Right" : "\u2718 Not quite";
  box.before(verdict);

  // Anki's comparison: the typed line (right and wrong letters, dashes for missing ones), an arrow, then the
  // expected line; only the typed line if it was exactly right; only the expected text if nothing was typed.
  function readComparison(code) {
    var typed = "", expected = "", arrow = false, spans = false;
    Array.prototype.forEach.call(code.childNodes, function (node) {
      if (node.id === "typearrow") { arrow = true; return; }
      if (node.nodeName === "BR") return;
      if (node.nodeType === 1) spans = true;
      if (arrow) expected += node.textContent;
      else if (!(node.classList && node.classList.contains("typeMissed"))) typed += node.textContent;
    });
    if (arrow) return { typed: typed, expected: expected };
    return spans ? { typed: typed, expected: typed } : { typed: "", expected: typed };
  }
})();
