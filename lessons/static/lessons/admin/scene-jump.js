// The decision option's 跳转到场景 as a select of the script's scenes.
//
// Each input[data-scene-jump] (lessons/scene_jump.py) stays in the form as a
// hidden input holding the scene name; a select beside it lists the scenes the
// script has when the select is opened (scenes are added, renamed and deleted
// while writing), with "no jump" first. A saved name that is no longer a scene
// stays selected and says so, until the trainer picks another.
(function () {
  "use strict";

  function currentScenes(form) {
    var scenes = [];
    form.querySelectorAll('input[name$="-value-anchor"]').forEach(function (input) {
      var prefix = input.name.slice(0, -"-value-anchor".length);
      var deleted = form.querySelector('input[name="' + prefix + '-deleted"]');
      if (deleted && deleted.value === "1") return;
      var name = input.value.trim();
      if (!name) return;
      var title = form.querySelector('[name="' + prefix + '-value-title"]');
      scenes.push({ name: name, title: title ? title.value.trim() : "" });
    });
    return scenes;
  }

  function fill(select, input) {
    var form = input.form || document;
    var value = input.value.trim();
    var scenes = currentScenes(form);
    select.textContent = "";
    select.add(new Option(input.dataset.sceneJumpNone, ""));
    var found = value === "";
    scenes.forEach(function (scene) {
      var label = scene.title ? scene.name + "：" + scene.title : scene.name;
      select.add(new Option(label, scene.name));
      if (scene.name === value) found = true;
    });
    if (!found) {
      select.add(new Option(value + input.dataset.sceneJumpMissing, value));
    }
    select.value = value;
  }

  function enhance(input) {
    if (input.dataset.sceneJumpReady) return;
    input.dataset.sceneJumpReady = "1";
    var select = document.createElement("select");
    select.className = "scene-jump-select";
    // The field's <label for> points at the select, which the trainer uses.
    select.id = input.id;
    input.id = input.id + "-value";
    input.type = "hidden";
    input.after(select);
    fill(select, input);
    ["focus", "mousedown", "keydown"].forEach(function (event) {
      select.addEventListener(event, function () {
        if (event !== "keydown" || document.activeElement !== select) fill(select, input);
      });
    });
    select.addEventListener("change", function () {
      input.value = select.value;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  function enhanceAll(root) {
    if (root.matches && root.matches("input[data-scene-jump]")) enhance(root);
    if (root.querySelectorAll) root.querySelectorAll("input[data-scene-jump]").forEach(enhance);
  }

  function start() {
    enhanceAll(document);
    new MutationObserver(function (mutations) {
      mutations.forEach(function (mutation) {
        mutation.addedNodes.forEach(enhanceAll);
      });
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
