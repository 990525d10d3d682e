(function () {
  "use strict";
  // Questions come from the JSON element; every HTML string in it was rendered and escaped by studydeck
  // (render/selftest.py). Only those go through `trusted()`; anything typed or built here is text.
  var data = JSON.parse(document.getElementById("studydeck-data").textContent);
  var byId = {};
  data.questions.forEach(function (q) { byId[q.id] = q; });
  var KEY = "studydeck:deck:" + data.deck_id;  // the bank's identity: two banks may share a name
  var LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  var $ = function (id) { return document.getElementById(id); };
  var stage = $("stage");
  var state = load() || { v: 1, last: {}, run: null };
  var current = null;

  // ---- storage: one record per bank; a browser without storage just forgets on reload
  function load() {
    try {
      var saved = JSON.parse(window.localStorage.getItem(KEY));
      return saved && saved.v === 1 && saved.last ? saved : null;
    } catch (e) { return null; }
  }
  function save() {
    try { window.localStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* private mode: keep in memory */ }
  }

  // ---- answer checking: keep in step with studydeck/answers.py `key`
  function answerKey(text) {
    var kept = text.toLowerCase().normalize("NFKD").replace(/[^\p{L}\p{N}]/gu, "");
    return kept || text.trim().toLowerCase();
  }
  function accepted(typed, answers) {
    var key = answerKey(typed);
    return typed.trim() !== "" && answers.some(function (a) { return answerKey(a) === key; });
  }

  // ---- building the page
  function h(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs[name];
      else if (attrs[name] !== false && attrs[name] != null) node.setAttribute(name, attrs[name] === true ? "" : attrs[name]);
    });
    for (var i = 2; i < arguments.length; i++) if (arguments[i]) node.append(arguments[i]);
    return node;
  }
  function trusted(tag, attrs, html) {
    var node = h(tag, attrs);
    node.innerHTML = html;  // studydeck's own escaped HTML, see the comment at the top
    node.querySelectorAll("a[href]").forEach(function (a) {
      a.target = "_blank";  // a link in an explanation must not end the run
      a.rel = "noopener noreferrer";
    });
    return node;
  }
  function button(label, cls, action) {
    var b = h("button", { type: "button", "class": cls, text: label });
    b.addEventListener("click", action);
    return b;
  }

  // ---- runs: the questions chosen by the filters, asked in order, one answer each
  function filtersFromForm() {
    return {
      source: $("f-source").value, tag: $("f-tag").value, kind: $("f-kind").value,
      missed: $("f-missed").checked, shuffle: $("f-shuffle").checked
    };
  }
  function filtersToForm(f) {
    $("f-source").value = f.source || ""; $("f-tag").value = f.tag || ""; $("f-kind").value = f.kind || "";
    $("f-missed").checked = !!f.missed; $("f-shuffle").checked = !!f.shuffle;
  }
  function chosen(f) {
    return data.questions.filter(function (q) {
      return (!f.source || q.source === f.source) && (!f.tag || q.tags.indexOf(f.tag) >= 0) &&
        (!f.kind || q.kind === f.kind) && (!f.missed || state.last[q.id] === 0);
    }).map(function (q) { return q.id; });
  }
  function shuffle(items) {
    for (var i = items.length - 1; i > 0; i--) {
      var j = Math.floor(Math.random() * (i + 1)), t = items[i];
      items[i] = items[j]; items[j] = t;
    }
    return items;
  }
  function startRun(filters, ids, focus) {
    ids = ids || chosen(filters);
    if (filters.shuffle) shuffle(ids);
    state.run = { ids: ids, pos: 0, results: {}, filters: filters };
    save();
    filtersToForm(filters);
    show(focus !== false);
  }
  function runScore() {
    var run = state.run, right = 0, asked = 0;
    run.ids.forEach(function (id) {
      if (id in run.results) { asked++; right += run.results[id]; }
    });
    return { right: right, asked: asked };
  }

  // ---- showing a question
  function show(focus) {
    updateStatus();
    updateOverall();
    if (state.run.pos >= state.run.ids.length) return showSummary(focus);
    var q = byId[state.run.ids[state.run.pos]];
    current = { q: q, index: state.run.pos, answered: false, revealed: false };
    stage.replaceChildren(questionCard(q));
    updateStatus();
    if (focus) focusQuestion();
  }
  function focusQuestion() {
    var input = stage.querySelector("input[type=text]:not([disabled])");
    (input || stage.querySelector(".prompt")).focus();
  }
  function questionCard(q) {
    var form = h("form", { "class": "card", id: "card", "data-kind": q.kind, "data-id": q.id, novalidate: true });
    form.addEventListener("submit", function (e) { e.preventDefault(); primary(); });
    var source = data.sources[q.source];
    var meta = h("p", { "class": "meta" },
      h("span", { "class": "kind", text: data.kinds[q.kind] }),
      h("span", { "class": "from", title: source.citation, text: source.title }));
    q.tags.forEach(function (t) { meta.append(h("span", { "class": "tag", text: "#" + t })); });
    form.append(meta);
    var prompt = trusted("div", { "class": "prompt", id: "prompt", tabindex: "-1" }, q.prompt);
    form.append(prompt);
    var body = BODIES[q.kind](q, prompt);
    if (body) form.append(body);
    var actions = h("div", { "class": "actions", id: "actions" });
    var free = q.kind === "basic" || q.kind === "reversed";
    actions.append(h("button", { type: "submit", "class": "primary", id: "check", text: free ? "Show answer" : "Check" }));
    form.append(h("div", { id: "feedback", "class": "feedback", role: "status", "aria-live": "polite" }), actions);
    return form;
  }
  function options(q, labels, multiple) {
    var set = h("fieldset", { "class": "options", "aria-labelledby": "prompt" });
    if (multiple) set.append(h("legend", { "class": "hint", text: "Choose " + q.correct.length + "." }));
    labels.forEach(function (label, i) {
      var input = h("input", { type: multiple ? "checkbox" : "radio", name: "choice", value: String(i) });
      var text = typeof label === "string" && q.kind === "choice" ? trusted("span", { "class": "text" }, label)
        : h("span", { "class": "text", text: label });
      set.append(h("label", { "class": "option" }, input, h("span", { "class": "letter", "aria-hidden": "true", text: LETTERS[i] }), text));
    });
    return set;
  }
  var BODIES = {
    "choice": function (q) { return options(q, q.choices, q.correct.length > 1); },
    "true-false": function (q) { return options(q, ["True", "False"], false); },
    "type-in": function () {
      return h("div", { "class": "typed" },
        h("label", { "for": "typed", text: "Your answer" }),
        h("input", { type: "text", id: "typed", autocomplete: "off", autocapitalize: "off", spellcheck: "false", enterkeyhint: "done" }));
    },
    "cloze": function (q, prompt) {
      prompt.classList.add("cloze-text");
      prompt.querySelectorAll("span.gap").forEach(function (span) {
        var i = Number(span.getAttribute("data-gap")), gap = q.gaps[i];
        span.replaceWith(h("input", {
          type: "text", "class": "gap-input", "data-gap": String(i), autocomplete: "off", autocapitalize: "off",
          spellcheck: "false", enterkeyhint: "done", placeholder: gap.hint || "…",
          "aria-label": "Gap " + (i + 1) + " of " + q.gaps.length + (gap.hint ? " (" + gap.hint + ")" : "")
        }));
      });
      return h("p", { "class": "hint", text: q.gaps.length === 1 ? "Fill in the gap." : "Fill in the " + q.gaps.length + " gaps." });
    },
    "basic": function () { return h("p", { "class": "hint", text: "Answer in your head, then show the answer." }); },
    "reversed": function () { return h("p", { "class": "hint", text: "What does it mean? Answer in your head, then show the answer." }); }
  };

  // ---- answering
  function primary() {
    if (!current) return;
    if (current.answered) return next();
    if (current.q.kind === "basic" || current.q.kind === "reversed") return reveal();
    check();
  }
  function picked() {
    return Array.prototype.map.call(stage.querySelectorAll("input[name=choice]:checked"), function (i) { return Number(i.value); });
  }
  function nudge(text) {
    var old = stage.querySelector(".nudge");
    if (old) old.remove();
    $("actions").before(h("p", { "class": "nudge", role: "alert", text: text }));
  }
  var CHECKS = {
    "choice": function (q) {
      var mine = picked();
      if (!mine.length) return null;
      markOptions(q.correct, mine);
      return mine.length === q.correct.length && mine.every(function (i) { return q.correct.indexOf(i) >= 0; });
    },
    "true-false": function (q) {
      var mine = picked();
      if (!mine.length) return null;
      markOptions([q.truth ? 0 : 1], mine);
      return (mine[0] === 0) === q.truth;
    },
    "type-in": function (q) {
      var input = $("typed"), right = accepted(input.value, q.accept);
      input.classList.add(right ? "is-right" : "is-wrong");
      return right;
    },
    "cloze": function (q) {
      var all = true;
      stage.querySelectorAll("input.gap-input").forEach(function (input) {
        var gap = q.gaps[Number(input.getAttribute("data-gap"))], right = accepted(input.value, gap.accept);
        input.classList.add(right ? "is-right" : "is-wrong");
        if (!right) input.after(h("span", { "class": "gap-fix", text: gap.accept[0] }));
        all = all && right;
      });
      return all;
    }
  };
  function markOptions(correct, mine) {
    stage.querySelectorAll(".option").forEach(function (label, i) {
      var isRight = correct.indexOf(i) >= 0, isMine = mine.indexOf(i) >= 0;
      if (isRight) label.classList.add("is-correct");
      if (isMine && !isRight) label.classList.add("is-wrong");
      var note = isRight ? (isMine ? "✔ your choice" : "✔ correct") : (isMine ? "✘ your choice" : "");
      if (note) label.append(h("span", { "class": "mark", text: note }));
    });
  }
  function check() {
    var q = current.q, right = CHECKS[q.kind](q);
    if (right === null) return nudge("Pick an answer first.");
    var typed = q.kind === "type-in" ? $("typed").value.trim() : "";
    finish(right);
    var verdict = right ? "✔ Right!" : "✘ Not quite.";
    feedback(q, h("p", { "class": "verdict " + (right ? "right" : "wrong"), text: verdict }),
      !right && typed ? h("p", {}, h("span", { "class": "label", text: "Your answer: " }), typed) : null);
    nextButton();
  }
  function reveal() {
    current.revealed = true;
    var q = current.q;
    feedback(q, null);
    var actions = $("actions");
    var yes = button("✔ I knew it", "primary", function () { grade(true); });
    var no = button("✘ I didn't", "", function () { grade(false); });
    yes.id = "knew"; no.id = "didnt";
    actions.replaceChildren(h("p", { "class": "ask", id: "ask", text: "Did you know it?" }), yes, no);
    actions.setAttribute("role", "group");
    actions.setAttribute("aria-labelledby", "ask");
    yes.focus({ preventScroll: true });
  }
  function grade(knew) {
    finish(knew);
    next();
  }
  function finish(right) {
    var q = current.q;
    current.answered = true;
    state.run.results[q.id] = right ? 1 : 0;
    state.last[q.id] = right ? 1 : 0;
    state.run.pos = current.index + 1;
    save();
    $("card").classList.add("answered");
    stage.querySelectorAll("#card input").forEach(function (i) {
      i.disabled = true;
      if (i.type === "text") i.placeholder = "";
    });
    var old = stage.querySelector(".nudge");
    if (old) old.remove();
    updateStatus();
    updateOverall();
  }
  function feedback(q, verdict, extra) {
    var box = $("feedback");
    box.replaceChildren();
    if (verdict) box.append(verdict);
    if (extra) box.append(extra);
    box.append(h("p", { "class": "answer" }, h("span", { "class": "label", text: "Answer: " }), trusted("span", {}, q.answer)));
    if (q.kind === "type-in" && q.accept.length > 1) {
      box.append(h("p", { "class": "hint", text: "Also accepted: " + q.accept.slice(1).join("; ") }));
    }
    if (q.explanation) box.append(trusted("div", { "class": "explanation" }, q.explanation));
    box.append(h("figure", { "class": "source" },
      trusted("blockquote", { "class": "passage" }, q.passage),
      h("figcaption", { "class": "citation", text: "— " + q.citation })));
  }
  function nextButton() {
    var last = current.index + 1 >= state.run.ids.length;
    var b = button(last ? "See results" : "Next question", "primary", next);
    b.id = "next";
    $("actions").replaceChildren(b);
    b.focus({ preventScroll: true });
  }
  function next() {
    show(true);
    var card = stage.firstElementChild;
    if (card && card.getBoundingClientRect().top < 0) card.scrollIntoView({ block: "start" });
  }

  // ---- status line, overall progress, results
  function updateStatus() {
    var run = state.run, score = runScore(), total = run.ids.length;
    var at = current && !current.answered && run.pos < total ? current.index + 1 : Math.min(run.pos, total);
    $("status").hidden = false;
    $("position").textContent = run.pos >= total ? "Done: " + total + " of " + total : "Question " + at + " of " + total;
    $("score").textContent = "Score " + score.right + " / " + score.asked;
    $("bar").max = Math.max(total, 1);
    $("bar").value = score.asked;
  }
  function updateOverall() {
    var answered = 0, right = 0;
    data.questions.forEach(function (q) {
      if (q.id in state.last) { answered++; right += state.last[q.id]; }
    });
    $("overall").textContent = answered
      ? "So far you have answered " + answered + " of " + data.questions.length + " questions; " + right + " right the last time."
      : "Nothing answered yet: your answers will be remembered in this browser.";
    updateCount();
  }
  function updateCount() {
    var n = chosen(filtersFromForm()).length;
    $("f-count").textContent = n === 1 ? "1 question matches." : n + " questions match.";
    $("start").disabled = n === 0;
    $("start").textContent = n ? "Start " + n + (n === 1 ? " question" : " questions") : "Start";
  }
  function tally(keyOf) {
    var groups = {};
    state.run.ids.forEach(function (id) {
      if (!(id in state.run.results)) return;
      keyOf(byId[id]).forEach(function (k) {
        var g = groups[k] || (groups[k] = { right: 0, asked: 0 });
        g.asked++; g.right += state.run.results[id];
      });
    });
    return groups;
  }
  function table(caption, groups, label) {
    var body = h("tbody");
    Object.keys(groups).sort(function (a, b) {
      var ga = groups[a], gb = groups[b];
      return ga.right / ga.asked - gb.right / gb.asked || (a < b ? -1 : a > b ? 1 : 0);
    }).forEach(function (k) {
      var g = groups[k], pct = Math.round(100 * g.right / g.asked);
      var meter = h("span", { "class": "meter", "aria-hidden": "true" }, h("span"));
      meter.firstChild.style.width = pct + "%";
      body.append(h("tr", {}, h("td", {}, label(k), meter), h("td", { "class": "num", text: g.right + " / " + g.asked }),
        h("td", { "class": "num", text: pct + "%" })));
    });
    return h("table", {}, h("caption", { "class": "hint", text: caption }),
      h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "" }), h("th", { scope: "col", "class": "num", text: "Right" }),
        h("th", { scope: "col", "class": "num", text: "%" }))), body);
  }
  function showSummary(focus) {
    current = null;
    var run = state.run, score = runScore();
    var missed = run.ids.filter(function (id) { return run.results[id] === 0; });
    var box = h("section", { "class": "summary", id: "summary", "aria-labelledby": "summary-title" });
    var title = h("h2", { id: "summary-title", tabindex: "-1", text: "Your results" });
    var pct = score.asked ? Math.round(100 * score.right / score.asked) : 0;
    box.append(title, h("p", { "class": "big", id: "final-score", text: "You got " + score.right + " of " + score.asked + " right (" + pct + "%)." }));
    if (score.asked) {
      box.append(h("h3", { text: "By source" }),
        table("Right answers by source, weakest first", tally(function (q) { return [q.source]; }), function (k) { return data.sources[k].title; }));
      var tags = tally(function (q) { return q.tags; });
      if (Object.keys(tags).length) {
        box.append(h("h3", { text: "By tag" }), table("Right answers by tag, weakest first", tags, function (k) { return "#" + k; }));
      }
    }
    if (missed.length) {
      var list = h("ol", { "class": "missed", id: "missed-list" });
      missed.forEach(function (id) {
        var q = byId[id];
        var item = h("li", { "data-id": id });
        if (q.kind !== "cloze") item.append(trusted("div", { "class": "q" }, q.prompt));
        item.append(h("div", { "class": "a" }, h("span", { "class": "label", text: q.kind === "cloze" ? "" : "Answer: " }), trusted("span", {}, q.answer)),
          h("div", { "class": "c", text: q.citation }));
        list.append(item);
      });
      box.append(h("h3", { text: "Missed (" + missed.length + ")" }), list);
    } else if (score.asked) {
      box.append(h("p", { text: "No mistakes. Well done!" }));
    }
    var actions = h("div", { "class": "actions" });
    if (missed.length) {
      actions.append(button("Try the " + missed.length + " missed again", "primary", function () {
        startRun(Object.assign({}, run.filters, { shuffle: false }), missed.slice());
      }));
    }
    actions.append(button("Start again", missed.length ? "" : "primary", function () { startRun(run.filters); }));
    box.append(actions);
    stage.replaceChildren(box);
    if (focus) title.focus();
  }

  // ---- keyboard: shortcuts never fire while typing in a field
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || !current) return;
    var t = e.target, tag = t.tagName;
    if (tag === "SELECT" || tag === "TEXTAREA" || (tag === "INPUT" && t.type === "text") || tag === "SUMMARY") return;
    var key = e.key.length === 1 ? e.key.toUpperCase() : e.key, q = current.q;
    if (key === "Enter") {
      if (tag === "BUTTON" || tag === "A") return;
      e.preventDefault();
      return primary();
    }
    if (current.answered) return;
    if ((q.kind === "basic" || q.kind === "reversed")) {
      if (key === " " && !current.revealed && tag !== "BUTTON") { e.preventDefault(); return reveal(); }
      if (current.revealed && (key === "Y" || key === "1")) { e.preventDefault(); return grade(true); }
      if (current.revealed && (key === "N" || key === "2")) { e.preventDefault(); return grade(false); }
      return;
    }
    var index = -1;
    if (q.kind === "true-false") index = key === "T" || key === "1" ? 0 : key === "F" || key === "2" ? 1 : -1;
    else if (q.kind === "choice") index = /^[1-9]$/.test(key) ? Number(key) - 1 : LETTERS.indexOf(key.length === 1 ? key : "-");
    var inputs = stage.querySelectorAll("input[name=choice]");
    if (index >= 0 && index < inputs.length) {
      e.preventDefault();
      var input = inputs[index];
      input.checked = input.type === "checkbox" ? !input.checked : true;
      input.focus();
    }
  });

  // ---- the options panel
  ["f-source", "f-tag", "f-kind", "f-missed", "f-shuffle"].forEach(function (id) { $(id).addEventListener("change", updateCount); });
  $("filters").addEventListener("submit", function (e) {
    e.preventDefault();
    $("options").open = false;  // on a phone the open panel would hide the first question
    startRun(filtersFromForm());
  });
  $("reset").addEventListener("click", function () {
    if (!window.confirm("Forget every answer you have given in this self-test?")) return;
    try { window.localStorage.removeItem(KEY); } catch (err) { /* nothing stored */ }
    state = { v: 1, last: {}, run: null };
    startRun(everything);
  });

  // ---- start: resume the stored run (dropping questions that left the bank), or begin with everything
  var everything = { source: "", tag: "", kind: "", missed: false, shuffle: false };
  if (state.run && Array.isArray(state.run.ids)) {
    var exists = function (id) { return id in byId; };
    state.run.pos = state.run.ids.slice(0, state.run.pos).filter(exists).length;
    state.run.ids = state.run.ids.filter(exists);
    state.run.results = state.run.results || {};
    state.run.filters = state.run.filters || everything;
    filtersToForm(state.run.filters);
  }
  if (!state.run || !state.run.ids || !state.run.ids.length) {
    startRun(everything, null, false);
  } else {
    show(false);
  }
})();
