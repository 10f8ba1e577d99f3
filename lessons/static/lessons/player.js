// Lesson video player. Nothing of a video loads before its story step is on screen;
// then only its poster and captions, and the video itself once play is pressed.
// Delivery is what was fastest on weak 4G (bench/lesson_page.py): a short video
// (data-delivery="mp4", chosen by lessons/delivery.py) plays its faststart MP4
// directly, with no player library; a long one streams the HLS ladder through
// hls.js (a static file from npm, never a CDN), which a phone on a good link
// fetches in the background once the page is idle. The MP4 is also every fallback.
// Captions on/off and the playback speed are remembered on the phone.
// The <video> element and its standard events are left alone for other modules.

const CAPTIONS_KEY = "wkt.captions";
const RATE_KEY = "wkt.rate";
const MP4_CODECS = 'video/mp4; codecs="avc1.42E01E,mp4a.40.2"';
const GOOD_DOWNLINK_MBPS = 2;

function remembered(key, fallback) {
  try {
    return localStorage.getItem(key) ?? fallback;
  } catch {
    return fallback; // storage blocked (private mode, some in-app browsers)
  }
}

function remember(key, value) {
  try {
    localStorage.setItem(key, value);
  } catch {
    /* not remembered: the control still works for this page */
  }
}

// What the phone knows about its connection (Chrome and Android WebViews do; Safari
// does not). Emulated and real weak links often still report effectiveType "4g",
// so a measured downlink under 1 Mbit/s counts as slow too.
function network() {
  const c = navigator.connection;
  if (!c) return { slow: false, good: false, downlinkBps: 0 };
  const slow =
    Boolean(c.saveData) ||
    ["slow-2g", "2g", "3g"].includes(c.effectiveType) ||
    (c.downlink > 0 && c.downlink < 1);
  // Good enough to spend ~120 KB on hls.js before the learner asks for it.
  const good = !slow && c.effectiveType === "4g" && c.downlink >= GOOD_DOWNLINK_MBPS;
  return { slow, good, downlinkBps: (c.downlink || 0) * 1e6 };
}

function mseSupported() {
  const MS = window.ManagedMediaSource || window.MediaSource;
  return Boolean(MS && MS.isTypeSupported && MS.isTypeSupported(MP4_CODECS));
}

let hlsLoading;
function loadHls(src) {
  if (window.Hls) return Promise.resolve(window.Hls);
  hlsLoading ??= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.onload = () => (window.Hls ? resolve(window.Hls) : reject());
    script.onerror = reject;
    document.head.append(script);
  });
  return hlsLoading;
}

function captionTracks(video) {
  return [...video.textTracks].filter(
    (t) => t.kind === "captions" || t.kind === "subtitles",
  );
}

// Tracks have no "default": the browser fetches a caption file only once its
// track is turned on, which happens here when the video's step is reached.
function setupCaptions(figure, video) {
  const button = figure.querySelector("[data-captions]");
  const tracks = captionTracks(video);
  if (!button || !tracks.length) return;
  const apply = (on) => {
    tracks.forEach((t, i) => (t.mode = on && i === 0 ? "showing" : "disabled"));
    button.setAttribute("aria-pressed", String(on));
  };
  apply(remembered(CAPTIONS_KEY, "on") === "on");
  button.hidden = false;
  button.addEventListener("click", () => {
    const on = button.getAttribute("aria-pressed") !== "true";
    apply(on);
    remember(CAPTIONS_KEY, on ? "on" : "off");
  });
  // The native controls' caption menu changes tracks too: keep button and memory true.
  video.textTracks.addEventListener("change", () => {
    const on = tracks.some((t) => t.mode === "showing");
    button.setAttribute("aria-pressed", String(on));
    remember(CAPTIONS_KEY, on ? "on" : "off");
  });
}

function setupSpeed(figure, video) {
  const select = figure.querySelector("[data-speed]");
  if (!select) return;
  const apply = (rate) => {
    video.defaultPlaybackRate = rate;
    video.playbackRate = rate;
  };
  const saved = remembered(RATE_KEY, "1");
  if ([...select.options].some((o) => o.value === saved)) select.value = saved;
  apply(Number(select.value));
  select.closest("[data-speed-control]").hidden = false;
  select.addEventListener("change", () => {
    apply(Number(select.value));
    remember(RATE_KEY, select.value);
  });
}

function useMp4(video, start) {
  const at = video.currentTime || start;
  video.src = video.dataset.mp4 + (at ? `#t=${at}` : "");
  video.dataset.engine = "mp4";
}

async function attach(figure, video) {
  const hlsUrl = video.dataset.hls;
  const start = Number(video.dataset.start || 0);
  // lessons/delivery.py chose by the video's length; no MP4 means the ladder.
  if (video.dataset.delivery === "mp4" && video.dataset.mp4) {
    useMp4(video, start);
    return;
  }
  if (hlsUrl && mseSupported()) {
    try {
      const Hls = await loadHls(figure.dataset.hlsSrc);
      if (Hls.isSupported()) {
        const { slow, downlinkBps } = network();
        const config = {
          startLevel: slow ? 0 : -1,
          // hls.js would otherwise fetch a whole lowest-rung segment only to
          // measure bandwidth, then discard it: seconds lost on a weak link.
          testBandwidth: false,
          capLevelToPlayerSize: true,
          startPosition: start || -1,
        };
        // Half the phone's own estimate: start a rung low and let ABR climb, since
        // the first frame waits for a whole segment of the starting rung.
        if (downlinkBps) config.abrEwmaDefaultEstimate = downlinkBps / 2;
        const hls = new Hls(config);
        hls.on(Hls.Events.ERROR, (_event, data) => {
          if (!data.fatal) return;
          hls.destroy();
          useMp4(video, start);
          video.play().catch(() => {});
        });
        hls.loadSource(hlsUrl);
        hls.attachMedia(video);
        video.dataset.engine = "hls.js";
        video.dataset.startLevel = slow ? "0" : "auto";
        return;
      }
    } catch {
      /* hls.js did not load: fall through to native HLS or the MP4 */
    }
  }
  if (hlsUrl && video.canPlayType("application/vnd.apple.mpegurl")) {
    video.src = hlsUrl;
    if (start) video.addEventListener("loadedmetadata", () => (video.currentTime = start), { once: true });
    video.dataset.engine = "native";
  } else {
    useMp4(video, start);
  }
}

// Calls back once the figure is on screen (or nearly): a story's hidden steps are
// display:none and never intersect, so a later video waits for its step.
function whenReached(figure, callback) {
  let done = false;
  const reach = () => {
    if (done) return;
    done = true;
    callback();
  };
  if (!("IntersectionObserver" in window)) {
    reach();
    return reach;
  }
  const observer = new IntersectionObserver(
    (entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      observer.disconnect();
      reach();
    },
    { rootMargin: "200px 0px" },
  );
  observer.observe(figure);
  return reach;
}

function prefetchHlsWhenIdle() {
  const wanted = [...document.querySelectorAll("[data-player]")].find((figure) => {
    const video = figure.querySelector("video");
    return video && video.dataset.delivery === "hls";
  });
  if (!wanted || !network().good || !mseSupported()) return;
  const idle = window.requestIdleCallback || ((fn) => setTimeout(fn, 1000));
  const start = () =>
    idle(() =>
      loadHls(wanted.dataset.hlsSrc).catch(() => {
        hlsLoading = undefined; // try again when play is pressed
      }),
    );
  if (document.readyState === "complete") start();
  else window.addEventListener("load", start, { once: true });
}

function setup(figure) {
  const video = figure.querySelector("video");
  const play = figure.querySelector("[data-play]");
  if (!video || !play) return;
  // Without JavaScript the <video> plays its MP4 <source> with native controls;
  // with it, nothing loads until play is pressed, and then the chosen engine does.
  video.querySelectorAll("source").forEach((s) => s.remove());
  video.controls = false;
  play.hidden = false;
  const reach = whenReached(figure, () => {
    // On a weak link the poster (tens of KB) would delay everything else.
    if (video.dataset.poster && !video.poster && !network().slow) {
      video.poster = video.dataset.poster;
    }
    setupCaptions(figure, video);
    figure.dataset.reached = "";
  });
  setupSpeed(figure, video);
  const end = Number(video.dataset.end || 0);
  if (end) {
    video.addEventListener("timeupdate", () => {
      if (video.currentTime >= end) video.pause();
    });
  }
  play.addEventListener(
    "click",
    async () => {
      reach();
      play.hidden = true;
      video.controls = true;
      await attach(figure, video);
      video.playbackRate = video.defaultPlaybackRate;
      video.play().catch(() => {});
      video.focus();
    },
    { once: true },
  );
}

document.querySelectorAll("[data-player]").forEach(setup);
prefetchHlsWhenIdle();

// Steps the story adds after a choice (see story.js) may hold players too.
document.addEventListener("story:steps", (event) =>
  event.detail.steps.forEach((step) =>
    step.querySelectorAll("[data-player]").forEach(setup),
  ),
);
