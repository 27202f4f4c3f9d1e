// The quiz classroom client for browsers: plain JavaScript, no build step, nothing from
// elsewhere. It speaks the same JSON API and event stream as the terminal client
// (`quiz class join`): POST /api/join, GET /api/state, POST /api/answer, GET /api/events.
// Every text from the session is set with textContent (never as HTML).
"use strict";

(function () {
  const KEY = "quiz-class:" + location.host; // localStorage: {token, name, title, mode}
  const RATINGS = { 1: "Again", 2: "Hard", 3: "Good", 4: "Easy" };
  const $ = (id) => document.getElementById(id);

  let saved = load();
  let state = null; // the last StudentState
  let shownQuestion = null; // id of the question on screen
  let waitingNext = false; // self-paced: feedback shown, "Next" pending
  let deadline = null; // local clock time (ms) when the open question closes
  let streamAbort = null;
  let shownReveal = null; // what the revealed feedback on screen shows (result and bars)

  // A rule of the question type the answer does not meet yet (the study app's rules); the
  // message is shown and nothing is sent.
  class Notice extends Error {}

  function load() {
    try {
      return JSON.parse(localStorage.getItem(KEY) || "null");
    } catch (e) {
      return null;
    }
  }

  function save(value) {
    saved = value;
    if (value === null) localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, JSON.stringify(value));
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "text") node.textContent = v;
      else if (k === "class") node.className = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    }
    for (const c of children) if (c !== null && c !== undefined) node.append(c);
    return node;
  }

  function clear(id) {
    const node = $(id);
    node.replaceChildren();
    return node;
  }

  function info(text) {
    $("info").textContent = text;
  }

  async function api(method, path, body) {
    const headers = { Accept: "application/json" };
    if (saved && saved.token) headers.Authorization = "Bearer " + saved.token;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const resp = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
    });
    let data = null;
    try {
      data = await resp.json();
    } catch (e) {
      data = { error: "http_error", message: resp.status + " " + resp.statusText };
    }
    return { ok: resp.ok, status: resp.status, data };
  }

  // -- joining ------------------------------------------------------------------------

  function showJoin(message) {
    $("join").hidden = false;
    $("join-error").textContent = message || "";
    info("");
    clear("question");
    (saved && saved.name ? $("code") : $("name")).focus();
  }

  async function join(event) {
    event.preventDefault();
    const name = $("name").value.trim();
    const code = $("code").value.trim();
    if (!name || !code) return;
    $("join-button").disabled = true;
    try {
      const r = await api("POST", "/api/join", { name, code });
      if (!r.ok) {
        $("join-error").textContent =
          r.data.error === "bad_code"
            ? "Wrong join code: check it with your teacher and type it again."
            : r.data.message;
        return;
      }
      save({ token: r.data.student_token, name: r.data.name, title: r.data.title });
      $("join").hidden = true;
      follow();
    } catch (e) {
      $("join-error").textContent = "Could not reach the class: " + e;
    } finally {
      $("join-button").disabled = false;
    }
  }

  // -- following the session -------------------------------------------------------------

  async function follow() {
    if (streamAbort) streamAbort.abort();
    const abort = new AbortController();
    streamAbort = abort;
    while (!abort.signal.aborted && saved) {
      try {
        const resp = await fetch("/api/events", {
          headers: { Authorization: "Bearer " + saved.token, Accept: "text/event-stream" },
          signal: abort.signal,
          cache: "no-store",
        });
        if (resp.status === 401 || resp.status === 403) {
          let message = "Please join the session.";
          try {
            const body = await resp.json();
            if (body.error === "removed") message = body.message;
          } catch (e) {}
          save(null);
          showJoin(message);
          return;
        }
        if (!resp.ok) throw new Error(resp.status + " " + resp.statusText);
        await readEvents(resp.body, (event, data) => {
          if (event === "state") apply(JSON.parse(data));
        });
        if (state && state.phase === "ended") return;
      } catch (e) {
        if (abort.signal.aborted) return;
        info("Connection lost; reconnecting…");
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  // Server-sent events over fetch (EventSource cannot send the Authorization header).
  async function readEvents(body, onEvent) {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    let event = "message";
    let data = [];
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let nl;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl).replace(/\r$/, "");
        buffer = buffer.slice(nl + 1);
        if (line === "") {
          if (data.length) onEvent(event, data.join("\n"));
          event = "message";
          data = [];
        } else if (line.startsWith("event:")) {
          event = line.slice(6).trim();
        } else if (line.startsWith("data:")) {
          data.push(line.slice(5).replace(/^ /, ""));
        }
      }
    }
  }

  function status() {
    const s = state;
    if (!s) return;
    const parts = [s.title, s.name];
    if (s.index !== null && s.index !== undefined) parts.push(`question ${s.index + 1}/${s.total}`);
    parts.push(`score ${+s.score.toFixed(2)}`);
    if (deadline !== null && s.phase === "open") {
      parts.push(`${Math.max(0, Math.round((deadline - Date.now()) / 1000))} s left`);
    }
    $("status").textContent = parts.join(" · ");
  }

  function apply(s) {
    state = s;
    deadline = s.seconds_left === null ? null : Date.now() + s.seconds_left * 1000;
    $("title").textContent = s.title;
    status();
    if (s.mode === "self-paced" && waitingNext && s.phase === "open") return;
    const q = s.question;
    if (!q || q.id !== shownQuestion) {
      shownQuestion = q ? q.id : null;
      shownReveal = null;
      clear("question");
      clear("feedback");
      clear("dist");
      if (q && s.phase === "open" && !s.answered) renderQuestion(q);
      // After a reload the answer is no longer on screen: at least say which question the
      // message and the feedback are about.
      else if (q && ["open", "closed", "revealed"].includes(s.phase)) {
        $("question").append(el("p", { class: "prompt", text: q.prompt }));
      }
    }
    if (s.phase === "lobby") info("Joined. Waiting for the teacher to start…");
    else if (s.phase === "open") info(s.answered ? "Answer sent — waiting for the teacher." : "");
    else if (s.phase === "closed") {
      lock();
      info("This question is closed. Waiting for the teacher…");
    } else if (s.phase === "revealed" && q && s.revealed) {
      lock();
      // Drawn again when it changes: a typed answer the teacher accepts after the reveal
      // turns the verdict and the bars.
      const reveal = JSON.stringify([q.id, s.result, s.distribution]);
      if (reveal !== shownReveal) {
        shownReveal = reveal;
        if (s.result) showResult(s.revealed, s.result);
        else clear("feedback");
        if (s.distribution) showDistribution(s.distribution);
      }
      info(s.result ? "" : "You did not answer this one.");
    } else if (s.phase === "finished") {
      info(`You have finished: ${+s.score.toFixed(2)} / ${s.total}. Well done!`);
    } else if (s.phase === "ended") {
      info(`The session has ended. Your score: ${+s.score.toFixed(2)} / ${s.total}.`);
      if (s.review && s.mode === "self-paced") showReview(s.review);
    }
  }

  function lock() {
    for (const input of $("question").querySelectorAll("input, select, button")) {
      input.disabled = true;
    }
  }

  // -- questions ------------------------------------------------------------------------

  function renderQuestion(q) {
    const box = clear("question");
    box.append(el("p", { class: "prompt", text: q.prompt }));
    if (q.hint) box.append(el("p", { class: "hint", text: "Hint: " + q.hint }));
    const form = el("form", { id: "answer-form" });
    let collect;
    switch (q.type) {
      case "multiple_choice":
      case "multiple_select": {
        const multi = q.type === "multiple_select";
        const list = el("ul", { class: "options" });
        for (const c of q.choices) {
          const input = el("input", { type: multi ? "checkbox" : "radio", name: "choice" });
          input.value = c.id;
          list.append(el("li", {}, el("label", {}, input, el("span", { text: c.text }))));
        }
        form.append(list);
        collect = () => {
          const picked = [...list.querySelectorAll("input:checked")].map((i) => i.value);
          if (multi && !picked.length) throw new Notice("Tick at least one choice first.");
          if (multi) return picked;
          return picked.length ? picked[0] : undefined;
        };
        break;
      }
      case "true_false": {
        let value;
        const row = el("div", { class: "actions" });
        for (const [label, v] of [["True", true], ["False", false]]) {
          row.append(
            el("button", {
              type: "button",
              class: "secondary",
              text: label,
              onclick: () => {
                value = v;
                send(q, v);
              },
            }),
          );
        }
        form.append(row);
        collect = () => value;
        break;
      }
      case "short_answer":
      case "numeric": {
        const input = el("input", {
          id: "text-answer",
          autocomplete: "off",
          "aria-label": "Your answer",
        });
        if (q.type === "numeric") input.setAttribute("inputmode", "decimal");
        form.append(input);
        if (q.unit) form.append(el("span", { text: " " + q.unit }));
        collect = () => (input.value.trim() ? input.value.trim() : undefined);
        break;
      }
      case "cloze": {
        const p = el("p", { class: "cloze" });
        const inputs = [];
        q.segments.forEach((segment, i) => {
          p.append(document.createTextNode(segment));
          if (i < q.segments.length - 1) {
            const input = el("input", { autocomplete: "off", "aria-label": `Gap ${i + 1}` });
            inputs.push(input);
            p.append(input);
          }
        });
        form.append(p);
        let warned = "";
        collect = () => {
          const values = inputs.map((i) => i.value.trim());
          const empty = values.flatMap((v, i) => (v ? [] : [String(i + 1)])).join(", ");
          if (empty && empty !== warned) {
            warned = empty; // a second Send confirms, as Enter does in the terminal
            throw new Notice(`Gap ${empty} is empty: fill it in, or send again to submit.`);
          }
          return values;
        };
        break;
      }
      case "ordering": {
        const list = el("ol", { class: "order" });
        const move = (li, delta) => {
          const items = [...list.children];
          const at = items.indexOf(li) + delta;
          if (at < 0 || at >= items.length) return;
          if (delta < 0) list.insertBefore(li, items[at]);
          else list.insertBefore(items[at], li);
        };
        for (const item of q.items) {
          const li = el("li", {}, el("span", { text: item.text }));
          li.dataset.id = item.id;
          li.append(
            el("button", {
              type: "button",
              class: "secondary",
              text: "↑",
              "aria-label": "Move up",
              onclick: () => move(li, -1),
            }),
            el("button", {
              type: "button",
              class: "secondary",
              text: "↓",
              "aria-label": "Move down",
              onclick: () => move(li, 1),
            }),
          );
          list.append(li);
        }
        form.append(el("p", { text: "Put them in order (top first):" }), list);
        collect = () => [...list.children].map((li) => li.dataset.id);
        break;
      }
      case "matching": {
        const grid = el("div", { class: "pairs" });
        const selects = [];
        for (const left of q.lefts) {
          const select = el("select", { "aria-label": left.text });
          select.append(el("option", { value: "", text: "—" }));
          for (const right of q.rights) {
            const option = el("option", { text: right.text });
            option.value = right.id;
            select.append(option);
          }
          selects.push(select);
          grid.append(el("span", { text: left.text }), select);
        }
        form.append(grid);
        collect = () => {
          const missing = selects.filter((s) => s.value === "").length;
          if (missing) throw new Notice(`Pair every item first: ${missing} still without a match.`);
          return selects.map((s) => s.value);
        };
        break;
      }
      case "flashcard": {
        form.append(el("p", { text: "How well did you know it?" }));
        const row = el("div", { class: "actions" });
        for (const [n, label] of Object.entries(RATINGS)) {
          row.append(
            el("button", {
              type: "button",
              class: "secondary",
              text: `${n} ${label}`,
              onclick: () => send(q, Number(n)),
            }),
          );
        }
        form.append(row);
        collect = () => undefined;
        break;
      }
      default:
        form.append(el("p", { text: `This question type (${q.type}) cannot be shown.` }));
        collect = () => undefined;
    }
    if (!["true_false", "flashcard"].includes(q.type)) {
      form.append(
        el("div", { class: "actions" }, el("button", { type: "submit", text: "Send answer" })),
      );
    }
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      let answer;
      try {
        answer = collect();
      } catch (err) {
        if (!(err instanceof Notice)) throw err;
        info(err.message);
        return;
      }
      if (answer === undefined) {
        info("Choose or type an answer first.");
        return;
      }
      send(q, answer);
    });
    box.append(form);
    const first = form.querySelector("input, select, button");
    if (first) first.focus();
  }

  async function send(q, answer) {
    lock();
    let r;
    try {
      r = await api("POST", "/api/answer", { question_id: q.id, answer });
    } catch (e) {
      info("Could not send the answer: " + e);
      unlock();
      return;
    }
    if (!r.ok) {
      info("Not accepted: " + r.data.message);
      if (r.status === 422) unlock(); // a shape the student can fix
      return;
    }
    const resp = r.data;
    if (!resp.result) {
      info("Answer sent — waiting for the teacher.");
      return;
    }
    // Self-paced: right or wrong (with the key only in a practice session).
    waitingNext = true;
    if (resp.revealed) showResult(resp.revealed, resp.result);
    else showVerdict(resp.result);
    info("");
    const next = el("button", { id: "next", type: "button", text: "Next question" });
    next.addEventListener("click", async () => {
      waitingNext = false;
      const s = await api("GET", "/api/state");
      if (s.ok) {
        shownQuestion = null;
        apply(s.data);
      }
    });
    $("feedback").append(el("div", { class: "actions" }, next));
    next.focus();
  }

  function unlock() {
    for (const input of $("question").querySelectorAll("input, select, button")) {
      input.disabled = false;
    }
  }

  function verdictText(result) {
    if (result.outcome === "correct") return "✓ Correct";
    if (result.outcome === "partial") return `◐ Partly correct ${Math.round(result.score * 100)}%`;
    return "✗ Not right";
  }

  function showVerdict(result) {
    const box = clear("feedback");
    box.append(
      el("p", { class: "verdict " + result.outcome, text: verdictText(result) }),
      el("p", { text: "Your answer: " + result.your_answer }),
      el("p", { text: "The answers are shown when the session ends." }),
    );
  }

  function showResult(question, result, into) {
    const box = into || clear("feedback");
    box.append(el("p", { class: "verdict " + result.outcome, text: verdictText(result) }));
    box.append(el("p", { text: "Your answer: " + result.your_answer }));
    if (result.correct_answer) box.append(el("p", { text: "Right answer: " + result.correct_answer }));
    for (const line of result.feedback || []) box.append(el("p", { text: line }));
    if (result.note) box.append(el("p", { text: result.note }));
    if (result.explanation) box.append(el("p", { class: "hint", text: result.explanation }));
  }

  function showDistribution(rows) {
    const box = clear("dist");
    const total = Math.max(1, rows.reduce((n, r) => n + r.count, 0));
    for (const r of rows) {
      const fill = el("div", { class: "fill" });
      fill.style.width = `${(100 * r.count) / total}%`;
      box.append(
        el(
          "div",
          { class: "bar" + (r.correct ? " right" : "") },
          el("span", { text: (r.correct ? "✓ " : "") + r.label }),
          el("div", {}, fill),
          el("span", { text: String(r.count) }),
        ),
      );
    }
  }

  function showReview(items) {
    const box = clear("review");
    if (box.dataset.shown) return;
    box.dataset.shown = "1";
    clear("question");
    clear("feedback");
    for (const item of items) {
      const div = el("div", { class: "review-item" });
      div.append(el("p", { class: "prompt", text: item.question.prompt }));
      if (item.result) showResult(item.question, item.result, div);
      else div.append(el("p", { text: "(not answered)" }));
      box.append(div);
    }
  }

  // -- start ----------------------------------------------------------------------------

  async function start() {
    $("join").addEventListener("submit", join);
    setInterval(status, 1000);
    if (saved && saved.token) {
      try {
        const r = await api("GET", "/api/state");
        if (r.ok) {
          follow();
          return;
        }
        const message = r.data.error === "removed" ? r.data.message : "";
        if (saved.name) $("name").value = saved.name;
        save(null);
        showJoin(message);
        return;
      } catch (e) {
        info("Could not reach the class; reload to try again.");
        return;
      }
    }
    showJoin("");
  }

  start();
})();
