// Upload page: stream each chosen file to the upload API, then start the build job.
(function () {
  "use strict";
  function csrf() { return document.body.dataset.csrf || ""; }
  async function send(url, options) {
    const resp = await fetch(url, Object.assign({ credentials: "same-origin" }, options));
    const text = await resp.text();
    let body = null;
    try { body = JSON.parse(text); } catch (e) { body = null; }
    if (!resp.ok) {
      const err = body && body.error ? body.error : {};
      const lang = document.body.dataset.lang;
      throw new Error((lang === "ko" ? err.message_ko : err.message_en) || resp.status + " " + text);
    }
    return body;
  }
  function init() {
    const form = document.getElementById("build-form");
    if (!form) return;
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      const status = document.getElementById("build-status");
      const button = form.querySelector("button[type=submit]");
      const files = form.querySelector("input[type=file]").files;
      if (!files.length) { status.textContent = form.dataset.msgNoFile; return; }
      button.disabled = true;
      try {
        const ids = [];
        for (let i = 0; i < files.length; i++) {
          status.textContent = form.dataset.msgUploading + " " + files[i].name + " (" + (i + 1) + "/" + files.length + ")";
          const data = new FormData();
          data.append("file", files[i], files[i].name);
          const up = await send("/api/v1/uploads", { method: "POST", body: data, headers: { "X-CSRF-Token": csrf() } });
          ids.push(up.id);
        }
        status.textContent = form.dataset.msgStarting;
        const body = { uploads: ids };
        for (const name of ["product_id", "title", "time_column", "id_column", "target", "process_family", "problem_type", "licence"]) {
          const field = form.elements[name];
          if (field && field.value.trim()) body[name] = field.value.trim();
        }
        const job = await send("/api/v1/jobs/build", {
          method: "POST", body: JSON.stringify(body),
          headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
        });
        window.location.href = "/jobs/" + job.id;
      } catch (e) {
        status.textContent = String(e.message || e);
        status.classList.add("error");
        button.disabled = false;
      }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
