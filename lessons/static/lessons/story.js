// Lesson story: reveals the script one step at a time ("继续"), and at a decision
// posts the learner's choice to the server; only the server's answer carries the
// consequence, so the choice is stored before it is shown. Without JavaScript the
// whole script is visible and each decision is an ordinary form POST.

function csrfToken(form) {
  return form.querySelector("input[name=csrfmiddlewaretoken]")?.value ?? "";
}

function renderOutcome(region, outcome) {
  const rating = document.createElement("p");
  rating.className = `rating rating--${outcome.rating}`;
  rating.textContent = outcome.rating_label;
  const text = document.createElement("p");
  text.textContent = outcome.consequence;
  region.replaceChildren(rating, text);
  if (outcome.option_index !== outcome.first_option_index) {
    const first = document.createElement("p");
    first.className = "first-choice";
    first.dataset.firstChoice = "";
    first.textContent = region.dataset.firstTemplate
      .replace("%(number)s", String(outcome.first_option_index + 1))
      .replace("%(rating)s", outcome.first_rating_label);
    region.append(first);
  }
}

function initStory(root) {
  const steps = [...root.querySelectorAll(":scope > [data-step]")];
  const nav = document.querySelector("[data-story-nav]");
  const next = nav?.querySelector("[data-story-next]");
  if (!steps.length || !next) return;
  let cursor = 0;
  let jumpTo = null; // anchor of the scene the last decision branches to

  const isOpenDecision = (step) =>
    step.dataset.step === "decision" && !step.querySelector("[data-chosen]");

  const updateNav = () => {
    const atEnd = cursor >= steps.length - 1 && !jumpTo;
    nav.hidden = atEnd || isOpenDecision(steps[cursor]);
  };

  const reveal = (index, { focus = true } = {}) => {
    cursor = index;
    const step = steps[index];
    step.hidden = false;
    if (focus) {
      step.focus({ preventScroll: true });
      step.scrollIntoView({ block: "start", behavior: "smooth" });
    }
    updateNav();
  };

  // Start at the first step, or after the last decision this learner already made.
  let resumeAt = 0;
  steps.forEach((step, i) => {
    if (step.querySelector("[data-chosen]")) resumeAt = i;
  });
  steps.forEach((step, i) => {
    step.tabIndex = -1;
    step.hidden = i > resumeAt;
  });
  // A decision made on an earlier visit still leads where it led then.
  jumpTo = steps[resumeAt].querySelector("[data-chosen]")?.dataset.jumpTo || null;
  reveal(resumeAt, { focus: false });
  root.dataset.storyReady = "";

  next.addEventListener("click", () => {
    if (jumpTo) {
      const target = steps.findIndex((s) => s.dataset.anchor === jumpTo);
      jumpTo = null;
      if (target >= 0) return reveal(target);
    }
    if (cursor < steps.length - 1) reveal(cursor + 1);
  });

  root.querySelectorAll("form[data-decision-url]").forEach((form) => {
    const region = form.querySelector("[data-outcome]");
    const error = form.querySelector("[data-error]");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const picked = form.querySelector("input[name=option_index]:checked");
      if (!picked) return;
      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      error.hidden = true;
      try {
        const response = await fetch(form.dataset.decisionUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: {
            "Content-Type": "application/json",
            "X-CSRFToken": csrfToken(form),
          },
          body: JSON.stringify({
            decision_id: form.dataset.decisionId,
            option_index: Number(picked.value),
          }),
        });
        if (!response.ok) throw new Error(String(response.status));
        const outcome = await response.json();
        renderOutcome(region, outcome);
        region.dataset.chosen = "";
        const note = form.querySelector("[data-decision-note]");
        if (note) note.hidden = false;
        region.scrollIntoView({ block: "nearest", behavior: "smooth" });
        if (button.dataset.changeLabel) button.textContent = button.dataset.changeLabel;
        const step = form.closest("[data-step]");
        if (steps[cursor] === step) jumpTo = outcome.jump_to || null;
        updateNav();
      } catch {
        error.hidden = false;
      } finally {
        button.disabled = false;
      }
    });
  });
}

const root = document.querySelector("[data-story]");
if (root) initStory(root);
