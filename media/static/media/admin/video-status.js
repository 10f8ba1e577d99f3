// Refreshes transcode status labels ([data-video-id]) while a video is queued or
// processing, from the admin status endpoint given by [data-video-status-url].
(function () {
  "use strict";
  var root = document.querySelector("[data-video-status-url]");
  if (!root) return;
  var url = root.getAttribute("data-video-status-url");
  var reloadWhenDone = root.hasAttribute("data-video-status-reload");
  var busy = { queued: true, processing: true };

  function pending() {
    return Array.prototype.filter.call(
      document.querySelectorAll("[data-video-id]"),
      function (el) { return busy[el.getAttribute("data-video-status")]; }
    );
  }

  function render(el, video) {
    var changed = el.getAttribute("data-video-status") !== video.status;
    el.setAttribute("data-video-status", video.status);
    el.textContent = video.label + (video.status === "processing" ? " " + video.progress + "%" : "");
    if (video.status === "failed" && video.error) el.title = video.error;
    return changed;
  }

  function poll() {
    var els = pending();
    if (!els.length) return;
    var query = els.map(function (el) {
      return "id=" + encodeURIComponent(el.getAttribute("data-video-id"));
    }).join("&");
    fetch(url + "?" + query, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { videos: [] }; })
      .then(function (data) {
        var finished = false;
        data.videos.forEach(function (video) {
          els.forEach(function (el) {
            if (el.getAttribute("data-video-id") === String(video.id) && render(el, video)) {
              finished = finished || !busy[video.status];
            }
          });
        });
        if (finished && reloadWhenDone) { window.location.reload(); return; }
        window.setTimeout(poll, 3000);
      })
      .catch(function () { window.setTimeout(poll, 10000); });
  }

  window.setTimeout(poll, 3000);
})();
