// Learning progress: what was actually played and read, sent in batches.
//
// Listens to the standard events of each lesson <video> (playing, pause, seeking,
// ratechange, ended) and to the story (steps shown; story:step / story:end /
// decision:made CustomEvents on [data-story]). Each event gets a UUID made here and
// goes first into localStorage, so nothing is lost offline or when the page
// closes; batches go to POST /api/progress/events on a timer, on pause, on page
// hide (fetch keepalive) and when the connection returns, with backoff on failure.
// The server ignores a repeated event id, so sending twice is always safe.

const QUEUE_KEY = "wkt.progress.queue";
const MAX_QUEUE = 3000;
const BATCH = 50;
const TICK_MS = window.WKT_PROGRESS_TICK_MS || 15000;
const FLUSH_MS = window.WKT_PROGRESS_FLUSH_MS || 20000;
const MAX_BACKOFF_MS = 5 * 60 * 1000;

const root = document.querySelector("[data-progress]");

function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// The queue lives in localStorage; if storage is blocked it lives in memory only.
let memoryQueue = [];
function load() {
  try {
    return JSON.parse(localStorage.getItem(QUEUE_KEY) || "[]");
  } catch {
    return memoryQueue;
  }
}
function save(queue) {
  memoryQueue = queue.slice(-MAX_QUEUE);
  try {
    localStorage.setItem(QUEUE_KEY, JSON.stringify(memoryQueue));
  } catch {
    /* full or blocked: the memory copy still gets sent while the page is open */
  }
}

function enqueue(event) {
  const queue = load();
  queue.push({ event_id: uuid(), client_time: new Date().toISOString(), ...event });
  save(queue);
}

// --- sending --------------------------------------------------------------------

const url = root?.dataset.progressUrl;
const csrf = root?.dataset.csrf;
let backoff = 0;
let retryTimer = null;
let sending = false;

async function flush({ keepalive = false } = {}) {
  if (!url || sending) return;
  const queue = load();
  if (!queue.length) return;
  const batch = queue.slice(0, BATCH);
  sending = true;
  try {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ events: batch }),
    });
    // Answered for good (stored, duplicate, conflict, gone, malformed): drop them.
    // Signed out (401/403) or server trouble: keep them for later.
    if (response.ok || [400, 404, 409].includes(response.status)) {
      const sent = new Set(batch.map((e) => e.event_id));
      save(load().filter((e) => !sent.has(e.event_id)));
      backoff = 0;
      root.dataset.progressSent = String(Number(root.dataset.progressSent || 0) + batch.length);
      if (load().length) setTimeout(() => flush(), 0);
    } else {
      throw new Error(String(response.status));
    }
  } catch {
    if (keepalive) return;
    backoff = Math.min(MAX_BACKOFF_MS, backoff ? backoff * 2 : 2000);
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => flush(), backoff + Math.random() * 1000);
  } finally {
    sending = false;
  }
}

// --- video ----------------------------------------------------------------------

function blockOf(el) {
  return el.closest("[data-block-id]")?.dataset.blockId || "";
}

function trackVideo(video) {
  const block = blockOf(video);
  const lesson = Number(root.dataset.lesson);
  let segStart = null; // media time where the current contiguous play began
  let wallStart = 0; // performance.now() at that moment
  let last = 0; // last media time seen while playing
  let timer = null;

  const base = (type) => ({
    lesson,
    type,
    block,
    position: Math.round(video.currentTime * 1000) / 1000,
    rate: video.playbackRate,
  });

  // Close the open segment at media time `end` and queue it as one event.
  const close = (type, end = video.currentTime) => {
    if (segStart === null) {
      if (type !== "tick") enqueue(base(type));
      return;
    }
    const wall = (performance.now() - wallStart) / 1000;
    const event = base(type);
    if (end > segStart) {
      event.played = {
        start: Math.round(segStart * 1000) / 1000,
        end: Math.round(end * 1000) / 1000,
      };
      event.wall_seconds = Math.round(wall * 1000) / 1000;
    }
    segStart = null;
    if (event.played || type !== "tick") enqueue(event);
  };
  const open = () => {
    segStart = video.currentTime;
    last = segStart;
    wallStart = performance.now();
  };
  const playing = () => !video.paused && !video.ended && video.readyState > 2;

  video.addEventListener("playing", () => {
    if (segStart === null) {
      enqueue(base("play"));
      open();
    }
    clearInterval(timer);
    timer = setInterval(() => {
      if (segStart === null || !playing()) return;
      close("tick");
      open();
    }, TICK_MS);
  });
  video.addEventListener("timeupdate", () => {
    if (segStart !== null && !video.seeking) last = video.currentTime;
  });
  // A stall (buffer empty offline) stops the clock: wall time without playing
  // would otherwise lower what the interval may credit.
  video.addEventListener("waiting", () => {
    if (segStart !== null) close("tick", last);
  });
  video.addEventListener("seeking", () => {
    if (segStart !== null) close("seek", last);
    else enqueue(base("seek"));
  });
  video.addEventListener("seeked", () => {
    if (playing()) open();
  });
  video.addEventListener("ratechange", () => {
    if (segStart !== null) {
      close("tick");
      open();
    }
  });
  video.addEventListener("pause", () => {
    clearInterval(timer);
    if (video.ended) return;
    close("pause");
    flush();
  });
  video.addEventListener("ended", () => {
    clearInterval(timer);
    close("ended", video.duration || video.currentTime);
    flush();
  });
  // Closing the page mid-play: what was played so far is queued first.
  addEventListener("pagehide", () => {
    if (segStart !== null) {
      close("tick");
      if (playing()) open();
    }
  });
  return () => {
    if (segStart !== null && playing()) {
      close("tick");
      open();
    }
  };
}

function applyResume() {
  const block = root.dataset.resumeBlock;
  const position = Number(root.dataset.resumePosition || 0);
  if (!block || !(position > 0)) return;
  const video = root.querySelector(`[data-block-id="${CSS.escape(block)}"] video`);
  if (!video) return;
  const start = Number(video.dataset.start || 0);
  const end = Number(video.dataset.end || 0) || Infinity;
  // Near the end there is nothing to resume: start again from the beginning.
  if (position > start + 2 && position < end - 3) {
    video.dataset.start = String(position);
    video.dataset.resumed = String(position);
  }
}

// --- story ----------------------------------------------------------------------

function trackStory(story) {
  const lesson = Number(root.dataset.lesson);
  const seen = new Set();
  let shownAt = performance.now();
  let ended = false;

  const step = (el) => {
    const block = el.dataset.blockId || "";
    if (el.dataset.step === "end") return end();
    if (!block || seen.has(block)) return;
    seen.add(block);
    const seconds = Math.round((performance.now() - shownAt) / 1000);
    shownAt = performance.now();
    enqueue({ lesson, type: "story_step", block, data: { seconds } });
  };
  const end = () => {
    if (ended) return;
    ended = true;
    const seconds = Math.round((performance.now() - shownAt) / 1000);
    enqueue({ lesson, type: "story_end", block: "end", data: { seconds } });
    flush();
  };
  const visible = (el) => !el.hidden && el.offsetParent !== null;
  const steps = () => [...story.querySelectorAll(":scope > [data-step]")];

  new MutationObserver((changes) => {
    for (const change of changes) {
      const el = change.target;
      if (el.parentElement === story && el.dataset.step && visible(el)) step(el);
    }
  }).observe(story, { attributes: true, attributeFilter: ["hidden"], subtree: true });
  story.addEventListener("story:step", (e) => {
    const el = e.target.closest?.("[data-step]") || e.target;
    if (el?.dataset?.step) step(el);
  });
  story.addEventListener("story:end", end);
  story.addEventListener("decision:made", (e) => {
    const d = e.detail || {};
    enqueue({
      lesson,
      type: "decision",
      block: String(d.decision_id || ""),
      data: { option_index: d.option_index ?? null },
    });
  });
  // Steps already shown when the page opens (resumed, or story.js ready first).
  const mark = () => steps().filter(visible).forEach(step);
  if (story.hasAttribute("data-story-ready")) mark();
  else
    new MutationObserver((_c, observer) => {
      if (!story.hasAttribute("data-story-ready")) return;
      observer.disconnect();
      mark();
    }).observe(story, { attributes: true, attributeFilter: ["data-story-ready"] });
}

// --- practice task ---------------------------------------------------------------

function practiceForm(form) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": csrf },
        body: new FormData(form),
      });
      if (!response.ok) throw new Error(String(response.status));
      button?.remove();
      form.querySelector(".practice-done").hidden = false;
    } catch {
      if (button) button.disabled = false;
      form.submit();
    }
  });
}

// --- start -------------------------------------------------------------------------

if (root) {
  applyResume();
  const tickers = [...root.querySelectorAll("[data-step] video")].map(trackVideo);
  const story = root.querySelector("[data-story]");
  if (story) trackStory(story);
  root.querySelectorAll("[data-practice-form]").forEach(practiceForm);
  // Steps that arrive after a choice (story.js) may hold videos and the end card.
  document.addEventListener("story:steps", (event) =>
    (event.detail?.steps || []).forEach((step) => {
      step.querySelectorAll("video").forEach((v) => tickers.push(trackVideo(v)));
      step.querySelectorAll("[data-practice-form]").forEach(practiceForm);
    }),
  );
  setInterval(() => flush(), FLUSH_MS);
  addEventListener("online", () => {
    backoff = 0;
    flush();
  });
  addEventListener("pagehide", () => flush({ keepalive: true }));
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") {
      tickers.forEach((t) => t());
      flush({ keepalive: true });
    }
  });
  root.dataset.progressReady = "";
  flush(); // whatever an earlier visit left unsent
}
