// Lesson story: reveals the learner's path one step at a time ("继续"). The page
// holds the path only up to the first decision still to be made; choosing posts to
// the decision API, whose answer carries the consequence and the steps the choice
// leads to, so no branch reaches the browser before the choice is stored. In a
// trainer's preview the outcomes come from <template> elements and nothing is
// posted. Without JavaScript each decision is an ordinary form POST and the page
// comes back with the chosen branch.
//
// Other modules hook in through events dispatched on the [data-story] element:
//   story:step    {index, step}     a step was revealed (also the resumed one)
//   story:steps   {steps}           steps were added after a choice (new players…)
//   decision:made {outcome, preview, form}  a choice was stored (or previewed)
//   story:end     {}                the last step of the path is showing

const reducedMotion = () =>
  window.matchMedia("(prefers-reduced-motion: reduce)").matches;

function csrfToken(form) {
  return form.querySelector("input[name=csrfmiddlewaretoken]")?.value ?? "";
}

function fragmentOf(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  return template.content;
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

// The decision API: the outcome and the continuation, after the choice is stored.
async function postChoice(form, optionIndex) {
  const response = await fetch(form.dataset.decisionUrl, {
    method: "POST",
    credentials: "same-origin",
    headers: {
      "Content-Type": "application/json",
      "X-CSRFToken": csrfToken(form),
    },
    body: JSON.stringify({
      decision_id: form.dataset.decisionId,
      option_index: optionIndex,
    }),
  });
  if (!response.ok) throw new Error(String(response.status));
  const outcome = await response.json();
  return { outcome, steps: fragmentOf(outcome.continuation) };
}

// A trainer's preview: the same answer, read from the page; nothing is stored.
function previewChoice(form, optionIndex) {
  const key = `${form.dataset.decisionId}:${optionIndex}`;
  const template = [...document.querySelectorAll("template[data-preview-branch]")].find(
    (t) => t.dataset.previewBranch === key,
  );
  if (!template) throw new Error("no preview branch");
  const outcome = {
    decision_id: form.dataset.decisionId,
    option_index: optionIndex,
    first_option_index: optionIndex,
    rating: template.dataset.rating,
    rating_label: template.dataset.ratingLabel,
    consequence: template.dataset.consequence,
  };
  return { outcome, steps: template.content.cloneNode(true) };
}

function initStory(root) {
  const nav = document.querySelector("[data-story-nav]");
  const next = nav?.querySelector("[data-story-next]");
  const steps = () => [...root.querySelectorAll(":scope > [data-step]")];
  if (!steps().length || !next) return;
  const preview = root.hasAttribute("data-story-preview");
  let cursor = 0;

  const emit = (name, detail = {}) =>
    root.dispatchEvent(new CustomEvent(name, { bubbles: true, detail }));
  const isOpenDecision = (step) =>
    step.dataset.step === "decision" && !step.querySelector("[data-chosen]");
  const hasNext = () => cursor < steps().length - 1;

  // The bar keeps its place in the layout whether or not it offers "继续", so it
  // never appears over what was just shown; scrolling keeps its height clear.
  const updateNav = () => {
    const idle = !hasNext() || isOpenDecision(steps()[cursor]);
    nav.toggleAttribute("data-idle", idle);
    next.disabled = idle;
    document.documentElement.style.setProperty(
      "--story-nav-height",
      `${Math.ceil(nav.getBoundingClientRect().height)}px`,
    );
    if (!hasNext() && !isOpenDecision(steps()[cursor])) emit("story:end");
  };

  const scrollTo = (element, block) =>
    element.scrollIntoView({ block, behavior: reducedMotion() ? "auto" : "smooth" });

  const reveal = (index, { focus = true } = {}) => {
    cursor = index;
    const step = steps()[index];
    step.hidden = false;
    updateNav();
    if (focus) {
      step.focus({ preventScroll: true });
      scrollTo(step, "start");
    }
    emit("story:step", { index, step });
  };

  // Start at the first step, or at the last decision this learner already made.
  let resumeAt = 0;
  steps().forEach((step, i) => {
    if (step.querySelector("[data-chosen]")) resumeAt = i;
  });
  steps().forEach((step, i) => {
    step.tabIndex = -1;
    step.hidden = i > resumeAt;
  });
  reveal(resumeAt, { focus: false });
  root.dataset.storyReady = "";

  next.addEventListener("click", () => {
    if (hasNext()) reveal(cursor + 1);
  });

  // The steps a choice leads to replace whatever followed the decision before.
  const continueAfter = (step, fragment) => {
    while (step.nextElementSibling?.matches("[data-step]")) {
      step.nextElementSibling.remove();
    }
    const added = [...fragment.children].filter((el) => el.matches("[data-step]"));
    added.forEach((el) => {
      el.hidden = true;
      el.tabIndex = -1;
    });
    step.after(...added);
    if (added.length) emit("story:steps", { steps: added });
  };

  root.addEventListener("submit", async (event) => {
    const form = event.target.closest("form.decision");
    if (!form) return;
    event.preventDefault();
    const picked = form.querySelector("input[name=option_index]:checked");
    if (!picked) return;
    const region = form.querySelector("[data-outcome]");
    const error = form.querySelector("[data-error]");
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    error.hidden = true;
    try {
      const optionIndex = Number(picked.value);
      const { outcome, steps: fragment } = preview
        ? previewChoice(form, optionIndex)
        : await postChoice(form, optionIndex);
      renderOutcome(region, outcome);
      region.dataset.chosen = "";
      form.querySelector("[data-decision-note]")?.removeAttribute("hidden");
      if (button.dataset.changeLabel) button.textContent = button.dataset.changeLabel;
      const step = form.closest("[data-step]");
      continueAfter(step, fragment);
      cursor = steps().indexOf(step);
      updateNav();
      scrollTo(region, "nearest");
      emit("decision:made", { outcome, preview, form });
    } catch {
      error.hidden = false;
    } finally {
      button.disabled = false;
    }
  });
}

const root = document.querySelector("[data-story]");
if (root) initStory(root);
