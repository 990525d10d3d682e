// Checking a typed answer: the rule of studydeck/answers.py, in JavaScript, for the self-test page and Anki's
// type-in cards. Keep the two in step: the tests run both on tests/data/answer-cases.json.
// Written for old web views too (Anki runs it on phones): `var`, no arrow functions, BigInt only if present.
var studydeckAnswers = (function () {
  "use strict";
  var FOLD = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
    "\u201c": "\"", "\u201d": "\"", "\u201e": "\"", "\u201f": "\"", "\u00ab": "\"", "\u00bb": "\"",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-", "\ufe63": "-",
    "\u2044": "/", "\u2026": "...", "\u00df": "ss", "\u03c2": "\u03c3"
  };
  var SPACES = "\t\n\u000b\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" +
    "\u2028\u2029\u202f\u205f\u3000\ufeff";
  var AROUND = ".,;:!?\u00a1\u00bf\"'*_`\u3002\u3001\u300c\u300d\u300e\u300f";  // dropped around an answer
  var BEFORE_SPACE = ",;:.!?";  // dropped inside an answer when a space follows
  var NOT_A_UNIT = "0123456789.,/+-^*:=";
  var MAX_DIGITS = 100;  // longer is no answer to compute with
  var MARK = /^\p{Mn}$/u, LATIN = /^\p{Script=Latin}$/u, LETTER = /^\p{L}$/u, DIGIT = /^[0-9]$/;
  var NUMBER = /^([$€£¥₹₩₽¢])?([+-])?(?:([0-9]+)\/([0-9]+)|([0-9][0-9., ]*[0-9]|[0-9]|\.[0-9]+)(?:e([+-]?[0-9]{1,3}))?)([\s\S]*)$/;
  var SPACED = /^[0-9]{1,3}( [0-9]{3})+([.,][0-9]+)?$/;
  var PLAIN_DIGITS = /^[0-9]+$/;
  var COMMA_GROUPS = /^[1-9][0-9]{0,2}(,[0-9]{3})+$/;
  var POINT_GROUPS = /^[1-9][0-9]{0,2}(\.[0-9]{3}){2,}$/;
  var ONE_MARK = /^([0-9]*)[.,]([0-9]+)$/;
  var BOTH_MARKS = [/^([1-9][0-9]{0,2}(?:,[0-9]{3})+)\.([0-9]+)$/, /^([1-9][0-9]{0,2}(?:\.[0-9]{3})+),([0-9]+)$/];
  var HAS_BIGINT = typeof BigInt === "function";

  // ---- text
  function key(text) {
    var folded = tidy(fold(text)), stripped = stripAround(folded);
    return stripped ? tidyInside(stripped) : trimSpaces(folded);
  }
  function fold(text) {
    var wide = Array.from(text.normalize("NFC")).map(width).join("").toLowerCase();
    var kept = [], latin = false;
    Array.from(wide.normalize("NFD")).forEach(function (c) {
      if (MARK.test(c)) {
        if (!latin) kept.push(c);  // a mark on a letter of another script makes another letter: keep it
        return;
      }
      latin = LATIN.test(c);
      kept.push(SPACES.indexOf(c) >= 0 ? " " : (FOLD[c] || c));
    });
    return kept.join("").normalize("NFC");
  }
  function width(c) {
    if ((c >= "\uff00" && c <= "\uffef") || c === "\u3000" || (c >= "\u2150" && c <= "\u215f") || (c >= "\u00bc" && c <= "\u00be")) {
      return c.normalize("NFKC");
    }
    return c;
  }
  function tidy(text) { return text.replace(/ +/g, " "); }
  function trimSpaces(text) { return text.replace(/^ +| +$/g, ""); }
  function isPoint(text, i) { return text[i] === "." && i + 1 < text.length && DIGIT.test(text[i + 1]); }
  function stripAround(text) {
    var start = 0, end = text.length;
    while (start < end && (text[start] === " " || AROUND.indexOf(text[start]) >= 0) && !isPoint(text, start)) start++;
    while (end > start && (text[end - 1] === " " || AROUND.indexOf(text[end - 1]) >= 0)) end--;
    return text.slice(start, end);
  }
  function tidyInside(text) {
    var chars = Array.from(text), out = [];
    chars.forEach(function (c, i) {
      var before = i ? chars[i - 1] : "", after = i + 1 < chars.length ? chars[i + 1] : "";
      if (BEFORE_SPACE.indexOf(c) >= 0 && after === " ") return;
      if (c === "-" && LETTER.test(before) && LETTER.test(after)) c = " ";
      if (c === " " && DIGIT.test(before) !== DIGIT.test(after)) return;
      out.push(c);
    });
    return tidy(out.join(""));
  }

  // ---- numbers: exact fractions {n, d} of BigInts, d > 0
  function big(digits) { return BigInt(digits || "0"); }
  function ten(power) { return BigInt(10) ** BigInt(power); }
  function number(text) {
    var m = NUMBER.exec(key(text));
    if (!m || !HAS_BIGINT) return null;
    var currency = m[1] || "", sign = m[2], unit = m[7], value;
    if ((unit && NOT_A_UNIT.indexOf(unit[0]) >= 0) || (m[5] || m[3] + m[4]).length > MAX_DIGITS) return null;
    if (m[3] !== undefined) {
      if (big(m[4]) === BigInt(0)) return null;
      value = { n: big(m[3]), d: big(m[4]) };
    } else {
      value = decimal(m[5]);
      if (!value) return null;
      var exponent = Number(m[6] || "0");
      if (exponent >= 0) value.n *= ten(exponent); else value.d *= ten(-exponent);
    }
    if (sign === "-") value.n = -value.n;
    return { value: value, currency: currency, unit: trimSpaces(unit) };
  }
  function decimal(text) {
    if (text.indexOf(" ") >= 0) {
      if (!SPACED.test(text)) return null;
      text = text.replace(/ /g, "");
    }
    var parts = wholeAndFraction(text);
    if (!parts) return null;
    var whole = parts[0], fraction = parts[1];
    if (whole.length > 1 && whole[0] === "0") return null;  // 007 and 02134 are codes, not numbers
    return { n: big(whole) * ten(fraction.length) + big(fraction), d: ten(fraction.length) };
  }
  function wholeAndFraction(text) {
    if (PLAIN_DIGITS.test(text)) return [text, ""];
    if (COMMA_GROUPS.test(text) || POINT_GROUPS.test(text)) return [text.replace(/[.,]/g, ""), ""];
    var patterns = [ONE_MARK].concat(BOTH_MARKS);
    for (var i = 0; i < patterns.length; i++) {
      var m = patterns[i].exec(text);
      if (m) return [m[1].replace(/[.,]/g, ""), m[2]];
    }
    return null;
  }
  function abs(x) { return x < BigInt(0) ? -x : x; }
  // |a - b| <= limit, all fractions: cross-multiplied so that nothing is rounded
  function within(a, b, limit) {
    var diff = abs(a.n * b.d - b.n * a.d), diffDen = a.d * b.d;
    return diff * limit.d <= limit.n * diffDen;
  }
  function tolerance(text) {
    var parsed = number(text), k = key(text);
    if (!parsed || parsed.value.n < BigInt(0) || parsed.currency || (parsed.unit !== "" && parsed.unit !== "%") ||
        k[0] === "+" || k[0] === "-") {
      return null;
    }
    return { amount: parsed.value, relative: parsed.unit === "%" };
  }
  function allows(margin, typed, answer) {
    var limit = margin.relative
      ? { n: margin.amount.n * abs(answer.n), d: margin.amount.d * answer.d * BigInt(100) }
      : margin.amount;
    return within(typed, answer, limit);
  }

  // ---- the check: accepted answers are plain text (Markdown already removed)
  function matches(typed, accepted, toleranceText) {
    if (!typed.trim()) return false;
    var margin = (toleranceText && tolerance(toleranceText)) || null;
    var typedKey = key(typed), typedNumber = number(typed);
    return accepted.some(function (answer) {
      var answerNumber = typedNumber ? number(answer) : null;
      if (typedNumber && answerNumber) {
        return typedNumber.currency === answerNumber.currency && typedNumber.unit === answerNumber.unit &&
          allows(margin || { amount: { n: BigInt(0), d: BigInt(1) }, relative: false }, typedNumber.value, answerNumber.value);
      }
      return typedKey === key(answer);
    });
  }

  return { key: key, number: number, tolerance: tolerance, matches: matches };
})();
