// The admin's language menu submits its form when a language is chosen. This lives in a file
// because the Content-Security-Policy (script-src 'self') blocks inline handlers (onchange=…).
document.addEventListener("change", function (event) {
  if (event.target.matches("select[data-submit-on-change]")) {
    event.target.form.submit();
  }
});
