/* The teacher search of a capped list (a trust lead's page lists the first teachers only):
   online, the words typed in "Find by name" also go to the server, which searches every
   teacher the user may write for; the teachers found (with their current steps and their
   schools' library) join the page's own list. Offline, the list already on the page is
   searched (form.js). */
(function () {
  "use strict";
  const capture = window.Dropin.capture;
  const data = capture.data;
  if (!data.more_teachers) return;
  const filter = capture.form.querySelector("[data-teacher-filter]");
  const status = capture.form.querySelector("[data-teacher-search-status]");
  let found = { words: "", ids: new Set() };
  let timer = null;

  capture.foundFor = (words, teacher) => found.words === words && found.ids.has(String(teacher.id));

  function join(answer) {
    const teacherIds = new Set(data.teachers.map((teacher) => String(teacher.id)));
    for (const teacher of answer.teachers) {
      if (!teacherIds.has(String(teacher.id))) data.teachers.push(teacher);
    }
    const stepIds = new Set(data.library.map((step) => step.id));
    for (const step of answer.library) {
      if (!stepIds.has(step.id)) data.library.push(step);
    }
  }

  async function search(words) {
    status.textContent = "Searching all your teachers…";
    try {
      const response = await fetch("/capture/teachers?q=" + encodeURIComponent(words), {
        credentials: "same-origin", headers: { Accept: "application/json" },
      });
      if (!response.ok) throw new Error("search answered " + response.status);
      const answer = await response.json();
      join(answer);
      found = { words: words.toLowerCase(), ids: new Set(answer.teachers.map((t) => String(t.id))) };
      status.textContent = answer.teachers.length ? "" : "No teacher matches.";
      if (filter.value.trim() === words) capture.fillTeachers(filter.value);
    } catch (error) {
      status.textContent = "Offline: searching the teachers listed here only.";
    }
  }

  filter.addEventListener("input", () => {
    clearTimeout(timer);
    const words = filter.value.trim();
    status.textContent = "";
    if (!words) return;
    if (!navigator.onLine) {
      status.textContent = "Offline: searching the teachers listed here only.";
      return;
    }
    timer = setTimeout(() => search(words), 300);
  });
})();
