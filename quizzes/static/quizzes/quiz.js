// Quiz taking: each change is saved at once through the API (PUT), so an attempt
// resumes on another phone; the server's reply says only "saved". Without
// JavaScript the form posts the shown questions on 下一题 / 提交答卷.
// A time limit counts down here; at zero the form is submitted, and the server
// grades what was saved by its own deadline whatever this clock says.

const form = document.querySelector("[data-quiz]");

function csrf() {
  return form.querySelector("input[name=csrfmiddlewaretoken]")?.value ?? "";
}

async function save(fieldset) {
  const position = fieldset.dataset.position;
  const ids = [...fieldset.querySelectorAll("input:checked")].map((input) =>
    Number(input.value),
  );
  const status = fieldset.querySelector("[data-saved]");
  const error = form.querySelector("[data-error]");
  try {
    const response = await fetch(
      `/api/quizzes/attempts/${form.dataset.attempt}/answers/${position}`,
      {
        method: "PUT",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
        body: JSON.stringify({ option_ids: ids }),
      },
    );
    if (response.status === 409) {
      // Submitted elsewhere or time is up: the result page says which.
      window.location.assign(`/quiz/attempt/${form.dataset.attempt}/result/`);
      return;
    }
    if (!response.ok) throw new Error(String(response.status));
    status.textContent = status.dataset.label || "已保存";
    error.hidden = true;
  } catch {
    error.hidden = false;
  }
}

function countdown(timer) {
  const clock = timer.querySelector("[data-clock]");
  const end = Date.now() + Number(timer.dataset.remaining) * 1000;
  const tick = () => {
    const left = Math.max(0, Math.round((end - Date.now()) / 1000));
    const minutes = Math.floor(left / 60);
    const seconds = String(left % 60).padStart(2, "0");
    clock.textContent = `${minutes}:${seconds}`;
    // Tell screen readers at the last minute, not every second.
    if (left === 60) timer.setAttribute("aria-live", "polite");
    if (left === 0) {
      const submit = document.createElement("input");
      submit.type = "hidden";
      submit.name = "go";
      submit.value = "submit";
      form.append(submit);
      form.submit();
      return;
    }
    setTimeout(tick, 1000);
  };
  tick();
}

if (form) {
  const label = document.documentElement.lang === "en" ? "Saved" : "已保存";
  for (const fieldset of form.querySelectorAll("[data-question]")) {
    fieldset.querySelector("[data-saved]").dataset.label = label;
    fieldset.addEventListener("change", () => save(fieldset));
  }
  const timer = document.querySelector("[data-remaining]");
  if (timer) countdown(timer);
  form.dataset.quizReady = "";
}
