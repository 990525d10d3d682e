// ---- FSRS-6, the scheduler of the `fsrs` Python package that `studydeck quiz` uses (py-fsrs 6.x, its default
// parameters, learning steps 1 and 10 minutes, relearning step 10 minutes, desired retention 0.9), ported line
// for line so that the page and the quiz give a card the same next due date. Times are milliseconds since the
// epoch; a card is { state: 1 learning | 2 review | 3 relearning, step, stability, difficulty, due, last }.
var StudydeckFSRS = (function () {
  "use strict";
  var W = [0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796, 1.4835, 0.0614,
    0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542];
  var MINUTE = 60000, DAY = 86400000;
  var LEARNING = [1 * MINUTE, 10 * MINUTE], RELEARNING = [10 * MINUTE];
  var RETENTION = 0.9, MAX_INTERVAL = 36500, S_MIN = 0.001;
  var DECAY = -W[20], FACTOR = Math.pow(0.9, 1 / DECAY) - 1;
  var AGAIN = 1, HARD = 2, GOOD = 3, EASY = 4;
  var FUZZ = [[2.5, 7.0, 0.15], [7.0, 20.0, 0.1], [20.0, Infinity, 0.05]];

  // Python's round(): halves go to the even neighbour.
  function pyRound(x) {
    var f = Math.floor(x), diff = x - f;
    if (diff > 0.5) return f + 1;
    if (diff < 0.5) return f;
    return f % 2 === 0 ? f : f + 1;
  }
  // Python's timedelta.days: whole days, rounded down.
  function days(ms) { return Math.floor(ms / DAY); }
  function clampD(d) { return Math.min(Math.max(d, 1), 10); }
  function clampS(s) { return Math.max(s, S_MIN); }
  function initialStability(r) { return clampS(W[r - 1]); }
  function initialDifficulty(r, clamp) {
    var d = W[4] - Math.pow(Math.E, W[5] * (r - 1)) + 1;
    return clamp ? clampD(d) : d;
  }
  function nextInterval(s) {
    var ivl = pyRound((s / FACTOR) * (Math.pow(RETENTION, 1 / DECAY) - 1));
    return Math.min(Math.max(ivl, 1), MAX_INTERVAL);
  }
  function shortTermStability(s, r) {
    var inc = Math.pow(Math.E, W[17] * (r - 3 + W[18])) * Math.pow(s, -W[19]);
    if (r >= HARD) inc = Math.max(inc, 1.0);
    return clampS(s * inc);
  }
  function nextDifficulty(d, r) {
    var delta = -(W[6] * (r - 3));
    var damped = d + (10.0 - d) * delta / 9.0;
    return clampD(W[7] * initialDifficulty(EASY, false) + (1 - W[7]) * damped);
  }
  function retrievability(card, now) {
    if (card.last === null || card.stability === null) return 0;
    var elapsed = Math.max(0, days(now - card.last));
    return Math.pow(1 + FACTOR * elapsed / card.stability, DECAY);
  }
  function nextStability(d, s, r, rating) {
    var next;
    if (rating === AGAIN) {
      var longTerm = W[11] * Math.pow(d, -W[12]) * (Math.pow(s + 1, W[13]) - 1) * Math.pow(Math.E, (1 - r) * W[14]);
      next = Math.min(longTerm, s / Math.pow(Math.E, W[17] * W[18]));
    } else {
      next = s * (1 + Math.pow(Math.E, W[8]) * (11 - d) * Math.pow(s, -W[9]) *
        (Math.pow(Math.E, (1 - r) * W[10]) - 1) * (rating === HARD ? W[15] : 1) * (rating === EASY ? W[16] : 1));
    }
    return clampS(next);
  }
  function fuzzed(ivlDays, random) {
    if (ivlDays < 2.5) return ivlDays;
    var delta = 1.0;
    FUZZ.forEach(function (f) { delta += f[2] * Math.max(Math.min(ivlDays, f[1]) - f[0], 0.0); });
    var lo = pyRound(ivlDays - delta), hi = pyRound(ivlDays + delta);
    lo = Math.max(2, lo); hi = Math.min(hi, MAX_INTERVAL); lo = Math.min(lo, hi);
    return Math.min(pyRound(random() * (hi - lo + 1) + lo), MAX_INTERVAL);
  }
  // Steps within learning or relearning: the card's next interval in ms, or null when it graduates to review.
  function stepInterval(card, rating, steps) {
    if (steps.length === 0 || (card.step >= steps.length && rating !== AGAIN)) return null;
    if (rating === AGAIN) { card.step = 0; return steps[0]; }
    if (rating === HARD) {
      if (card.step === 0 && steps.length === 1) return steps[0] * 1.5;
      if (card.step === 0 && steps.length >= 2) return (steps[0] + steps[1]) / 2.0;
      return steps[card.step];
    }
    if (rating === GOOD) {
      if (card.step + 1 === steps.length) return null;
      card.step += 1;
      return steps[card.step];
    }
    return null;  // Easy graduates at once
  }
  function updateMemory(card, rating, now, sinceLast) {
    if (sinceLast !== null && sinceLast < 1) {
      card.stability = shortTermStability(card.stability, rating);
    } else {
      card.stability = nextStability(card.difficulty, card.stability, retrievability(card, now), rating);
    }
    card.difficulty = nextDifficulty(card.difficulty, rating);
  }
  /** The card after a review with `rating` (1 Again .. 4 Easy) at `now`; `card` null for a new card.
      `options.fuzz` (default true) spreads review intervals a little, as the quiz's scheduler does. */
  function review(card, rating, now, options) {
    var fuzz = !options || options.fuzz !== false, random = (options && options.random) || Math.random;
    card = card ? {
      state: card.state, step: card.step, stability: card.stability, difficulty: card.difficulty,
      due: card.due, last: card.last
    } : { state: 1, step: 0, stability: null, difficulty: null, due: now, last: null };
    var sinceLast = card.last !== null ? days(now - card.last) : null;
    var interval;
    if (card.state === 1) {
      if (card.stability === null || card.difficulty === null) {
        card.stability = initialStability(rating);
        card.difficulty = initialDifficulty(rating, true);
      } else {
        updateMemory(card, rating, now, sinceLast);
      }
      interval = stepInterval(card, rating, LEARNING);
    } else {
      updateMemory(card, rating, now, sinceLast);
      if (card.state === 2) {
        if (rating === AGAIN && RELEARNING.length) { card.state = 3; card.step = 0; interval = RELEARNING[0]; }
        else interval = null;
      } else {
        interval = stepInterval(card, rating, RELEARNING);
      }
    }
    if (interval === null) {
      card.state = 2;
      card.step = null;
      var ivlDays = nextInterval(card.stability);
      interval = (fuzz ? fuzzed(ivlDays, random) : ivlDays) * DAY;
    }
    card.due = now + interval;
    card.last = now;
    return card;
  }
  return { review: review, AGAIN: AGAIN, HARD: HARD, GOOD: GOOD, EASY: EASY };
})();

(function () {
  "use strict";
  // Questions come from the JSON element; every HTML string in it was rendered and escaped by studydeck
  // (render/selftest.py). Only those go through `trusted()`; anything typed or built here is text.
  var data = JSON.parse(document.getElementById("studydeck-data").textContent);
  // Every map keyed by a question id, a source or a tag is made without a prototype: an id such as
  // "constructor" or "__proto__" is then just a key.
  function dict(from) { return Object.assign(Object.create(null), from || {}); }
  // A question is asked as Anki and `studydeck quiz` ask it: a reversed one both ways (the term for its meaning,
  // the meaning for its term), a cloze once per deletion number ({{c1::...}}, {{c2::...}}: the gaps of that
  // number blank, the others shown). Each further card is a question of its own here, "<id>:reverse" or
  // "<id>:c2" (no id holds a ":"), and `of` names the question it comes from.
  data.questions = data.questions.reduce(function (all, q) {
    all.push(q);
    if (q.kind === "reversed") all.push(Object.assign({}, q, { id: q.id + ":reverse", of: q.id, prompt: q.answer, answer: q.prompt }));
    if (q.kind === "cloze") {
      var numbers = q.gaps.map(function (g) { return g.number; }).filter(function (n, i, all) { return all.indexOf(n) === i; });
      numbers.sort(function (a, b) { return a - b; });
      if (numbers.length > 1) {
        q.number = numbers[0];
        numbers.slice(1).forEach(function (n) { all.push(Object.assign({}, q, { id: q.id + ":c" + n, of: q.id, number: n })); });
      }
    }
    return all;
  }, []);
  var byId = dict();
  data.questions.forEach(function (q) { byId[q.id] = q; });
  // Progress lives under the bank's deck_id, which never changes (its title and file name may).
  var KEY = "studydeck:" + data.deck_id + ":";
  var CARD = KEY + "card:", RUN = KEY + "run";
  var LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  var LEARN_AHEAD = 20 * 60000;  // as in Anki and the quiz: a card due this soon counts as due
  var $ = function (id) { return document.getElementById(id); };
  var stage = $("stage");
  var cards = loadCards();
  var state = { run: loadRun() };
  var current = null;

  // ---- storage: one small entry per card (its FSRS state and last result), written alone when it is answered,
  // and one for the session on screen. A browser without storage just forgets on reload.
  function read(key) {
    try { return JSON.parse(window.localStorage.getItem(key)); } catch (e) { return null; }
  }
  function write(key, value) {
    try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* private mode: keep in memory */ }
  }
  function storedKeys() {
    var keys = [];
    try {
      for (var i = 0; i < window.localStorage.length; i++) keys.push(window.localStorage.key(i));
    } catch (e) { /* no storage */ }
    return keys.filter(function (k) { return k && k.indexOf(KEY) === 0; });
  }
  function validCard(c) {
    return c && typeof c === "object" && [1, 2, 3].indexOf(c.state) >= 0 && typeof c.due === "number" &&
      (c.last === null || typeof c.last === "number");
  }
  function loadCards() {
    var out = dict();
    storedKeys().forEach(function (k) {
      if (k.indexOf(CARD) !== 0) return;
      var c = read(k);
      if (validCard(c)) out[k.slice(CARD.length)] = c;
    });
    return out;
  }
  function loadRun() {
    var run = read(RUN);
    if (!run || !Array.isArray(run.ids)) return null;
    run.results = dict(run.results);
    return run;
  }
  function saveRun() { write(RUN, state.run); }
  function lastResult(id) { return id in cards ? cards[id].right : undefined; }

  // ---- answer checking: the rule is studydeckAnswers (templates/answers.js, the same as studydeck/answers.py)
  function accepted(typed, answers, tolerance) {
    return studydeckAnswers.matches(typed, answers, tolerance || null);
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
      missed: $("f-missed").checked, shuffle: $("f-shuffle").checked, size: sessionSize()
    };
  }
  function sessionSize() {
    var n = Math.floor(Number($("f-size").value));
    return n >= 1 ? n : 20;
  }
  function filtersToForm(f) {
    $("f-source").value = f.source || ""; $("f-tag").value = f.tag || ""; $("f-kind").value = f.kind || "";
    $("f-missed").checked = !!f.missed; $("f-shuffle").checked = !!f.shuffle; $("f-size").value = String(f.size || 20);
  }
  function pool(f) {
    return data.questions.filter(function (q) {
      return (!f.source || q.source === f.source) && (!f.tag || q.tags.indexOf(f.tag) >= 0) &&
        (!f.kind || q.kind === f.kind) && (!f.missed || lastResult(q.id) === 0);
    }).map(function (q) { return q.id; });
  }
  // A session: the due questions of the pool, earliest first, then new ones in bank order (shuffled if asked),
  // at most `size` in all. Two cards of one question never follow each other: once one is answered, the others
  // wait until the next day (a day starts at local midnight), as in the quiz.
  function plan(f, now) {
    var ids = pool(f), due = [], fresh = [];
    ids.forEach(function (id) {
      if (!(id in cards)) fresh.push(id);
      else if (cards[id].due <= now + LEARN_AHEAD) due.push(id);
    });
    due.sort(function (a, b) { return cards[a].due - cards[b].due; });
    if (f.shuffle) shuffle(fresh);
    var today = answeredSince(new Date(now).setHours(0, 0, 0, 0)), chosen = [], taken = dict(), waiting = 0;
    due.concat(fresh).forEach(function (id) {
      var of = questionOf(id), siblingToday = (today[of] || []).some(function (other) { return other !== id; });
      if (siblingToday || of in taken) { waiting++; return; }
      if (chosen.length < (f.size || 20)) { chosen.push(id); taken[of] = true; }
    });
    return { due: due.length, fresh: fresh.length, ids: chosen, pool: ids, waiting: waiting };
  }
  function questionOf(id) { return byId[id].of || id; }
  function answeredSince(time) {
    var found = dict();
    Object.keys(cards).forEach(function (id) {
      if (!(id in byId) || cards[id].last === null || cards[id].last < time) return;
      var of = questionOf(id);
      (found[of] || (found[of] = [])).push(id);
    });
    return found;
  }
  function chosen(f) { return plan(f, Date.now()).ids; }
  function shuffle(items) {
    for (var i = items.length - 1; i > 0; i--) {
      var j = Math.floor(Math.random() * (i + 1)), t = items[i];
      items[i] = items[j]; items[j] = t;
    }
    return items;
  }
  function startRun(filters, ids, focus) {
    ids = ids || chosen(filters);
    state.run = { ids: ids, pos: 0, results: dict(), filters: filters };
    saveRun();
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
      h("span", { "class": "kind", text: data.kinds[q.kind] + cardName(q) }),
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
  // Which card of its question this is, when the question has several (as Anki names them: Card 2, Cloze 2).
  function cardName(q) {
    if (q.kind === "reversed") return q.of ? ", the other way" : "";
    return q.number ? ", part " + q.number : "";
  }
  function options(q, labels, multiple, order) {
    var set = h("fieldset", { "class": "options", "aria-labelledby": "prompt" });
    if (multiple) set.append(h("legend", { "class": "hint", text: "Choose " + q.correct.length + "." }));
    (order || labels.map(function (_, i) { return i; })).forEach(function (index, i) {
      var label = labels[index];  // `i` is where it is shown (its letter), `index` where the author wrote it
      var input = h("input", { type: multiple ? "checkbox" : "radio", name: "choice", value: String(index) });
      var text = typeof label === "string" && q.kind === "choice" ? trusted("span", { "class": "text" }, label)
        : h("span", { "class": "text", text: label });
      set.append(h("label", { "class": "option" }, input, h("span", { "class": "letter", "aria-hidden": "true", text: LETTERS[i] }), text));
    });
    return set;
  }
  // The order a question's choices are shown in this time: shuffled on every showing, so that the right one's
  // place cannot be learnt, unless the author kept it (`shuffle: false`).
  function choiceOrder(q) {
    var order = q.choices.map(function (_, i) { return i; });
    return q.shuffle === false ? order : shuffle(order);
  }
  var BODIES = {
    "choice": function (q) { return options(q, q.choices, q.correct.length > 1, choiceOrder(q)); },
    "true-false": function (q) { return options(q, ["True", "False"], false); },
    "type-in": function () {
      return h("div", { "class": "typed" },
        h("label", { "for": "typed", text: "Your answer" }),
        h("input", { type: "text", id: "typed", autocomplete: "off", autocapitalize: "off", spellcheck: "false", enterkeyhint: "done" }));
    },
    "cloze": function (q, prompt) {
      prompt.classList.add("cloze-text");
      var spans = Array.prototype.slice.call(prompt.querySelectorAll("span.gap"));
      var asked = spans.filter(function (span) { return !q.number || q.gaps[Number(span.getAttribute("data-gap"))].number === q.number; });
      spans.forEach(function (span) {
        var i = Number(span.getAttribute("data-gap")), gap = q.gaps[i], at = asked.indexOf(span);
        if (at < 0) return span.replaceWith(trusted("span", { "class": "gap-shown" }, gap.html));
        span.replaceWith(h("input", {
          type: "text", "class": "gap-input", "data-gap": String(i), autocomplete: "off", autocapitalize: "off",
          spellcheck: "false", enterkeyhint: "done", placeholder: gap.hint || "…",
          "aria-label": "Gap " + (at + 1) + " of " + asked.length + (gap.hint ? " (" + gap.hint + ")" : "")
        }));
      });
      return h("p", { "class": "hint", text: asked.length === 1 ? "Fill in the gap." : "Fill in the " + asked.length + " gaps." });
    },
    "basic": function () { return h("p", { "class": "hint", text: "Answer in your head, then show the answer." }); },
    "reversed": function (q) {
      var ask = q.of ? "Which term is this?" : "What does it mean?";
      return h("p", { "class": "hint", text: ask + " Answer in your head, then show the answer." });
    }
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
      var input = $("typed"), right = accepted(input.value, q.accept, q.tolerance);
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
    stage.querySelectorAll(".option").forEach(function (label) {
      var i = Number(label.querySelector("input").value);
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
    state.run.pos = current.index + 1;
    // Right is Good, wrong is Again, for FSRS; one entry for the card, one for the session: nothing else is written.
    var card = StudydeckFSRS.review(cards[q.id] || null, right ? StudydeckFSRS.GOOD : StudydeckFSRS.AGAIN, Date.now());
    card.right = right ? 1 : 0;
    cards[q.id] = card;
    write(CARD + q.id, card);
    saveRun();
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
    box.append(h("p", { "class": "answer" }, h("span", { "class": "label", text: "Answer: " }), answerOf(q)));
    if (q.kind === "type-in" && q.accept.length > 1) {
      box.append(h("p", { "class": "hint", text: "Also accepted: " + q.accept.slice(1).join("; ") }));
    }
    if (q.kind === "type-in" && q.tolerance) {
      box.append(h("p", { "class": "hint", text: "Numbers within " + q.tolerance_shown + " of the answer are accepted." }));
    }
    if (q.explanation) box.append(trusted("div", { "class": "explanation" }, q.explanation));
    box.append(h("figure", { "class": "source" },
      trusted("blockquote", { "class": "passage" }, q.passage),
      h("figcaption", { "class": "citation", text: "— " + q.citation })));
  }
  // The answer as shown after a card: a cloze card of one deletion number marks only the gaps it asked.
  function answerOf(q) {
    if (q.kind !== "cloze" || !q.number) return trusted("span", {}, q.answer);
    var node = trusted("span", {}, q.prompt);
    node.querySelectorAll("span.gap").forEach(function (span) {
      var gap = q.gaps[Number(span.getAttribute("data-gap"))];
      span.replaceWith(gap.number === q.number ? trusted("mark", { "class": "gap-answer" }, gap.html)
        : trusted("span", { "class": "gap-shown" }, gap.html));
    });
    return node;
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
    var answered = 0, right = 0, now = Date.now(), due = 0;
    data.questions.forEach(function (q) {
      if (!(q.id in cards)) return;
      answered++; right += cards[q.id].right ? 1 : 0;
      if (cards[q.id].due <= now + LEARN_AHEAD) due++;
    });
    $("overall").textContent = answered
      ? "So far you have answered " + answered + " of " + data.questions.length + " questions; " + right +
        " right the last time; " + due + " due now."
      : "Nothing answered yet: your answers will be remembered in this browser.";
    updateCount();
  }
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }
  function updateCount() {
    var f = filtersFromForm(), now = Date.now(), p = plan(f, now), n = p.ids.length;
    var text = p.pool.length === 1 ? "1 question matches" : p.pool.length + " questions match";
    text += ": " + p.due + " due, " + p.fresh + " new.";
    if (p.waiting) {
      text += " " + (p.waiting === 1 ? "One waits" : p.waiting + " wait") + " for another day: two cards of a " +
        "question are never asked on one day.";
    }
    var known = p.pool.filter(function (id) { return id in cards; });
    if (!n && !p.waiting && known.length) {
      text += " The next is due " + dueIn(Math.min.apply(null, known.map(function (id) { return cards[id].due; })) - now) + ".";
    }
    $("f-count").textContent = text;
    $("start").disabled = n === 0;
    $("start").textContent = n ? "Start " + plural(n, "question") : "Nothing due now";
  }
  function dueIn(ms) {
    var minutes = Math.max(1, Math.round(ms / 60000));
    if (minutes < 60) return "in " + plural(minutes, "minute");
    if (minutes < 24 * 60) return "in " + plural(Math.round(minutes / 60), "hour");
    return "in " + plural(Math.round(minutes / 1440), "day");
  }
  function tally(keyOf) {
    var groups = dict();
    state.run.ids.forEach(function (id) {
      if (!(id in state.run.results)) return;
      keyOf(byId[id]).forEach(function (k) {
        var g = groups[k] || (groups[k] = { right: 0, asked: 0 });
        g.asked++; g.right += state.run.results[id];
      });
    });
    return groups;
  }
  function table(caption, groups, label, heading) {
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
      h("thead", {}, h("tr", {}, h("th", { scope: "col", text: heading }), h("th", { scope: "col", "class": "num", text: "Right" }),
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
        table("Right answers by source, weakest first", tally(function (q) { return [q.source]; }), function (k) { return data.sources[k].title; }, "Source"));
      var tags = tally(function (q) { return q.tags; });
      if (Object.keys(tags).length) {
        box.append(h("h3", { text: "By tag" }), table("Right answers by tag, weakest first", tags, function (k) { return "#" + k; }, "Tag"));
      }
    }
    if (missed.length) {
      var list = h("ol", { "class": "missed", id: "missed-list" });
      missed.forEach(function (id) {
        var q = byId[id];
        var item = h("li", { "data-id": id });
        if (q.kind !== "cloze") item.append(trusted("div", { "class": "q" }, q.prompt));
        item.append(h("div", { "class": "a" }, h("span", { "class": "label", text: q.kind === "cloze" ? "" : "Answer: " }), answerOf(q)),
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
  ["f-source", "f-tag", "f-kind", "f-missed", "f-shuffle", "f-size"].forEach(function (id) { $(id).addEventListener("change", updateCount); });
  $("filters").addEventListener("submit", function (e) {
    e.preventDefault();
    $("options").open = false;  // on a phone the open panel would hide the first question
    startRun(filtersFromForm());
  });
  $("reset").addEventListener("click", function () {
    if (!window.confirm("Forget every answer you have given in this self-test?")) return;
    storedKeys().forEach(function (k) {
      try { window.localStorage.removeItem(k); } catch (err) { /* nothing stored */ }
    });
    cards = dict();
    state = { run: null };
    startRun(everything);
  });

  // ---- moving progress between devices: a small JSON file of every card's schedule, merged on loading
  // (for each question the more recent review wins, so loading a file twice, or an older one, loses nothing)
  var FORMAT = "studydeck-progress";
  $("export").addEventListener("click", function () {
    var file = { format: FORMAT, version: 1, deck_id: data.deck_id, bank: data.bank, saved: Date.now(), cards: cards };
    var url = URL.createObjectURL(new Blob([JSON.stringify(file)], { type: "application/json" }));
    var link = h("a", { href: url, download: data.bank + "-progress.json" });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    $("transfer-note").textContent = "Saved the progress of " + plural(Object.keys(cards).length, "question") + ".";
  });
  $("import").addEventListener("change", function () {
    var input = this, chosenFile = input.files && input.files[0];
    if (!chosenFile) return;
    var reader = new FileReader();
    reader.onload = function () {
      $("transfer-note").textContent = merge(String(reader.result));
      input.value = "";
      updateOverall();
    };
    reader.readAsText(chosenFile);
  });
  function merge(text) {
    var file;
    try { file = JSON.parse(text); } catch (e) { return "That file is not a progress file (it is not JSON)."; }
    if (!file || file.format !== FORMAT || !file.cards || typeof file.cards !== "object") {
      return "That file is not a studydeck progress file.";
    }
    if (String(file.deck_id) !== String(data.deck_id)) {
      return "That file holds progress for another bank" + (file.bank ? " (" + file.bank + ")" : "") + ": nothing was loaded.";
    }
    var taken = 0;
    Object.keys(file.cards).forEach(function (id) {
      var theirs = file.cards[id], mine = cards[id];
      if (!(id in byId) || !validCard(theirs)) return;
      if (mine && (mine.last || 0) >= (theirs.last || 0)) return;
      cards[id] = theirs;
      write(CARD + id, theirs);
      taken++;
    });
    return "Loaded: " + plural(taken, "question") + " updated from the file.";
  }

  // ---- touch screens have no keys to hint at
  if (window.matchMedia && window.matchMedia("(hover: none), (pointer: coarse)").matches) $("keys").hidden = true;

  // ---- start: resume the stored run (dropping questions that left the bank), or begin a session
  var everything = { source: "", tag: "", kind: "", missed: false, shuffle: false, size: 20 };
  if (state.run && Array.isArray(state.run.ids)) {
    var exists = function (id) { return id in byId; };
    state.run.pos = state.run.ids.slice(0, state.run.pos).filter(exists).length;
    state.run.ids = state.run.ids.filter(exists);
    state.run.results = dict(state.run.results);
    state.run.filters = state.run.filters || everything;
    filtersToForm(state.run.filters);
  }
  if (!state.run || !state.run.ids || !state.run.ids.length) {
    startRun(everything, null, false);
  } else {
    show(false);
  }
})();
