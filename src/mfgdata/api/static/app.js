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
  function initImagePredict() {
    const form = document.getElementById("predict-image-form");
    if (!form) return;
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      const out = document.getElementById("predict-image-result");
      const file = form.querySelector("input[type=file]").files[0];
      const ko = form.dataset.lang === "ko";
      if (!file) { out.textContent = ko ? "이미지를 고르세요" : "choose an image"; return; }
      const data = new FormData();
      data.append("file", file, file.name);
      out.textContent = ko ? "판정 중…" : "predicting…";
      try {
        const r = await send(form.dataset.url, { method: "POST", body: data, headers: { "X-CSRF-Token": csrf() } });
        const call = r.predicted === "defect" ? (ko ? "불량" : "defect") : (ko ? "양품" : "good");
        out.textContent = file.name + ": " + call + " (P(" + (ko ? "불량" : "defect") + ") = " + r.p_defect.toFixed(3) + ", " + (ko ? "임계값 " : "threshold ") + r.threshold + ")";
        out.dataset.predicted = r.predicted;
      } catch (e) {
        out.textContent = (ko ? "오류: " : "error: ") + e.message;
      }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", initImagePredict);
  else initImagePredict();
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
