// Loaded in <head>, before the story renders: hide later story steps until
// story.js arrives (no flash of the whole script on a slow link); show everything
// if it never does. A file rather than inline, for the Content-Security-Policy.
document.documentElement.classList.add("js");
setTimeout(function () {
  if (!document.querySelector("[data-story-ready]"))
    document.documentElement.classList.remove("js");
}, 8000);
