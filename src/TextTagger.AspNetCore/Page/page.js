// The moderation page: calls the public API only (/v1/labels, /v1/predict, /v1/explain, /v1/predict/file).
"use strict";

const $ = id => document.getElementById(id);
let model = null;   // GET /v1/labels
const Noticeable = 0.01;   // a word's score (probability it adds) worth a highlight

/** The API's problem details as one sentence; a network failure as "the service is not answering". */
async function call(path, init = {}) {
  let response;
  const key = sessionStorage.getItem("apiKey");
  if (key) init.headers = { ...(init.headers || {}), "X-Api-Key": key };
  try {
    response = await fetch(path, init);
  } catch {
    throw new Error("The service is not answering: is texttagger serve still running?");
  }
  if (response.ok) return response;
  let problem = {};
  try { problem = await response.json(); } catch { /* not problem details */ }
  // The API names texts by request index (texts[0]); the page's user knows them as comments 1, 2, …
  const detail = (problem.detail || response.statusText || "no detail").replace(/texts\[(\d+)\]/g, (_, i) => `comment ${+i + 1}`);
  if (response.status === 401) {
    $("key-box").hidden = false;
    $("api-key").focus();
    throw new Error(`An API key is needed (401): ${detail}. Enter it above and try again.`);
  }
  if (response.status === 503) throw new Error(`The service is busy (503): try again in ${response.headers.get("Retry-After") || "a few"} s.`);
  if (response.status === 413) throw new Error(`Too long (413): ${detail}`);
  if (response.status === 400) throw new Error(`The request was refused (400): ${detail}`);
  throw new Error(`${problem.title || "Error"} (${response.status}): ${detail}`);
}

const postJson = (path, body) =>
  call(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }).then(r => r.json());

function showError(box, error) {
  box.textContent = error ? error.message : "";
  box.hidden = !error;
}

const format = p => p.toFixed(3);

/** " (precision:0.9 on the tune rows: P 0.912, R 0.550)" when the server says how a label's threshold was chosen. */
function ruleText(label) {
  const rule = model && model.rules && model.rules[label];
  if (!rule) return "";
  const measured = rule.tunePrecision == null || rule.tuneRecall == null ? "" : `: P ${format(rule.tunePrecision)}, R ${format(rule.tuneRecall)}`;
  return ` (${rule.policy}${rule.targetReached ? "" : " not reached, F1 chose"} on the tune rows${measured})`;
}

async function loadModel() {
  try {
    model = await (await call("v1/labels")).json();
    $("model").textContent = `Model ${model.model} (${model.engine} ${model.precision}, ${model.maxTokens == null ? "reads whole texts" : `up to ${model.maxTokens} tokens per text`}) — ` +
      model.labels.map(l => `${l} ≥ ${format(model.thresholds[l])}${ruleText(l)}`).join(", ");
    $("file-limit").textContent = `This server scores files of up to ${model.maxFileTexts.toLocaleString("en")} comments.`;
  } catch (error) {
    $("model").textContent = error.message;
  }
}

/** One result card: the text (highlighted once explained), its tags, a bar per label with the threshold marked. */
function card(text, prediction) {
  const article = document.createElement("article");
  article.className = "result";
  const shown = document.createElement("p");
  shown.className = "text";
  shown.textContent = text;
  const tags = document.createElement("p");
  tags.className = "tags";
  if (prediction.tags.length === 0) tags.innerHTML = '<span class="none">No tags</span>';
  for (const tag of prediction.tags) {
    const chip = document.createElement("span");
    chip.className = "tag";
    chip.textContent = tag;
    tags.append(chip);
  }
  const why = document.createElement("p");
  why.className = "why";
  why.setAttribute("aria-live", "polite");
  const bars = document.createElement("ul");
  bars.className = "bars";
  for (const label of model.labels) {
    const p = prediction.probabilities[label], threshold = model.thresholds[label];
    const row = document.createElement("li");
    row.className = "bar-row" + (prediction.tags.includes(label) ? " tagged" : "");
    row.dataset.label = label;
    row.dataset.probability = String(p);
    const name = document.createElement("button");
    name.type = "button";
    name.className = "label";
    name.textContent = label;
    name.setAttribute("aria-pressed", "false");
    name.title = `Highlight the words behind ${label}`;
    const bar = document.createElement("div");
    bar.className = "bar";
    bar.setAttribute("role", "meter");
    bar.setAttribute("aria-label", `${label} probability`);
    bar.setAttribute("aria-valuemin", "0");
    bar.setAttribute("aria-valuemax", "1");
    bar.setAttribute("aria-valuenow", String(p));
    const fill = document.createElement("div");
    fill.className = "fill";
    fill.style.width = `${(100 * p).toFixed(2)}%`;
    const mark = document.createElement("div");
    mark.className = "threshold";
    mark.style.left = `${(100 * threshold).toFixed(2)}%`;
    mark.title = `threshold ${format(threshold)}${ruleText(label)}`;
    bar.append(fill, mark);
    const value = document.createElement("span");
    value.className = "value";
    value.textContent = format(p);
    row.append(name, bar, value);
    bars.append(row);
  }
  article.append(shown, tags, why, bars);
  return article;
}

/** Marks the words behind one label: red for words that raised it, blue for words that lowered it. */
function highlight(article, text, explanation, label) {
  for (const button of article.querySelectorAll(".bar-row .label"))
    button.setAttribute("aria-pressed", String(button.textContent === label));
  const shown = article.querySelector(".text"), why = article.querySelector(".why");
  const scores = explanation.words.map(w => w.scores[label]);
  // Shades are on an absolute scale (a fifth of the probability or the strongest word, whichever is larger): in a
  // harmless text, words that move a label by 0.001 stay plain instead of lighting up as the "strongest".
  const scale = Math.max(0.2, ...scores.map(Math.abs));
  shown.replaceChildren();
  let at = 0;
  explanation.words.forEach((word, i) => {
    shown.append(text.slice(at, word.start));
    const score = scores[i], strength = Math.abs(score) / scale;
    if (Math.abs(score) < Noticeable) {
      shown.append(text.substr(word.start, word.length));
    } else {
      const mark = document.createElement("mark");
      mark.textContent = text.substr(word.start, word.length);
      mark.dataset.score = String(score);
      mark.title = `${label} ${score >= 0 ? "+" : ""}${score.toFixed(3)}`;
      mark.style.backgroundColor = score > 0 ? `rgba(220, 38, 38, ${(0.15 + 0.6 * strength).toFixed(2)})`
                                             : `rgba(37, 99, 235, ${(0.1 + 0.35 * strength).toFixed(2)})`;
      shown.append(mark);
    }
    at = word.start + word.length;
  });
  shown.append(text.slice(at));
  const top = explanation.words.map((w, i) => ({ w, s: scores[i] })).filter(x => x.s >= Noticeable).sort((a, b) => b.s - a.s).slice(0, 5);
  why.textContent = top.length === 0 ? `No word raises ${label} by ${Noticeable} or more.`
    : `Words behind ${label}: ` + top.map(x => `${x.w.text} (+${x.s.toFixed(3)})`).join(", ") +
      (explanation.truncated ? ` — only the first ${explanation.words.length} words fit the model's token limit.` : "");
}

function defaultLabel(prediction) {
  if (prediction.tags.length > 0) return prediction.tags[0];
  return model.labels.reduce((a, b) => prediction.probabilities[b] > prediction.probabilities[a] ? b : a);
}

async function check(event) {
  event?.preventDefault();
  const box = $("texts-error"), results = $("results"), button = $("check");
  showError(box, null);
  const raw = $("texts").value;
  const texts = $("per-line").checked ? raw.split(/\r?\n/).filter(t => t.trim() !== "") : (raw.trim() === "" ? [] : [raw]);
  if (texts.length === 0) { showError(box, new Error("Type or paste a comment first.")); $("texts").focus(); return; }
  if (!model) await loadModel();
  if (!model) { showError(box, new Error($("model").textContent)); return; }
  button.disabled = true;
  results.setAttribute("aria-busy", "true");
  try {
    const predicted = await postJson("v1/predict", { texts });
    const cards = texts.map((t, i) => card(t, predicted.predictions[i]));
    results.replaceChildren(...cards);
    if ($("explain").checked) {
      const status = document.createElement("p");
      status.className = "status";
      status.textContent = "Finding the words behind each label…";
      results.prepend(status);
      try {
        const explained = await postJson("v1/explain", { texts });
        explained.explanations.forEach((explanation, i) => {
          const article = cards[i];
          for (const button of article.querySelectorAll(".bar-row .label"))
            button.addEventListener("click", () => highlight(article, texts[i], explanation, button.textContent));
          highlight(article, texts[i], explanation, defaultLabel(predicted.predictions[i]));
        });
        status.remove();
      } catch (error) {
        status.textContent = `No word highlights: ${error.message}`;
      }
    }
  } catch (error) {
    results.replaceChildren();
    showError(box, error);
  } finally {
    button.disabled = false;
    results.removeAttribute("aria-busy");
  }
}

async function scoreFile(event) {
  event.preventDefault();
  const box = $("file-error"), result = $("file-result"), button = $("score");
  showError(box, null);
  const file = $("file").files[0];
  if (!file) { showError(box, new Error("Choose a CSV or TXT file first.")); $("file").focus(); return; }
  const csv = /\.csv$/i.test(file.name) || file.type === "text/csv";
  const query = new URLSearchParams({ name: file.name, textColumn: $("text-column").value.trim() || "comment_text" });
  button.disabled = true;
  result.textContent = `Scoring ${file.name}…`;
  try {
    const response = await call(`v1/predict/file?${query}`,
      { method: "POST", headers: { "Content-Type": csv ? "text/csv" : "text/plain" }, body: file });
    const scored = await response.text();
    const name = file.name.replace(/\.[^.]*$/, "") + ".scored.csv";
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([scored], { type: "text/csv" }));
    link.download = name;
    link.id = "download";
    link.textContent = `Download ${name} (${response.headers.get("X-Texts-Scored")} comments scored)`;
    result.replaceChildren(link, preview(scored));
  } catch (error) {
    result.replaceChildren();
    showError(box, error);
  } finally {
    button.disabled = false;
  }
}

/** The first rows of the scored CSV as a table (its fields hold no line breaks: ids, numbers and tags). */
function preview(scored) {
  const table = document.createElement("table");
  const lines = scored.split("\n").filter(l => l !== "").slice(0, 6);
  lines.forEach((line, i) => {
    const row = table.insertRow();
    for (const field of line.split(",")) {
      const cell = document.createElement(i === 0 ? "th" : "td");
      const value = field.replace(/^"(.*)"$/, "$1");
      // Probabilities in full precision are for the file; three decimals are for reading.
      cell.textContent = i > 0 && /^[0-9.eE+-]+$/.test(value) && value.includes(".") ? Number(value).toFixed(3) : value;
      row.append(cell);
    }
  });
  table.setAttribute("aria-label", "First rows of the scored file");
  return table;
}

function selectTab(tab) {
  for (const other of document.querySelectorAll("[role=tab]")) {
    const selected = other === tab;
    other.setAttribute("aria-selected", String(selected));
    other.tabIndex = selected ? 0 : -1;
    $(other.getAttribute("aria-controls")).hidden = !selected;
  }
  tab.focus();
}

document.addEventListener("DOMContentLoaded", () => {
  if (sessionStorage.getItem("apiKey")) { $("key-box").hidden = false; $("api-key").value = sessionStorage.getItem("apiKey"); }
  $("api-key").addEventListener("change", () => { sessionStorage.setItem("apiKey", $("api-key").value.trim()); loadModel(); });
  loadModel();
  $("texts-form").addEventListener("submit", check);
  $("texts").addEventListener("keydown", e => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) check(e); });
  $("file-form").addEventListener("submit", scoreFile);
  const tabs = [...document.querySelectorAll("[role=tab]")];
  for (const tab of tabs) {
    tab.addEventListener("click", () => selectTab(tab));
    tab.addEventListener("keydown", e => {
      const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
      if (step) selectTab(tabs[(tabs.indexOf(tab) + step + tabs.length) % tabs.length]);
    });
  }
});
