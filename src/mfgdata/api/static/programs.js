// Programme pages: a document upload (multipart) carries the CSRF token in its header, as the
// server never parses a streamed body for it; the answer replaces the page like a form post.
document.addEventListener("submit", async (ev) => {
  const form = ev.target;
  if (!(form instanceof HTMLFormElement) || !form.matches("form[data-multipart]")) return;
  ev.preventDefault();
  const button = form.querySelector("button[type=submit]");
  if (button) button.disabled = true;
  const resp = await fetch(form.action, {
    method: "POST",
    body: new FormData(form),
    headers: { "X-CSRF-Token": document.body.dataset.csrf || "" },
  });
  if (resp.redirected) { window.location.href = resp.url; return; }
  const html = await resp.text();
  document.open(); document.write(html); document.close();
});
